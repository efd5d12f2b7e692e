export { PulpClient, type PulpClientOptions, type OrphanCleanupBody } from "./client";
export type { CallOptions } from "./context";
export {
  mayHaveBeenApplied,
  PulpConnectionError,
  PulpHttpError,
  PulpMultipleMatchError,
  PulpResponseError,
  PulpTaskError,
  PulpTimeoutError,
} from "./errors";
export { type FieldErrors, formatFieldErrors, NON_FIELD, parseFieldErrors } from "./field-errors";
export * from "./hrefs";
export { encodeQuery, type HttpOptions, HttpTransport, type Query, type QueryValue, type RequestEvent, USER_AGENT } from "./http";
export type { ListOptions } from "./pagination";
export { REDACTED, redact, redactString, redactUrl } from "./redact";
export { DOWNLOADER_ROLE } from "./resources/content-guards";
export { type CopyTagsBody, RepositoryVersions } from "./resources/repositories";
export type { PurgeBody } from "./resources/tasks";
export { TasksApi } from "./resources/tasks";
export { backoffDelay, DEFAULT_RETRY, parseRetryAfter, type RetryOptions } from "./retry";
export * from "./schemas/access";
export * from "./schemas/common";
export * from "./schemas/content";
export * from "./schemas/content-guards";
export * from "./schemas/distributions";
export * from "./schemas/publications";
export { schemaForResponse } from "./schemas/registry";
export * from "./schemas/remotes";
export * from "./schemas/repositories";
export * from "./schemas/status";
export * from "./schemas/tasks";
export { createdResource, createdResources, TaskHandle, type WaitOptions, waitAll } from "./task-wait";
export * from "./vault";
export * from "./registry/index";
