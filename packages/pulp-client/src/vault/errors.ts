import { redactString } from "../redact";

// Vault token formats: "hvs."/"hvb."/"hvr." (1.10+) and legacy "s."/"b."/"r." service/batch tokens.
const VAULT_TOKEN = /\b(?:hv[sbr]|[sbr])\.[A-Za-z0-9_-]{16,}/g;

/** Free text with Vault tokens, PEM private keys and URL credentials removed. */
export function redactVaultText(text: string): string {
  return redactString(text).replace(VAULT_TOKEN, "<redacted token>");
}

/** A failed Vault call: HTTP status (0 when no response) and Vault's `errors[]`, redacted. */
export class VaultError extends Error {
  override readonly name = "VaultError";
  readonly errors: string[];
  constructor(
    readonly method: string,
    /** API path below `/v1/` (never contains credentials). */
    readonly path: string,
    readonly status: number,
    errors: string[],
    options?: { cause?: unknown },
  ) {
    const clean = errors.map(redactVaultText);
    const detail = clean.length ? clean.join("; ") : "no error details";
    super(`Vault ${method} /v1/${path} failed${status ? ` with HTTP ${status}` : ""}: ${detail}`, options);
    this.errors = clean;
  }
}
