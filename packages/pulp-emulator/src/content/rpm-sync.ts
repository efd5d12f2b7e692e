import { digest, normalizeAlgorithm } from "./checksum";
import { decompressByName } from "./compression";
import {
  parsePrimaryPackage,
  parseRepomd,
  pkgidOf,
  type RepomdRecord,
  splitPackages,
} from "./rpm-metadata";
import {
  type PublishedFile,
  type RemoteConfig,
  type RpmPackageUnit,
  type SyncContext,
  type SyncResult,
  ChecksumMismatchError,
  MIRROR_INCOMPATIBLE_MESSAGE,
} from "./types";
import { createUpstream, resolveUrl, type Upstream } from "./upstream";
import { downloadUnits } from "./verify";

const byPath = (a: PublishedFile, b: PublishedFile) => a.relative_path.localeCompare(b.relative_path);

/** Metadata types pulp_rpm cannot mirror (delta RPMs). */
const UNSUPPORTED_MIRROR_TYPES = new Set(["prestodelta", "deltainfo"]);

/** pulp_rpm: a path pointing outside the repository (more `../` than the namespace depth 0). */
const isIllegalRelativePath = (path: string): boolean => path.includes("../");

async function fetchRecord(upstream: Upstream, record: RepomdRecord, ctx: SyncContext): Promise<Buffer> {
  const url = resolveUrl(record.location_base ?? upstream.url(""), record.location_href);
  const data = await upstream.limit(() => upstream.getBuffer(url, ctx.signal));
  const actual = digest(record.checksum_type, data);
  if (actual !== record.checksum.toLowerCase()) {
    throw new ChecksumMismatchError(record.location_href, record.checksum, actual);
  }
  return data;
}

/** The record of exactly `type` (`primary` is the XML one; `primary_db`/`primary_zck` are other types). */
function recordOf(records: RepomdRecord[], type: string): RepomdRecord | undefined {
  return records.find((r) => r.type === type);
}

function fragmentsByPkgid(xml: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const fragment of splitPackages(xml)) {
    const id = pkgidOf(fragment);
    if (id) map.set(id, fragment);
  }
  return map;
}

/**
 * Sync an RPM repository: repomd.xml → primary/filelists/other → rpm.package units. All metadata
 * files listed in repomd are kept as artifacts so a mirror_complete publication is bit-for-bit.
 */
export async function syncRpm(remote: RemoteConfig, ctx: SyncContext): Promise<SyncResult> {
  const upstream = createUpstream(remote);
  try {
    return await syncWith(upstream, ctx);
  } finally {
    await upstream.close();
  }
}

async function syncWith(upstream: Upstream, ctx: SyncContext): Promise<SyncResult> {
  const progress = (code: string, message: string, done: number, total?: number) =>
    ctx.onProgress?.({ code, message, done, ...(total != null ? { total } : {}) });
  let mirrorIncompatible: string | undefined;

  progress("sync.downloading.metadata", "Downloading Metadata Files", 0);
  const repomdBytes = await upstream.getBuffer(upstream.url("repodata/repomd.xml"), ctx.signal);
  const repomd = parseRepomd(repomdBytes.toString("utf8"));
  const files: PublishedFile[] = [
    { relative_path: "repodata/repomd.xml", sha256: (await ctx.artifacts.put(repomdBytes)).sha256 },
  ];
  for (const extra of ["repodata/repomd.xml.asc", "repodata/repomd.xml.key"]) {
    const data = await upstream.getOptional(upstream.url(extra), ctx.signal);
    if (data) files.push({ relative_path: extra, sha256: (await ctx.artifacts.put(data)).sha256 });
  }

  const contents = new Map<string, Buffer>();
  await Promise.all(
    repomd.records.map(async (record) => {
      if (record.location_base || isIllegalRelativePath(record.location_href) || UNSUPPORTED_MIRROR_TYPES.has(record.type)) {
        mirrorIncompatible = MIRROR_INCOMPATIBLE_MESSAGE;
      }
      const data = await fetchRecord(upstream, record, ctx);
      contents.set(record.type, data);
      if (!record.location_base && !isIllegalRelativePath(record.location_href)) {
        files.push({ relative_path: record.location_href, sha256: (await ctx.artifacts.put(data)).sha256 });
      }
    }),
  );
  progress("sync.downloading.metadata", "Downloading Metadata Files", files.length, files.length);

  const xmlOf = async (type: string): Promise<string> => {
    const record = recordOf(repomd.records, type);
    const data = contents.get(type);
    if (!record || !data) throw new Error(`repomd.xml has no '${type}' metadata`);
    return (await decompressByName(record.location_href, data)).toString("utf8");
  };
  const primary = splitPackages(await xmlOf("primary"));
  const filelists = fragmentsByPkgid(await xmlOf("filelists"));
  const other = fragmentsByPkgid(await xmlOf("other"));

  const units: RpmPackageUnit[] = [];
  for (const fragment of primary) {
    const rpm = parsePrimaryPackage(fragment);
    if (rpm.location_base || isIllegalRelativePath(rpm.location_href)) mirrorIncompatible = MIRROR_INCOMPATIBLE_MESSAGE;
    const checksumType = normalizeAlgorithm(rpm.checksum_type);
    const unit: RpmPackageUnit = {
      pulp_type: "rpm.package",
      natural_key: [rpm.name, rpm.epoch, rpm.version, rpm.release, rpm.arch, checksumType, rpm.pkgId].join("|"),
      relative_path: rpm.location_href,
      size: rpm.size_package,
      checksums: { [checksumType]: rpm.pkgId },
      downloaded: false,
      source_url: resolveUrl(rpm.location_base ?? upstream.url(""), rpm.location_href),
      rpm,
      xml: { primary: fragment, filelists: filelists.get(rpm.pkgId) ?? "", other: other.get(rpm.pkgId) ?? "" },
    };
    if (checksumType === "sha256") unit.sha256 = rpm.pkgId;
    units.push(unit);
  }
  progress("sync.parsing.packages", "Parsed Packages", units.length, units.length);

  await downloadUnits(units, upstream, ctx);
  progress("associating.content", "Associating Content", units.length, units.length);

  return {
    units,
    metadata: { revision: digest("sha256", repomdBytes), files: files.sort(byPath) },
    ...(mirrorIncompatible ? { mirrorIncompatible } : {}),
  };
}
