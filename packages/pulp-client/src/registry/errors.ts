/** A registry answered outside 2xx; `errors` are the spec's `{code, message, detail}` entries. */
export class RegistryHttpError extends Error {
  constructor(
    readonly method: string,
    readonly url: string,
    readonly status: number,
    readonly errors: { code: string; message: string; detail?: unknown }[],
  ) {
    const first = errors[0];
    super(`${method} ${url}: HTTP ${status}${first ? ` ${first.code}: ${first.message}` : ""}`);
    this.name = "RegistryHttpError";
  }

  /** The first error code (e.g. `MANIFEST_UNKNOWN`), if the body had one. */
  get code(): string | undefined {
    return this.errors[0]?.code;
  }
}

export class RegistryDigestError extends Error {
  constructor(what: string, expected: string, actual: string) {
    super(`${what}: digest ${actual} does not match ${expected}`);
    this.name = "RegistryDigestError";
  }
}
