/**
 * Fidelity against real Pulp traffic (../shared/pulp/recordings), the same checks as
 * `pnpm test:recordings`: the client's zod schemas parse every recorded response it models, and
 * the emulator reproduces at least 95% of the recorded interactions and every one on the
 * release train's endpoints (guide §18).
 */
import { describeWithShared, recordingsDir } from "@release-train/test-support/shared";
import { afterAll, expect, it } from "vitest";
import { checkClient, loadSchemaForResponse } from "./recordings/client-check";
import { loadStartEmulator } from "./recordings/emulator";
import { groupModules, loadRecordings } from "./recordings/recordings";
import { formatBreakdown, REQUIRED_PASS_RATE, summarize } from "./recordings/report";
import { type InteractionResult, replayModule } from "./recordings/replay";
import { Upstreams } from "./recordings/upstreams";

describeWithShared("fidelity: recorded Pulp traffic", () => {
  const dir = recordingsDir();
  if (!dir) {
    it.skip("recordings directory is absent ($PULP_RECORDINGS_DIR): skipping", () => {});
    return;
  }
  const files = loadRecordings(dir);
  const upstreams = new Upstreams();
  afterAll(() => upstreams.stop());

  it("the client's schemas parse every recorded response they model", async () => {
    const schemaFor = await loadSchemaForResponse();
    expect(schemaFor, "@release-train/pulp-client exports schemaForResponse").toBeDefined();
    const report = checkClient(files, schemaFor!);
    expect(report.passed).toBeGreaterThan(300);
    expect(report.failures.map((f) => `${f.where} ${f.path} ${JSON.stringify(f.issues[0])}`)).toEqual([]);
  });

  it(
    "the emulator reproduces >= 95% of recorded interactions and all release-train ones",
    async () => {
      const start = await loadStartEmulator();
      expect(start, "@release-train/pulp-emulator exports startEmulator").toBeDefined();
      const results: InteractionResult[] = [];
      for (const module of groupModules(files)) results.push(...(await replayModule(module, { start: start!, upstreams })));
      const summary = summarize(results);
      const breakdown = formatBreakdown(results).join("\n");
      expect(results.length).toBe(files.reduce((n, f) => n + f.interactions.length, 0));
      expect(
        summary.releaseTrainFailures.map((r) => `${r.where} ${r.method} ${r.path}: ${r.reasons[0]}`),
        breakdown,
      ).toEqual([]);
      expect(summary.rate, `emulator: ${summary.passed} passed, ${summary.failed} failed\n${breakdown}`).toBeGreaterThanOrEqual(
        REQUIRED_PASS_RATE,
      );
    },
    600_000,
  );
});
