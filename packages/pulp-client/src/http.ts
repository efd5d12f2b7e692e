import pLimit, { type LimitFunction } from "p-limit";
import type { Dispatcher } from "undici";
import { PulpConnectionError, PulpHttpError, PulpTimeoutError } from "./errors";
import { redactUrl } from "./redact";
import {
  backoffDelay,
  DEFAULT_RETRY,
  isConnectionError,
  isIdempotent,
  isNotSentError,
  parseRetryAfter,
  RETRYABLE_STATUS,
  type RetryOptions,
  sleep,
  WRITE_RETRYABLE_STATUS,
} from "./retry";
import { tlsAgent } from "./tls-agent";

/** Sent with every request, so servers (and the emulator's test audit) can tell this client's calls apart. */
export const USER_AGENT = "release-train-pulp-client";

export interface RequestEvent {
  method: string;
  /** Redacted URL (no userinfo). */
  url: string;
  /** HTTP status, absent when the attempt failed without a response. */
  status?: number;
  durationMs: number;
  /** 0 for the first attempt. */
  attempt: number;
  /** Short reason when the attempt failed without a response. */
  error?: string;
}

export interface HttpOptions {
  /** Server origin, e.g. `http://127.0.0.1:24817`. */
  baseUrl: string;
  /** API root (default `/pulp/api/v3/`); relative paths are resolved against it. */
  apiRoot?: string;
  username?: string;
  password?: string;
  /** PEM client certificate and key for mTLS. */
  clientCert?: string;
  clientKey?: string;
  /** Extra CA (PEM) trusted in addition to the system roots. */
  caCert?: string;
  /** Verify the server certificate (default true). */
  tlsVerify?: boolean;
  /** Maximum concurrent requests (default 10). */
  maxInFlight?: number;
  retry?: RetryOptions;
  /** Per-attempt timeout (default 60 s). */
  requestTimeoutMs?: number;
  onRequest?: (event: RequestEvent) => void;
  /** Use this dispatcher instead of building an Agent from the TLS options (tests). */
  dispatcher?: Dispatcher;
}

export type QueryValue = string | number | boolean | readonly (string | number)[] | null | undefined;
export type Query = Record<string, QueryValue>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  url: string;
}

/** Arrays become comma-joined values (DRF `__in` filters); null/undefined are dropped. */
export function encodeQuery(query: Query | undefined): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null) continue;
    params.append(key, Array.isArray(value) ? value.join(",") : String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}

/**
 * HTTP transport: auth, TLS, bounded concurrency, per-attempt timeout and retries where they are
 * safe. Reads (GET, HEAD, PUT, DELETE): connection errors, timeouts, 429 (Retry-After), 502/503/504.
 * Writes (POST, PATCH): only 429 and 503, where Pulp refused before doing anything, and connection
 * failures before the request was sent; a write that broke after it may have reached Pulp throws
 * with `maybeApplied` for the caller to reconcile (see `mayHaveBeenApplied`).
 */
export class HttpTransport {
  readonly origin: string;
  readonly apiRoot: string;
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private readonly limit: LimitFunction;
  private readonly retry: Required<RetryOptions>;
  private readonly timeoutMs: number;
  private readonly authorization: string | undefined;
  private readonly onRequest: ((event: RequestEvent) => void) | undefined;

  constructor(options: HttpOptions) {
    const base = new URL(options.baseUrl);
    this.origin = base.origin;
    const root = options.apiRoot ?? "/pulp/api/v3/";
    this.apiRoot = root.endsWith("/") ? root : `${root}/`;
    this.limit = pLimit(options.maxInFlight ?? 10);
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.timeoutMs = options.requestTimeoutMs ?? 60_000;
    this.onRequest = options.onRequest;
    const username = options.username ?? (base.username ? decodeURIComponent(base.username) : undefined);
    const password = options.password ?? (base.password ? decodeURIComponent(base.password) : undefined);
    this.authorization =
      username !== undefined ? `Basic ${Buffer.from(`${username}:${password ?? ""}`).toString("base64")}` : undefined;
    if (options.dispatcher) {
      this.dispatcher = options.dispatcher;
      this.ownsDispatcher = false;
    } else {
      this.dispatcher = tlsAgent(options);
      this.ownsDispatcher = true;
    }
  }

  /** Absolute URL for an href, an API-relative path, or a `next` link (whose host is replaced by ours). */
  resolve(target: string, query?: Query): string {
    let path: string;
    if (/^https?:\/\//i.test(target)) {
      // Pulp builds `next` from its own idea of the host (often wrong behind proxies): keep path+query.
      const u = new URL(target);
      path = u.pathname + u.search;
    } else if (target.startsWith("/")) {
      path = target;
    } else {
      path = this.apiRoot + target;
    }
    const extra = encodeQuery(query);
    if (extra) path += path.includes("?") ? `&${extra.slice(1)}` : extra;
    return this.origin + path;
  }

  async request(method: string, target: string, options: RequestOptions = {}): Promise<HttpResponse> {
    const url = this.resolve(target, options.query);
    const idempotent = isIdempotent(method);
    const retryStatus = idempotent ? RETRYABLE_STATUS : WRITE_RETRYABLE_STATUS;
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    for (let attempt = 0; ; attempt++) {
      options.signal?.throwIfAborted();
      const last = attempt >= this.retry.retries;
      let response: HttpResponse;
      try {
        response = await this.limit(() => this.attempt(method, url, payload, attempt, options.signal));
      } catch (err) {
        if (options.signal?.aborted) throw options.signal.reason;
        const timeout = err instanceof PulpTimeoutError;
        const transient = timeout || isConnectionError(err);
        const repeatable = idempotent || (!timeout && isNotSentError(err));
        if (last || !transient || !repeatable) {
          const maybeApplied = !idempotent && transient && !repeatable;
          if (timeout) throw maybeApplied ? new PulpTimeoutError(err.message, err.timeoutMs, true) : err;
          throw new PulpConnectionError(method, url, err, maybeApplied);
        }
        await sleep(backoffDelay(attempt, this.retry), options.signal);
        continue;
      }
      if (response.status >= 200 && response.status < 300) return response;
      if (!last && retryStatus.has(response.status)) {
        const retryAfter = parseRetryAfter(response.headers["retry-after"]);
        const delay =
          retryAfter !== undefined ? Math.min(retryAfter, this.retry.maxRetryAfterMs) : backoffDelay(attempt, this.retry);
        await sleep(delay, options.signal);
        continue;
      }
      throw new PulpHttpError(method, url, response.status, response.body);
    }
  }

  private async attempt(
    method: string,
    url: string,
    payload: string | undefined,
    attempt: number,
    signal: AbortSignal | undefined,
  ): Promise<HttpResponse> {
    const started = performance.now();
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    const u = new URL(url);
    const headers: Record<string, string> = { accept: "application/json", "user-agent": USER_AGENT };
    if (this.authorization) headers["authorization"] = this.authorization;
    if (payload !== undefined) headers["content-type"] = "application/json";
    const event = (extra: Partial<RequestEvent>) => {
      try {
        this.onRequest?.({ method, url: redactUrl(url), durationMs: performance.now() - started, attempt, ...extra });
      } catch {
        // A failing logger must not fail the request.
      }
    };
    try {
      const res = await this.dispatcher.request({
        origin: u.origin,
        path: u.pathname + u.search,
        method: method as Dispatcher.HttpMethod,
        headers,
        body: payload,
        signal: combined,
      });
      const text = await res.body.text();
      event({ status: res.statusCode });
      return { status: res.statusCode, headers: res.headers, body: parseBody(text), url };
    } catch (err) {
      if (timeout.aborted && !signal?.aborted) {
        event({ error: "timeout" });
        throw new PulpTimeoutError(`${method} ${redactUrl(url)} timed out after ${this.timeoutMs} ms`, this.timeoutMs);
      }
      event({ error: errorCode(err) });
      throw err;
    }
  }

  async close(): Promise<void> {
    if (this.ownsDispatcher) await this.dispatcher.close();
  }
}

function parseBody(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function errorCode(err: unknown): string {
  const e = err as { code?: unknown; name?: unknown; cause?: { code?: unknown } };
  return String(e?.code ?? e?.cause?.code ?? e?.name ?? "error");
}
