// vitest globalSetup: the system programs the tests use (scripts/system-packages.txt) are checked
// once, before any test file runs, so a missing one is one clear line rather than `spawn … ENOENT`
// in a dozen files.
import { ensureSystemPackages } from "../../scripts/system-packages";

export default function setup(): void {
  if (process.env["RELEASE_TRAIN_SKIP_SYSTEM_PACKAGES"] === "1") return;
  try {
    ensureSystemPackages();
  } catch (error) {
    // One line and a non-zero exit, not vitest's stack trace of its own global-setup machinery.
    process.stderr.write(`\n${error instanceof Error ? error.message : String(error)}\n`);
    process.stderr.write("(RELEASE_TRAIN_SKIP_SYSTEM_PACKAGES=1 runs the tests anyway; those needing the programs then fail.)\n");
    process.exit(1);
  }
}
