/**
 * Vitest setup (root vitest.config.ts): every REST API response sent by any emulator started in
 * a test file must validate against the real Pulp OpenAPI spec; the file fails in afterAll
 * otherwise. Skipped (with a note) when ../shared is absent.
 */
import { relative } from "node:path";
import { formatViolations, startResponseAudit } from "@release-train/test-support/response-audit";
import { repoRoot } from "@release-train/test-support/shared";
import { afterAll, expect } from "vitest";

const audit = startResponseAudit();

// Registered first, so it runs after the file's own afterAll hooks (which stop its emulators).
afterAll(() => {
  if (!audit) return;
  audit.stop();
  const message = formatViolations(relative(repoRoot, expect.getState().testPath ?? "?"), audit.violations());
  if (message) throw new Error(message);
});
