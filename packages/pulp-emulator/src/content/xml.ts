import { XMLParser } from "fast-xml-parser";

/** Parser settings shared by the RPM metadata readers: attributes kept, values left as strings. */
export const xmlParser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  // Repeated elements (repomd <data>) must stay arrays even when there is one.
  isArray: (name) => name === "data",
});

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

/** Text of an element parsed by `xmlParser` (plain string, or `#text` when it has attributes). */
export function textOf(node: unknown): string {
  if (node == null) return "";
  if (typeof node === "string") return node;
  if (typeof node === "object" && "#text" in node) return String((node as Record<string, unknown>)["#text"]);
  return "";
}

export function attrOf(node: unknown, name: string): string | undefined {
  if (node && typeof node === "object") {
    const v = (node as Record<string, unknown>)[`@_${name}`];
    return v == null ? undefined : String(v);
  }
  return undefined;
}
