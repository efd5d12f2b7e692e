import { digest } from "./checksum";
import { gzip } from "./compression";
import { xmlParser, attrOf, escapeXml, textOf } from "./xml";
import type { RpmPackageFields } from "./types";

/** One `<data>` record of repomd.xml. */
export interface RepomdRecord {
  type: string;
  location_href: string;
  location_base?: string;
  checksum: string;
  checksum_type: string;
  open_checksum?: string;
  open_checksum_type?: string;
  size?: number;
  open_size?: number;
  timestamp?: number;
}

export interface Repomd {
  revision: string;
  records: RepomdRecord[];
}

const num = (v: string | undefined): number | undefined => (v == null || v === "" ? undefined : Number(v));

export function parseRepomd(xml: string): Repomd {
  const doc = xmlParser.parse(xml) as { repomd?: { revision?: unknown; data?: Record<string, unknown>[] } };
  if (!doc.repomd) throw new Error("not a repomd.xml document");
  const records = (doc.repomd.data ?? []).map((d): RepomdRecord => {
    const record: RepomdRecord = {
      type: attrOf(d, "type") ?? "",
      location_href: attrOf(d["location"], "href") ?? "",
      checksum: textOf(d["checksum"]).trim(),
      checksum_type: attrOf(d["checksum"], "type") ?? "sha256",
    };
    const base = attrOf(d["location"], "xml:base");
    if (base) record.location_base = base;
    if (d["open-checksum"] != null) {
      record.open_checksum = textOf(d["open-checksum"]).trim();
      record.open_checksum_type = attrOf(d["open-checksum"], "type") ?? "sha256";
    }
    const size = num(textOf(d["size"]));
    if (size != null) record.size = size;
    const openSize = num(textOf(d["open-size"]));
    if (openSize != null) record.open_size = openSize;
    const ts = num(textOf(d["timestamp"]));
    if (ts != null) record.timestamp = ts;
    return record;
  });
  return { revision: textOf(doc.repomd.revision).trim(), records };
}

/**
 * The `<package …>…</package>` elements of a primary/filelists/other document, verbatim. Package
 * elements never nest and `<` in text is always escaped, so a non-greedy match is exact.
 */
export function splitPackages(xml: string): string[] {
  return xml.match(/<package\b[\s\S]*?<\/package>/g) ?? [];
}

/** `pkgid` attribute of a filelists/other package element. */
export function pkgidOf(fragment: string): string | undefined {
  return /^<package\b[^>]*\bpkgid="([^"]+)"/.exec(fragment)?.[1];
}

export function parsePrimaryPackage(fragment: string): RpmPackageFields {
  const doc = xmlParser.parse(fragment) as { package: Record<string, unknown> };
  const p = doc.package;
  const format = (p["format"] ?? {}) as Record<string, unknown>;
  const fields: RpmPackageFields = {
    name: textOf(p["name"]),
    epoch: attrOf(p["version"], "epoch") ?? "0",
    version: attrOf(p["version"], "ver") ?? "",
    release: attrOf(p["version"], "rel") ?? "",
    arch: textOf(p["arch"]),
    pkgId: textOf(p["checksum"]).trim(),
    checksum_type: attrOf(p["checksum"], "type") ?? "sha256",
    summary: textOf(p["summary"]),
    description: textOf(p["description"]),
    url: textOf(p["url"]),
    location_href: attrOf(p["location"], "href") ?? "",
    time_file: Number(attrOf(p["time"], "file") ?? 0),
    time_build: Number(attrOf(p["time"], "build") ?? 0),
    size_package: Number(attrOf(p["size"], "package") ?? 0),
    size_installed: Number(attrOf(p["size"], "installed") ?? 0),
    size_archive: Number(attrOf(p["size"], "archive") ?? 0),
    rpm_sourcerpm: textOf(format["rpm:sourcerpm"]),
    is_modular: false,
  };
  const base = attrOf(p["location"], "xml:base");
  if (base) fields.location_base = base;
  return fields;
}

/** Replace a primary fragment's `<location>` (drops xml:base) and, optionally, its checksum. */
export function relocatePrimary(fragment: string, href: string, checksum?: { type: string; value: string }): string {
  let out = fragment.replace(/<location\b[^>]*\/>/, `<location href="${escapeXml(href)}"/>`);
  if (checksum) {
    out = out.replace(
      /<checksum\b[^>]*>[^<]*<\/checksum>/,
      `<checksum type="${checksum.type}" pkgid="YES">${checksum.value}</checksum>`,
    );
  }
  return out;
}

/** Replace the pkgid attribute of a filelists/other fragment. */
export function repointPkgid(fragment: string, pkgid: string): string {
  return fragment.replace(/^(<package\b[^>]*\bpkgid=")[^"]+"/, `$1${pkgid}"`);
}

export const PRIMARY_NS = 'xmlns="http://linux.duke.edu/metadata/common" xmlns:rpm="http://linux.duke.edu/metadata/rpm"';
export const FILELISTS_NS = 'xmlns="http://linux.duke.edu/metadata/filelists"';
export const OTHER_NS = 'xmlns="http://linux.duke.edu/metadata/other"';

export function wrapDocument(root: string, ns: string, fragments: string[]): string {
  const body = fragments.map((f) => `${f}\n`).join("");
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root} ${ns} packages="${fragments.length}">\n${body}</${root}>\n`;
}

export function renderRepomd(revision: string, records: RepomdRecord[]): string {
  const data = records
    .map((r) => {
      const lines = [
        `  <data type="${r.type}">`,
        `    <checksum type="${r.checksum_type}">${r.checksum}</checksum>`,
      ];
      if (r.open_checksum) lines.push(`    <open-checksum type="${r.open_checksum_type ?? r.checksum_type}">${r.open_checksum}</open-checksum>`);
      lines.push(`    <location href="${escapeXml(r.location_href)}"/>`);
      if (r.timestamp != null) lines.push(`    <timestamp>${r.timestamp}</timestamp>`);
      if (r.size != null) lines.push(`    <size>${r.size}</size>`);
      if (r.open_size != null) lines.push(`    <open-size>${r.open_size}</open-size>`);
      lines.push("  </data>");
      return lines.join("\n");
    })
    .join("\n");
  return `<?xml version="1.0" encoding="UTF-8"?>\n<repomd xmlns="http://linux.duke.edu/metadata/repo" xmlns:rpm="http://linux.duke.edu/metadata/rpm">\n  <revision>${escapeXml(revision)}</revision>\n${data}\n</repomd>\n`;
}

export interface RepodataFile {
  path: string;
  data: Buffer;
}

/**
 * A repository's repodata from its package fragments: primary/filelists/other `.xml.gz` named
 * `<checksum>-<type>.xml.gz` (createrepo_c's default), then `repomd.xml` listing them. Shared by
 * publications and the fixture repositories the project writes itself.
 */
export function renderRepodata(
  fragments: { primary: string[]; filelists: string[]; other: string[] },
  options: { checksumType: string; timestamp: number; revision?: string },
): { metadata: RepodataFile[]; repomd: RepodataFile } {
  const { checksumType, timestamp } = options;
  const metadata: RepodataFile[] = [];
  const records: RepomdRecord[] = [];
  const docs: [string, string][] = [
    ["primary", wrapDocument("metadata", PRIMARY_NS, fragments.primary)],
    ["filelists", wrapDocument("filelists", FILELISTS_NS, fragments.filelists)],
    ["other", wrapDocument("otherdata", OTHER_NS, fragments.other)],
  ];
  for (const [type, xml] of docs) {
    const open = Buffer.from(xml, "utf8");
    const packed = gzip(open);
    const checksum = digest(checksumType, packed);
    const location_href = `repodata/${checksum}-${type}.xml.gz`;
    metadata.push({ path: location_href, data: packed });
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
  const repomd = Buffer.from(renderRepomd(options.revision ?? String(timestamp), records), "utf8");
  return { metadata, repomd: { path: "repodata/repomd.xml", data: repomd } };
}
