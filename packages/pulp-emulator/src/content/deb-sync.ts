import { digest } from "./checksum";
import { decompressByName } from "./compression";
import { field, type Paragraph, parseDeb822, releaseChecksums, renderParagraph, words } from "./deb822";
import {
  ChecksumMismatchError,
  type ContentUnit,
  type DebPackageReleaseComponentUnit,
  type DebPackageUnit,
  type PublishedFile,
  type RemoteConfig,
  type SyncContext,
  type SyncResult,
} from "./types";
import { createUpstream, type Upstream } from "./upstream";
import { downloadUnits } from "./verify";

/** Index variants in the order we parse them (all listed ones are kept for verbatim publishing). */
const INDEX_VARIANTS = ["Packages.gz", "Packages.xz", "Packages", "Packages.bz2"];

/** Release-file locations of a distribution; flat repositories are a directory ending in `/`. */
function releaseDir(distribution: string): string {
  return distribution.endsWith("/") ? distribution.replace(/^\.?\/+/, "") : `dists/${distribution}/`;
}

interface IndexRef {
  distribution: string;
  component?: string;
  /** Paths relative to the Release file's directory, as listed there. */
  variants: string[];
}

/** The signed text of a clearsigned InRelease (signature not checked: no keyring here). */
function clearsignedBody(data: Buffer): Buffer {
  const text = data.toString("utf8");
  const m = /-----BEGIN PGP SIGNED MESSAGE-----\r?\n(?:[^\n]+\r?\n)*?\r?\n([\s\S]*?)\r?\n-----BEGIN PGP SIGNATURE-----/.exec(text);
  if (!m) return data;
  return Buffer.from(m[1]!.replace(/^- /gm, ""), "utf8");
}

function debPackageUnit(paragraph: Paragraph, sourceUrl: (path: string) => string): DebPackageUnit {
  const filename = field(paragraph, "Filename");
  const sha256 = field(paragraph, "SHA256")?.toLowerCase();
  if (!filename || !sha256) throw new Error(`Packages entry ${field(paragraph, "Package") ?? "?"} lacks Filename or SHA256`);
  const checksums: Record<string, string> = { sha256 };
  const sha1 = field(paragraph, "SHA1");
  const md5 = field(paragraph, "MD5sum");
  if (sha1) checksums["sha1"] = sha1.toLowerCase();
  if (md5) checksums["md5"] = md5.toLowerCase();
  const relative_path = filename.replace(/^\.?\/+/, "");
  return {
    pulp_type: "deb.package",
    natural_key: `${relative_path}|${sha256}`,
    relative_path,
    sha256,
    size: Number(field(paragraph, "Size") ?? 0),
    checksums,
    downloaded: false,
    source_url: sourceUrl(relative_path),
    package: field(paragraph, "Package") ?? "",
    version: field(paragraph, "Version") ?? "",
    architecture: field(paragraph, "Architecture") ?? "",
    control: renderParagraph(paragraph),
  };
}

/**
 * Sync an APT repository: for each distribution, its Release file and the package indices of the
 * selected components/architectures. Upstream Release/InRelease/Release.gpg and index files are kept
 * as artifacts for verbatim publications.
 */
export async function syncDeb(remote: RemoteConfig, ctx: SyncContext): Promise<SyncResult> {
  const upstream = createUpstream(remote);
  try {
    return await syncWith(upstream, remote, ctx);
  } finally {
    await upstream.close();
  }
}

async function syncWith(upstream: Upstream, remote: RemoteConfig, ctx: SyncContext): Promise<SyncResult> {
  const distributions = words(remote.distributions);
  if (distributions.length === 0) throw new Error("the remote has no distributions");
  const files = new Map<string, string>(); // relative path -> sha256
  const releaseDigests: string[] = [];
  const packages = new Map<string, DebPackageUnit>();
  const prcs = new Map<string, DebPackageReleaseComponentUnit>();
  const keep = async (path: string, data: Buffer) => files.set(path, (await ctx.artifacts.put(data)).sha256);
  let releasesDone = 0;

  for (const distribution of distributions) {
    const dir = releaseDir(distribution);
    ctx.onProgress?.({ code: "update.release_file", message: "Update ReleaseFile units", done: releasesDone });
    const plainRelease = await upstream.getOptional(upstream.url(`${dir}Release`), ctx.signal);
    const inRelease = await upstream.getOptional(upstream.url(`${dir}InRelease`), ctx.signal);
    if (!plainRelease && !inRelease) throw new Error(`Could not find a Release or InRelease file at '${dir}'`);
    if (plainRelease) await keep(`${dir}Release`, plainRelease);
    if (inRelease) await keep(`${dir}InRelease`, inRelease);
    const releaseGpg = plainRelease && (await upstream.getOptional(upstream.url(`${dir}Release.gpg`), ctx.signal));
    if (releaseGpg) await keep(`${dir}Release.gpg`, releaseGpg);
    const releaseBytes = plainRelease ?? clearsignedBody(inRelease!);
    releaseDigests.push(`${dir}:${digest("sha256", plainRelease ?? inRelease!)}`);
    ctx.onProgress?.({ code: "update.release_file", message: "Update ReleaseFile units", done: ++releasesDone });

    const release = parseDeb822(releaseBytes.toString("utf8"))[0] ?? [];
    const sha256s = releaseChecksums(release, "SHA256");
    const listed = (path: string) => sha256s.has(path);

    const refs: IndexRef[] = [];
    if (distribution.endsWith("/")) {
      refs.push({ distribution, variants: INDEX_VARIANTS.filter(listed) });
    } else {
      const components = words(remote.components).length ? words(remote.components) : words(field(release, "Components"));
      const archs = words(remote.architectures).length ? words(remote.architectures) : words(field(release, "Architectures"));
      for (const component of components) {
        for (const arch of archs) {
          const variants = INDEX_VARIANTS.map((v) => `${component}/binary-${arch}/${v}`).filter(listed);
          if (variants.length) refs.push({ distribution, component, variants });
          else if (arch !== "all") {
            throw new Error(`No suitable package index files found in '${dir}Release' for component '${component}' and architecture '${arch}'.`);
          }
          const archRelease = `${component}/binary-${arch}/Release`;
          const archReleaseData = listed(archRelease) ? await fetchVerified(upstream, dir, archRelease, sha256s, ctx) : undefined;
          if (archReleaseData) await keep(`${dir}${archRelease}`, archReleaseData);
        }
      }
    }

    for (const ref of refs) {
      let parsed = false;
      for (const variant of ref.variants) {
        // Archives list variants they do not serve (Ubuntu's uncompressed Packages): skip 404s.
        const data = await fetchVerified(upstream, dir, variant, sha256s, ctx);
        if (!data) continue;
        await keep(`${dir}${variant}`, data);
        if (parsed) continue;
        parsed = true;
        const text = (await decompressByName(variant, data)).toString("utf8");
        for (const paragraph of parseDeb822(text)) {
          const unit = debPackageUnit(paragraph, (p) => upstream.url(p));
          const pkg = packages.get(unit.natural_key) ?? unit;
          packages.set(pkg.natural_key, pkg);
          if (ref.component) {
            const prc: DebPackageReleaseComponentUnit = {
              pulp_type: "deb.package_release_component",
              natural_key: `${pkg.natural_key}|${ref.distribution}|${ref.component}`,
              package_key: pkg.natural_key,
              distribution: ref.distribution,
              component: ref.component,
            };
            prcs.set(prc.natural_key, prc);
          }
        }
      }
      if (!parsed) throw new Error(`None of the package indices listed in '${dir}Release' could be downloaded: ${ref.variants.join(", ")}`);
      ctx.onProgress?.({ code: "update.packageindex", message: "Update PackageIndex units", done: refs.indexOf(ref) + 1, total: refs.length });
    }
  }

  const units = [...packages.values()];
  await downloadUnits(units, upstream, ctx);

  const published: PublishedFile[] = [...files.entries()]
    .map(([relative_path, sha256]) => ({ relative_path, sha256 }))
    .sort((a, b) => a.relative_path.localeCompare(b.relative_path));
  const all: ContentUnit[] = [...units, ...prcs.values()];
  return { units: all, metadata: { revision: digest("sha256", releaseDigests.join("\n")), files: published } };
}

/** A file the Release lists, checked against its SHA256 there; undefined when upstream answers 404. */
async function fetchVerified(
  upstream: Upstream,
  dir: string,
  path: string,
  sha256s: Map<string, { checksum: string; size: number }>,
  ctx: SyncContext,
): Promise<Buffer | undefined> {
  const url = upstream.url(`${dir}${path}`);
  const data = await upstream.limit(() => upstream.getOptional(url, ctx.signal));
  if (!data) return undefined;
  const expected = sha256s.get(path)?.checksum;
  const actual = digest("sha256", data);
  if (expected && expected.toLowerCase() !== actual) throw new ChecksumMismatchError(`${dir}${path}`, expected, actual);
  return data;
}
