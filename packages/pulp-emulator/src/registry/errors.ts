/** Registry errors in the distribution spec's JSON format `{"errors":[{code, message, detail}]}`. */
export class RegistryError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly detail: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  body(): { errors: { code: string; message: string; detail: Record<string, unknown> }[] } {
    return { errors: [{ code: this.code, message: this.message, detail: this.detail }] };
  }
}

// pulp_container's exceptions.py messages.
export const nameUnknown = (name: string) => new RegistryError(404, "NAME_UNKNOWN", "Repository not found.", { name });
export const nameInvalid = (name: string, message = "Invalid repository name.") => new RegistryError(400, "NAME_INVALID", message, { name });
export const manifestUnknown = (reference: string) => new RegistryError(404, "MANIFEST_UNKNOWN", "Manifest not found.", { reference });
export const manifestInvalid = (digest: string, reason = "manifest invalid") => new RegistryError(400, "MANIFEST_INVALID", reason, { digest });
export const blobUnknown = (digest: string) => new RegistryError(404, "BLOB_UNKNOWN", "Blob not found.", { digest });
/** A manifest references a blob the repository does not have (400, as pulp_container's BlobInvalid). */
export const blobInvalid = (digest: string) => new RegistryError(400, "BLOB_UNKNOWN", "blob unknown to registry", { digest });
export const uploadUnknown = (uuid: string) => new RegistryError(404, "BLOB_UPLOAD_UNKNOWN", "blob upload unknown to registry", { uuid });
export const digestInvalid = (digest: string, message = "provided digest did not match uploaded content") =>
  new RegistryError(400, "DIGEST_INVALID", message, { digest });
export const invalidRequest = (message: string) => new RegistryError(400, "INVALID_REQUEST", message);
export const unsupported = (message = "The operation is unsupported.") => new RegistryError(405, "UNSUPPORTED", message);
export const denied = (message = "You do not have permission to perform this action.") => new RegistryError(403, "DENIED", message);
