/** `WWW-Authenticate` parsing: `Bearer realm="…",service="…",scope="…"` (quoted values may hold commas). */
export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

export function parseChallenge(header: string): Challenge {
  const m = /^\s*(\S+)\s*(.*)$/.exec(header);
  const params: Record<string, string> = {};
  for (const p of (m?.[2] ?? "").matchAll(/([A-Za-z_]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g)) {
    params[p[1]!.toLowerCase()] = p[2] !== undefined ? p[2].replace(/\\(.)/g, "$1") : (p[3] ?? "");
  }
  return { scheme: (m?.[1] ?? "").toLowerCase(), params };
}

/** The `rel="next"` target of a `Link` header, resolved against the page's URL. */
export function nextLink(link: string | undefined, pageUrl: string): string | undefined {
  if (!link) return undefined;
  for (const part of link.split(",")) {
    const m = /<([^>]*)>\s*;(.*)/.exec(part.trim());
    if (m && /rel="?next"?/.test(m[2]!)) return new URL(m[1]!, pageUrl).toString();
  }
  return undefined;
}
