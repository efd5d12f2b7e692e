import { posix } from "node:path";
import { relocatePrimary, renderRepodata, repointPkgid } from "./rpm-metadata";
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

  const { metadata, repomd } = renderRepodata({ primary, filelists, other }, { checksumType, timestamp });
  for (const file of [...metadata, repomd]) {
    files.push({ relative_path: file.path, sha256: (await options.artifacts.put(file.data)).sha256 });
  }
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
