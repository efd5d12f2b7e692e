/**
 * Test hook: observers see every REST API response an emulator sends (after it is written), so
 * a test run can audit them, e.g. against the OpenAPI spec. The registry lives on `globalThis`
 * so that every copy of this module loaded in one process (vitest may load the package both by
 * relative path and by package name) shares it. Observers must not throw or block for long.
 */
export interface ObservedResponse {
  method: string;
  /** URL path without the query string. */
  path: string;
  /** The query string including `?`, or "". */
  query: string;
  status: number;
  /** The JSON body as sent (parsed back from the written text); undefined when there is none. */
  body: unknown;
  /** What the request carried: its User-Agent and, when the handler read one, its parsed body. */
  request: ObservedRequest;
}

export interface ObservedRequest {
  userAgent?: string | undefined;
  contentType?: string | undefined;
  body?: unknown;
}

export type ResponseObserver = (response: ObservedResponse) => void;

const KEY = Symbol.for("@release-train/pulp-emulator/response-observers");
const registry = globalThis as { [KEY]?: Set<ResponseObserver> };
registry[KEY] ??= new Set<ResponseObserver>();
const observers = registry[KEY];

export function addResponseObserver(fn: ResponseObserver): void {
  observers.add(fn);
}

export function removeResponseObserver(fn: ResponseObserver): void {
  observers.delete(fn);
}

/** Called by the API with the text it wrote; parses only when someone is listening. */
export function notifyResponse(
  method: string,
  url: URL,
  status: number,
  text: string | undefined,
  request: ObservedRequest = {},
): void {
  if (observers.size === 0) return;
  let body: unknown = text;
  if (text === undefined || text === "") body = undefined;
  else {
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: observers get the text
    }
  }
  const response: ObservedResponse = { method, path: url.pathname, query: url.search, status, body, request };
  for (const fn of observers) {
    try {
      fn(response);
    } catch (err) {
      console.error("pulp-emulator: response observer failed", err);
    }
  }
}
