/**
 * The audit setup file, run as vitest runs it: a child vitest over two fixture files, one whose
 * emulator sends a response that breaks the spec and one that does not.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describeWithShared, repoRoot } from "@release-train/test-support/shared";
import { expect, it } from "vitest";

const run = promisify(execFile);

interface JsonReport {
  testResults: { name: string; status: string; message: string }[];
}

describeWithShared("emulator response audit (vitest setup file)", () => {
  it("fails exactly the file whose emulator broke the spec, naming the response and the error", async () => {
    const dir = mkdtempSync(join(tmpdir(), "emulator-audit-"));
    const output = join(dir, "report.json");
    // The child must not think it is a worker of this run.
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("VITEST")));
    try {
      const vitest = join(repoRoot, "node_modules", "vitest", "vitest.mjs");
      const config = join("test", "setup", "fixtures", "vitest.config.ts");
      const args = [vitest, "run", "--config", config, "--reporter=json", `--outputFile=${output}`];
      const status = await run(process.execPath, args, { cwd: repoRoot, env, timeout: 50_000 }).then(
        () => 0,
        (e: { code?: number }) => e.code ?? -1,
      );
      expect(status).toBe(1);
      const report = JSON.parse(readFileSync(output, "utf8")) as JsonReport;
      const byFile = new Map(report.testResults.map((r) => [r.name.slice(repoRoot.length + 1), r]));
      expect(byFile.get("test/setup/fixtures/spec-conforming.fixture.ts")?.status).toBe("passed");
      const broken = byFile.get("test/setup/fixtures/spec-breaking.fixture.ts");
      expect(broken?.status).toBe("failed");
      expect(broken?.message).toContain(
        "test/setup/fixtures/spec-breaking.fixture.ts: 1 emulator API response(s) or client request(s) break the OpenAPI spec:\n" +
          "  GET /pulp/api/v3/users/?username=admin → 200\n" +
          '      users_list 200 /results/0/email: must match format "email"',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
