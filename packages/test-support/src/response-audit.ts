/**
 * Audit of every REST API response the emulators of one test file send: each is checked against
 * the real Pulp OpenAPI spec (`validateResponse`, with its documented allow-list). Request bodies
 * sent by the project's own Pulp client (its User-Agent) are checked too (`validateRequest`):
 * tests that send malformed bodies on purpose use other HTTP clients. Responses are
 * only recorded while the tests run and validated at the end, so loading the 2.5 MB spec and
 * compiling validators never delays a response or skews a timing-sensitive test. Only the small
 * observer module of the emulator is imported: test files without an emulator stay cheap.
 */
import {
  addResponseObserver,
  type ObservedResponse,
  removeResponseObserver,
} from "@release-train/pulp-emulator/response-observers";
import { USER_AGENT } from "@release-train/pulp-client";
import { validateRequest, validateResponse } from "./openapi";
import { openapiSpecPath } from "./shared";

export interface ResponseViolation {
  /** Which side broke the spec. */
  kind: "response" | "request";
  method: string;
  /** Path and query as requested. */
  path: string;
  status: number;
  errors: string[];
}

export interface ResponseAudit {
  /** Responses observed so far. */
  readonly observed: number;
  /** Stop observing; later responses are ignored. */
  stop(): void;
  /** Validate everything observed (once; later calls return the same result). */
  violations(): ResponseViolation[];
}

const API_PREFIX = "/pulp/api/v3/";

/**
 * Start recording the API responses of every emulator in this process. `validate` defaults to
 * the spec validator; undefined when the spec is absent (../shared missing): nothing to check.
 */
export function startResponseAudit(
  validate: typeof validateResponse = validateResponse,
  validateBody: typeof validateRequest = validateRequest,
): ResponseAudit | undefined {
  if (!openapiSpecPath()) return undefined;
  const seen: ObservedResponse[] = [];
  const observer = (r: ObservedResponse) => {
    // The spec document itself is not a Pulp object; everything else under the API root is.
    if (r.path.startsWith(API_PREFIX) && !r.path.endsWith("/docs/api.json")) seen.push(r);
  };
  addResponseObserver(observer);
  let result: ResponseViolation[] | undefined;
  return {
    get observed() {
      return seen.length;
    },
    stop: () => removeResponseObserver(observer),
    violations() {
      result ??= seen.flatMap((r) => {
        const path = r.path + r.query;
        const found: ResponseViolation[] = [];
        const errors = validate(r.method, path, r.status, r.body);
        if (errors.length > 0) found.push({ kind: "response", method: r.method, path, status: r.status, errors });
        if (sentByOurClient(r)) {
          const requestErrors = validateBody(r.method, r.path, r.request.body, { contentType: r.request.contentType });
          if (requestErrors.length > 0) found.push({ kind: "request", method: r.method, path, status: r.status, errors: requestErrors });
        }
        return found;
      });
      return result;
    },
  };
}

function sentByOurClient(r: ObservedResponse): boolean {
  return r.request.userAgent === USER_AGENT && r.request.body !== undefined && r.method !== "GET";
}

/** Failure message naming the file and the first `max` violating responses, or undefined. */
export function formatViolations(file: string, violations: ResponseViolation[], max = 20): string | undefined {
  if (violations.length === 0) return undefined;
  const lines = violations
    .slice(0, max)
    .map((v) => `  ${v.kind === "request" ? "request body of " : ""}${v.method} ${v.path} → ${v.status}\n      ${v.errors.join("\n      ")}`);
  const more = violations.length > max ? [`  … and ${violations.length - max} more`] : [];
  return [
    `${file}: ${violations.length} emulator API response(s) or client request(s) break the OpenAPI spec:`,
    ...lines,
    ...more,
  ].join("\n");
}
