/** Keys whose values are secrets in Pulp/Vault bodies; never echoed into errors or logs. */
const SECRET_KEYS = new Set([
  "password",
  "proxy_password",
  "client_key",
  "token",
  "access_token",
  "client_token",
  "secret_id",
  "private_key",
  "authorization",
  "sles_auth_token",
]);

export const REDACTED = "<redacted>";

const PEM_PRIVATE_KEY = /-----BEGIN ([A-Z ]*)PRIVATE KEY-----[\s\S]*?(?:-----END \1PRIVATE KEY-----|$)/g;
// scheme://user:pass@host or scheme://token@host
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^/\s@"']+@/gi;

/** Redact PEM private keys and URL credentials inside a free-form string. */
export function redactString(value: string): string {
  return value.replace(PEM_PRIVATE_KEY, "<redacted private key>").replace(URL_USERINFO, `$1${REDACTED}@`);
}

/** Deep copy of a JSON-like value with secret fields and embedded secrets redacted. */
export function redact(value: unknown): unknown {
  if (typeof value === "string") return redactString(value);
  if (Array.isArray(value)) return value.map(redact);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = SECRET_KEYS.has(k.toLowerCase()) && v !== null && v !== undefined ? REDACTED : redact(v);
    }
    return out;
  }
  return value;
}

/** A URL without userinfo credentials (for logs and error messages). */
export function redactUrl(url: string): string {
  return redactString(url);
}
