/**
 * Locating the `../shared` reference material (OpenAPI spec, Pulp recordings) that lives next to
 * the repository. It is never copied into the repo, so everything here may return undefined.
 */
import { existsSync, readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe } from "vitest";

/** Repository root: three levels above this file (packages/test-support/src). */
export const repoRoot: string = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

/** `$RELEASE_TRAIN_SHARED` or `<repo>/../shared`, if that directory exists. */
export function sharedDir(): string | undefined {
  const dir = process.env["RELEASE_TRAIN_SHARED"] || resolve(repoRoot, "../shared");
  return existsSync(dir) ? dir : undefined;
}

/** `$<envVar>` when set (undefined unless it exists), else what `find` locates under `<shared>`. */
function fromEnvOrShared(envVar: string, find: (shared: string) => string | undefined): string | undefined {
  const fromEnv = process.env[envVar];
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : undefined;
  const shared = sharedDir();
  return shared ? find(shared) : undefined;
}

/** `$PULP_RECORDINGS_DIR` or `<shared>/pulp/recordings`, if it exists. */
export function recordingsDir(): string | undefined {
  return fromEnvOrShared("PULP_RECORDINGS_DIR", (shared) => {
    const dir = join(shared, "pulp", "recordings");
    return existsSync(dir) ? dir : undefined;
  });
}

/**
 * `$PULP_OPENAPI_SPEC` or the (single) `api-core*.json` spec under `<shared>/pulp/openapi`.
 * The newest core version wins if several are present.
 */
export function openapiSpecPath(): string | undefined {
  return fromEnvOrShared("PULP_OPENAPI_SPEC", (shared) => {
    const dir = join(shared, "pulp", "openapi");
    if (!existsSync(dir)) return undefined;
    const specs = readdirSync(dir)
      .filter((f) => /^api-core[\d.]+.*\.json$/.test(f))
      .sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
    const newest = specs.at(-1);
    return newest ? join(dir, newest) : undefined;
  });
}

/** Message used when `../shared` is missing, so every skip reads the same. */
function sharedAbsentMessage(what: string): string {
  return `../shared is absent: skipping ${what} (set RELEASE_TRAIN_SHARED to its location)`;
}

/**
 * `describe` that runs only when `../shared` exists; otherwise registers a skipped suite whose
 * name carries the reason, and prints it once so a CI log shows why tests did not run.
 */
export function describeWithShared(name: string, fn: (shared: string) => void): void {
  const shared = sharedDir();
  if (shared) {
    describe(name, () => fn(shared));
    return;
  }
  const message = sharedAbsentMessage(name);
  console.warn(message);
  describe.skip(`${name} (${message})`, () => {});
}
