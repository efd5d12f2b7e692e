import { posix } from "node:path";
import { digest } from "./checksum";
import { gzip } from "./compression";
import {
  FILELISTS_NS,
  OTHER_NS,
  PRIMARY_NS,
  type RepomdRecord,
  relocatePrimary,
  renderRepomd,
  repointPkgid,
  wrapDocument,
} from "./rpm-metadata";
import {
  type ContentUnit,
  type PublishedFile,
  type PublishRpmOptions,
  publishedPackage,
  type RpmPackageUnit,
  type UpstreamMetadata,
} from "./types";

/** Where a package lives in a publication (rpm `tasks/publishing.py`, layout nested_alphabetically / flat). */
export function rpmPackagePath(unit: RpmPackageUnit, layout: PublishRpmOptions["layout"] = "nested_alphabetically"): string {
  const file = posix.basename(unit.rpm.location_href);
  return layout === "flat" ? `Packages/${file}` : `Packages/${file[0]!.toLowerCase()}/${file}`;
}

const rpmUnits = (units: ContentUnit[]): RpmPackageUnit[] =>
  units
    .filter((u): u is RpmPackageUnit => u.pulp_type === "rpm.package")
    .sort((a, b) => a.rpm.location_href.localeCompare(b.rpm.location_href) || a.natural_key.localeCompare(b.natural_key));

/**
 * Generate a publication's repodata (primary/filelists/other .xml.gz + repomd.xml) from the units'
 * upstream XML, with packages relocated to `Packages/<l>/<file>`. Metadata files are stored as
 * artifacts; packages are served from their artifact or on demand.
 */
export async function publishRpm(units: ContentUnit[], options: PublishRpmOptions): Promise<PublishedFile[]> {
  const checksumType = options.checksumType ?? "sha256";
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const packages = rpmUnits(units);
  const files: PublishedFile[] = [];
  const seen = new Set<string>();
  const primary: string[] = [];
  const filelists: string[] = [];
  const other: string[] = [];

  for (const unit of packages) {
    const path = rpmPackagePath(unit, options.layout);
    if (seen.has(path)) continue; // two units with one file name: first wins, as in a filesystem
    seen.add(path);
    files.push(publishedPackage(path, unit));
    // Re-key on sha256 when we know it, so pkgid matches the package checksum type Pulp publishes.
    const sha = unit.sha256;
    const rekey = sha && unit.rpm.pkgId !== sha;
    primary.push(relocatePrimary(unit.xml.primary, path, rekey ? { type: "sha256", value: sha } : undefined));
    if (unit.xml.filelists) filelists.push(rekey ? repointPkgid(unit.xml.filelists, sha) : unit.xml.filelists);
    if (unit.xml.other) other.push(rekey ? repointPkgid(unit.xml.other, sha) : unit.xml.other);
  }

  const records: RepomdRecord[] = [];
  const docs: [string, string][] = [
    ["primary", wrapDocument("metadata", PRIMARY_NS, primary)],
    ["filelists", wrapDocument("filelists", FILELISTS_NS, filelists)],
    ["other", wrapDocument("otherdata", OTHER_NS, other)],
  ];
  for (const [type, xml] of docs) {
    const open = Buffer.from(xml, "utf8");
    const packed = gzip(open);
    const checksum = digest(checksumType, packed);
    const location_href = `repodata/${checksum}-${type}.xml.gz`;
    const { sha256 } = await options.artifacts.put(packed);
    files.push({ relative_path: location_href, sha256 });
    records.push({
      type,
      location_href,
      checksum,
      checksum_type: checksumType,
      open_checksum: digest(checksumType, open),
      open_checksum_type: checksumType,
      size: packed.byteLength,
      open_size: open.byteLength,
      timestamp,
    });
  }
  const repomd = Buffer.from(renderRepomd(String(timestamp), records), "utf8");
  files.push({ relative_path: "repodata/repomd.xml", sha256: (await options.artifacts.put(repomd)).sha256 });
  return files;
}

/** mirror_complete publication: upstream metadata as-is, packages at their upstream locations. */
export function publishRpmMirror(metadata: UpstreamMetadata, units: ContentUnit[]): PublishedFile[] {
  const files = [...metadata.files];
  const seen = new Set(files.map((f) => f.relative_path));
  for (const unit of rpmUnits(units)) {
    if (seen.has(unit.relative_path)) continue;
    seen.add(unit.relative_path);
    files.push(publishedPackage(unit.relative_path, unit));
  }
  return files;
}
