/** Retry policy for requests that are safe to repeat (see http.ts). */
export interface RetryOptions {
  /** Extra attempts after the first one (default 3). */
  retries?: number;
  /** First backoff delay (default 200 ms); doubles each attempt, with jitter. */
  minDelayMs?: number;
  /** Cap for a computed backoff delay (default 5 s). */
  maxDelayMs?: number;
  /** Cap for a server-supplied Retry-After (default 60 s). */
  maxRetryAfterMs?: number;
}

export const DEFAULT_RETRY: Required<RetryOptions> = {
  retries: 3,
  minDelayMs: 200,
  maxDelayMs: 5_000,
  maxRetryAfterMs: 60_000,
};

/** Methods whose effect is the same when repeated (POST/PATCH dispatch work or are not idempotent). */
const IDEMPOTENT = new Set(["GET", "HEAD", "PUT", "DELETE", "OPTIONS"]);
export const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);
/**
 * Statuses for which a write (POST, PATCH) is retried: the server refused before doing anything —
 * 429 (rate limited, Retry-After honoured) and 503 (Pulp's API or its proxy not taking requests).
 * Not 502/504: a gateway may have passed the request on before its upstream failed.
 */
export const WRITE_RETRYABLE_STATUS = new Set([429, 503]);

export function isIdempotent(method: string): boolean {
  return IDEMPOTENT.has(method.toUpperCase());
}

/** Exponential backoff with "equal jitter": half fixed, half random, so retries spread out. */
export function backoffDelay(attempt: number, policy: Required<RetryOptions>, random = Math.random): number {
  const base = Math.min(policy.maxDelayMs, policy.minDelayMs * 2 ** attempt);
  return Math.round(base / 2 + random() * (base / 2));
}

/** Retry-After as delta-seconds or an HTTP date → milliseconds to wait, or undefined if absent/invalid. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined || raw.trim() === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(raw.trim())) return Math.round(Number(raw) * 1000);
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

const CONNECTION_ERROR_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "UND_ERR_CLOSED",
]);

/** Failures before any byte of the request can have reached the server: safe to retry a write. */
const NOT_SENT_CODES = new Set(["ECONNREFUSED", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN", "UND_ERR_CONNECT_TIMEOUT"]);

export function isNotSentError(err: unknown): boolean {
  let e: unknown = err;
  for (let depth = 0; e && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && NOT_SENT_CODES.has(code)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** Transport-level failure (no HTTP response) worth retrying. */
export function isConnectionError(err: unknown): boolean {
  let e: unknown = err;
  for (let depth = 0; e && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && CONNECTION_ERROR_CODES.has(code)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** Sleep that rejects with the signal's reason when aborted. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
