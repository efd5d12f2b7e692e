/** A deb822 paragraph: field order kept; values of multi-line fields keep their continuation lines. */
export type Paragraph = [name: string, value: string][];

/** Split a deb822 document (Packages, Release) into paragraphs. */
export function parseDeb822(text: string): Paragraph[] {
  const paragraphs: Paragraph[] = [];
  let current: Paragraph = [];
  for (const line of text.replace(/\r\n/g, "\n").split("\n")) {
    if (line.trim() === "") {
      if (current.length) paragraphs.push(current);
      current = [];
    } else if (/^[ \t]/.test(line) && current.length) {
      const last = current[current.length - 1]!;
      last[1] = `${last[1]}\n${line}`;
    } else if (!line.startsWith("#")) {
      const colon = line.indexOf(":");
      if (colon > 0) current.push([line.slice(0, colon), line.slice(colon + 1).trim()]);
    }
  }
  if (current.length) paragraphs.push(current);
  return paragraphs;
}

export function field(paragraph: Paragraph, name: string): string | undefined {
  const lower = name.toLowerCase();
  return paragraph.find(([n]) => n.toLowerCase() === lower)?.[1];
}

export function renderParagraph(paragraph: Paragraph): string {
  return paragraph.map(([n, v]) => (v.startsWith("\n") ? `${n}:${v}` : `${n}: ${v}`)).join("\n");
}

/** Set (or append) a field, keeping the position of an existing one. */
export function setField(paragraph: Paragraph, name: string, value: string): Paragraph {
  const lower = name.toLowerCase();
  const out = paragraph.map(([n, v]): [string, string] => (n.toLowerCase() === lower ? [n, value] : [n, v]));
  if (!paragraph.some(([n]) => n.toLowerCase() === lower)) out.push([name, value]);
  return out;
}

export interface ReleaseFileEntry {
  checksum: string;
  size: number;
  path: string;
}

/** Checksum list of a Release file section (`SHA256`, `MD5Sum`, …) keyed by path. */
export function releaseChecksums(paragraph: Paragraph, section: string): Map<string, ReleaseFileEntry> {
  const map = new Map<string, ReleaseFileEntry>();
  for (const line of (field(paragraph, section) ?? "").split("\n")) {
    const [checksum, size, path] = line.trim().split(/\s+/);
    if (checksum && size && path) map.set(path, { checksum, size: Number(size), path });
  }
  return map;
}

export const words = (value: string | null | undefined): string[] => (value ?? "").split(/\s+/).filter(Boolean);
