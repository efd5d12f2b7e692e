import { type FieldErrors, formatFieldErrors, parseFieldErrors } from "./field-errors";
import { redact, redactString, redactUrl } from "./redact";

/** A non-2xx response from Pulp. `body` is redacted (no secrets echoed back from the request). */
export class PulpHttpError extends Error {
  override readonly name = "PulpHttpError";
  readonly method: string;
  readonly url: string;
  readonly status: number;
  readonly body: unknown;
  /** Field → messages for 400 validation errors (see field-errors.ts); empty otherwise. */
  readonly fieldErrors: FieldErrors;
  /** DRF `detail` message (401/403/404/405…), when present. */
  readonly detail: string | undefined;

  constructor(method: string, url: string, status: number, body: unknown) {
    const safeUrl = redactUrl(url);
    const safeBody = redact(body);
    const detail = detailOf(safeBody);
    const fieldErrors = status === 400 && detail === undefined ? parseFieldErrors(safeBody) : {};
    const summary = detail ?? (Object.keys(fieldErrors).length > 0 ? formatFieldErrors(fieldErrors) : bodySnippet(safeBody));
    super(`${method} ${pathOf(safeUrl)} → ${status}${summary ? `: ${summary}` : ""}`);
    this.method = method;
    this.url = safeUrl;
    this.status = status;
    this.body = safeBody;
    this.fieldErrors = fieldErrors;
    this.detail = detail;
  }
}

/**
 * A task that ended `failed` or `canceled`; `description` is Pulp's `error.description`.
 * `description` and `task` are redacted: a failed sync's error quotes the remote URL, credentials included.
 */
export class PulpTaskError extends Error {
  override readonly name = "PulpTaskError";
  readonly description: string | undefined;
  readonly task: unknown;
  constructor(
    readonly taskHref: string,
    readonly state: string,
    description: string | undefined,
    task: unknown,
  ) {
    const safeDescription = description === undefined ? undefined : redactString(description);
    super(`Task ${taskHref} ${state}${safeDescription ? `: ${safeDescription}` : ""}`);
    this.description = safeDescription;
    this.task = redact(task);
  }
}

/** A request or a task wait that exceeded its time budget. */
export class PulpTimeoutError extends Error {
  override readonly name = "PulpTimeoutError";
  constructor(
    message: string,
    readonly timeoutMs: number,
    /** A write whose request was sent before the time ran out: Pulp may have acted on it. */
    readonly maybeApplied = false,
  ) {
    super(redactString(message));
  }
}

/** No HTTP response at all (refused, reset, TLS failure…) after any retries; `cause` is the transport error. */
export class PulpConnectionError extends Error {
  override readonly name = "PulpConnectionError";
  readonly url: string;
  readonly code: string | undefined;
  constructor(
    readonly method: string,
    url: string,
    cause: unknown,
    /** A write that may have reached Pulp before the connection broke (reset, closed, timed out). */
    readonly maybeApplied = false,
  ) {
    const e = cause as { code?: unknown; message?: unknown; cause?: { code?: unknown; message?: unknown } };
    const code = e?.code ?? e?.cause?.code;
    const detail = String(e?.cause?.message ?? e?.message ?? cause);
    super(`${method} ${redactUrl(url)} failed: ${redactString(detail)}${code ? ` (${String(code)})` : ""}`, { cause });
    this.code = typeof code === "string" ? code : undefined;
    this.url = redactUrl(url);
  }
}

/** `findOne` matched more than one object. */
export class PulpMultipleMatchError extends Error {
  override readonly name = "PulpMultipleMatchError";
  constructor(
    readonly path: string,
    readonly filters: Record<string, unknown>,
    readonly count: number,
  ) {
    const desc = Object.entries(filters)
      .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(",") : String(v)}`)
      .join("&");
    super(`Expected at most one object at ${path} matching ${desc || "(no filter)"}, found ${count}`);
  }
}

/** The response did not have the shape the client expects (zod issues summarised). */
export class PulpResponseError extends Error {
  override readonly name = "PulpResponseError";
  constructor(
    readonly method: string,
    readonly url: string,
    readonly issues: string[],
  ) {
    super(`${method} ${pathOf(redactUrl(url))}: unexpected response: ${issues.slice(0, 5).join("; ")}`);
  }
}

function detailOf(body: unknown): string | undefined {
  if (body && typeof body === "object" && !Array.isArray(body)) {
    const detail = (body as Record<string, unknown>)["detail"];
    if (typeof detail === "string" && Object.keys(body).length === 1) return detail;
  }
  return undefined;
}

function bodySnippet(body: unknown): string {
  if (body === undefined || body === null || body === "") return "";
  const text = typeof body === "string" ? body : JSON.stringify(body);
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

function pathOf(url: string): string {
  try {
    const u = new URL(url);
    return u.pathname + u.search;
  } catch {
    return url;
  }
}

/**
 * A write that failed without an answer after it may have reached Pulp: the caller must find out
 * (look the object up by its natural key, or the task by its resource) before sending it again.
 */
export function mayHaveBeenApplied(error: unknown): boolean {
  return (error instanceof PulpConnectionError || error instanceof PulpTimeoutError) && error.maybeApplied;
}
