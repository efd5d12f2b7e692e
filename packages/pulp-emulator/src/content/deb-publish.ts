import { digest } from "./checksum";
import { gzip } from "./compression";
import { field, parseDeb822, renderParagraph, setField } from "./deb822";
import {
  type ArtifactStore,
  type ContentUnit,
  type DebPackageReleaseComponentUnit,
  type DebPackageUnit,
  type PublishDebOptions,
  type PublishedFile,
  publishedPackage,
  type UpstreamMetadata,
} from "./types";

/** Pool path Pulp gives a package in an apt publication: `pool/<component>/<initial>/<source>/<file>`. */
export function debPoolPath(unit: DebPackageUnit, component: string): string {
  const paragraph = parseDeb822(unit.control)[0] ?? [];
  const source = (field(paragraph, "Source") ?? unit.package).split(/\s/)[0]!;
  const initial = source.startsWith("lib") && source.length > 3 ? source.slice(0, 4) : source.slice(0, 1);
  const version = unit.version.replace(/^\d+:/, "");
  return `pool/${component}/${initial}/${source}/${unit.package}_${version}_${unit.architecture}.deb`;
}

export function rfc2822(date: Date): string {
  return date.toUTCString().replace("GMT", "+0000");
}

/**
 * A Release file: its fields, then the MD5Sum/SHA1/SHA256 lists of the index files (paths relative
 * to the Release file's directory). Shared by apt publications and the fixture repositories.
 */
export function renderRelease(fields: [string, string][], indexFiles: { path: string; data: Buffer }[]): Buffer {
  const sums = (algorithm: string) =>
    indexFiles.map((f) => ` ${digest(algorithm, f.data)} ${String(f.data.byteLength).padStart(8)} ${f.path}`).join("\n");
  const lines = [
    ...fields.map(([name, value]) => `${name}: ${value}`),
    `MD5Sum:\n${sums("md5")}`,
    `SHA1:\n${sums("sha1")}`,
    `SHA256:\n${sums("sha256")}`,
  ];
  return Buffer.from(`${lines.join("\n")}\n`, "utf8");
}

interface Placement {
  distribution: string;
  component: string;
  unit: DebPackageUnit;
}

function placements(units: ContentUnit[], options: PublishDebOptions): Placement[] {
  const debs = units.filter((u): u is DebPackageUnit => u.pulp_type === "deb.package");
  const out: Placement[] = [];
  if (options.simple) for (const unit of debs) out.push({ distribution: "default", component: "all", unit });
  if (options.structured) {
    const byKey = new Map(debs.map((u) => [u.natural_key, u]));
    for (const prc of units.filter((u): u is DebPackageReleaseComponentUnit => u.pulp_type === "deb.package_release_component")) {
      const unit = byKey.get(prc.package_key);
      if (unit && !prc.distribution.endsWith("/")) out.push({ distribution: prc.distribution, component: prc.component, unit });
    }
  }
  return out;
}

/**
 * Apt publication: `dists/<dist>/Release` (MD5Sum/SHA1/SHA256 lists), per component/architecture
 * `Packages` + `Packages.gz`, packages in a pool. `simple` publishes everything as dist `default`,
 * component `all`; `structured` follows the synced distributions/components. Architecture `all`
 * packages are listed in every architecture's index, as in Debian archives.
 */
export async function publishDebApt(units: ContentUnit[], options: PublishDebOptions): Promise<PublishedFile[]> {
  if (!options.simple && !options.structured) throw new Error("one of 'simple' or 'structured' must be true");
  const files = new Map<string, PublishedFile>();
  const dists = new Map<string, Map<string, Placement[]>>();
  for (const p of placements(units, options)) {
    const comps = dists.get(p.distribution) ?? new Map<string, Placement[]>();
    dists.set(p.distribution, comps);
    comps.set(p.component, [...(comps.get(p.component) ?? []), p]);
  }
  const date = options.date ?? new Date();

  for (const [distribution, comps] of [...dists.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const archSet = new Set<string>();
    for (const list of comps.values()) for (const p of list) if (p.unit.architecture !== "all") archSet.add(p.unit.architecture);
    const archs = archSet.size ? [...archSet].sort() : ["all"];
    const indexFiles: { path: string; data: Buffer }[] = [];

    for (const [component, list] of [...comps.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      const sorted = [...list].sort((a, b) => a.unit.package.localeCompare(b.unit.package) || a.unit.natural_key.localeCompare(b.unit.natural_key));
      for (const arch of archs) {
        const stanzas: string[] = [];
        for (const { unit } of sorted) {
          if (unit.architecture !== arch && unit.architecture !== "all") continue;
          const pool = debPoolPath(unit, component);
          if (!files.has(pool)) {
            files.set(pool, publishedPackage(pool, unit));
          }
          stanzas.push(renderParagraph(setField(parseDeb822(unit.control)[0] ?? [], "Filename", pool)));
        }
        const packages = Buffer.from(stanzas.length ? `${stanzas.join("\n\n")}\n` : "", "utf8");
        const base = `${component}/binary-${arch}`;
        indexFiles.push({ path: `${base}/Packages`, data: packages }, { path: `${base}/Packages.gz`, data: gzip(packages) });
        const archRelease = `Component: ${component}\nArchitecture: ${arch}\n`;
        indexFiles.push({ path: `${base}/Release`, data: Buffer.from(archRelease) });
      }
    }

    const release = renderRelease(
      [
        ["Origin", "Pulp 3"],
        ["Label", "Pulp 3"],
        ["Suite", distribution],
        ["Codename", distribution],
        ["Date", rfc2822(date)],
        ["Architectures", archs.join(" ")],
        ["Components", [...comps.keys()].sort().join(" ")],
        ["Description", "Generated by Pulp"],
      ],
      indexFiles,
    );
    const dir = `dists/${distribution}`;
    for (const f of indexFiles) await storeFile(files, options.artifacts, `${dir}/${f.path}`, f.data);
    await storeFile(files, options.artifacts, `${dir}/Release`, release);
  }
  return [...files.values()].sort((a, b) => a.relative_path.localeCompare(b.relative_path));
}

async function storeFile(files: Map<string, PublishedFile>, artifacts: ArtifactStore, path: string, data: Buffer) {
  files.set(path, { relative_path: path, sha256: (await artifacts.put(data)).sha256 });
}

/** Verbatim publication: upstream Release/index files as synced, packages at their upstream paths. */
export function publishDebVerbatim(metadata: UpstreamMetadata, units: ContentUnit[]): PublishedFile[] {
  const files = new Map(metadata.files.map((f) => [f.relative_path, f]));
  for (const unit of units) {
    if (unit.pulp_type !== "deb.package" || files.has(unit.relative_path)) continue;
    files.set(unit.relative_path, publishedPackage(unit.relative_path, unit));
  }
  return [...files.values()].sort((a, b) => a.relative_path.localeCompare(b.relative_path));
}

