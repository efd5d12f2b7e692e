// What a PEM option or input holds, checked before use: a key passed as the certificate (or the
// reverse) would otherwise surface as an OpenSSL decoder error from deep inside TLS.

export type PemKind = "certificate" | "private key";

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----/g;

/** Why `text` is not a PEM `expected`, or undefined when it is. */
export function pemProblem(expected: PemKind, text: string): string | undefined {
  const labels = [...text.matchAll(BLOCK)].map((m) => m[1] as string);
  if (labels.length === 0) return `is not PEM (no "-----BEGIN …-----" line); expected a ${expected}`;
  const isKey = (l: string) => l.endsWith("PRIVATE KEY");
  const found = expected === "certificate" ? labels.some((l) => l === "CERTIFICATE") : labels.some(isKey);
  if (found) return undefined;
  const holds = labels.some(isKey) ? "a private key" : labels.includes("CERTIFICATE") ? "a certificate" : `a ${labels[0]}`;
  return `holds ${holds}, not a ${expected}`;
}
