/** An HTTP error response with a DRF-shaped JSON body (or raw text when `body` is a string). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(`HTTP ${status}`);
  }
}

export const notFound = (): HttpError => new HttpError(404, { detail: "Not found." });
export const methodNotAllowed = (method: string, headers?: Record<string, string>): HttpError =>
  new HttpError(405, { detail: `Method "${method}" not allowed.` }, headers);
export const nonFieldError = (message: string): HttpError => new HttpError(400, { non_field_errors: [message] });
/** A ValidationError raised in a DRF view: a bare list. */
export const viewError = (message: string): HttpError => new HttpError(400, [message]);
