/**
 * `pnpm test:recordings`: checks the client's response schemas and the emulator against every
 * recording in $PULP_RECORDINGS_DIR (default ../shared/pulp/recordings). Exit status 1 when a
 * client schema rejects a recorded response, when the emulator reproduces fewer than 95% of the
 * interactions, or when it fails any interaction on an endpoint the release train uses.
 */
import { recordingsDir } from "@release-train/test-support/shared";
import { checkClient, formatClientReport, loadSchemaForResponse } from "./client-check";
import { loadStartEmulator } from "./emulator";
import { groupModules, loadRecordings } from "./recordings";
import { formatBreakdown, formatEmulatorLine, formatSpecErrors, REQUIRED_PASS_RATE, summarize } from "./report";
import { type InteractionResult, replayModule } from "./replay";
import { Upstreams } from "./upstreams";

async function main(): Promise<number> {
  const dir = recordingsDir();
  if (!dir) {
    console.log("recordings directory is absent (../shared/pulp/recordings or $PULP_RECORDINGS_DIR): skipping");
    return 0;
  }
  const files = loadRecordings(dir);
  const only = process.argv.slice(2); // optional module names to replay
  console.log(`${files.length} recordings in ${dir}`);

  const report = checkClient(files, await loadSchemaForResponse());
  for (const line of formatClientReport(report)) console.log(line);
  const clientFailed = report.failed > 0;

  const start = await loadStartEmulator();
  const upstreams = new Upstreams();
  const results: InteractionResult[] = [];
  try {
    for (const module of groupModules(files)) {
      if (only.length > 0 && !only.includes(module.module)) continue;
      results.push(...(await replayModule(module, { start, upstreams })));
    }
  } finally {
    await upstreams.stop();
  }
  const summary = summarize(results);
  if (process.env["FIDELITY_VERBOSE"]) {
    for (const r of results) if (!r.ok) console.log(`  ✗ ${r.where} ${r.method} ${r.path}\n      ${r.reasons.join("\n      ")}`);
  }
  for (const line of formatBreakdown(results)) console.log(line);
  if (summary.releaseTrainFailures.length > 0) {
    console.log(`${summary.releaseTrainFailures.length} failures on release-train endpoints (guide §18), e.g.:`);
    for (const r of summary.releaseTrainFailures.slice(0, 20)) {
      console.log(`  ${r.where} ${r.method} ${r.path}: ${r.reasons.slice(0, 3).join("; ")}`);
    }
  }
  const notes = new Map<string, number>();
  for (const r of results) for (const n of r.notes) notes.set(n, (notes.get(n) ?? 0) + 1);
  for (const [note, count] of notes) console.log(`  harness: ${note} in ${count} request(s)`);
  for (const line of formatSpecErrors(results)) console.log(line);
  console.log(`release-train endpoints (guide §18): ${summary.releaseTrainPassed} of ${summary.releaseTrainTotal} passed`);
  console.log(
    `emulator pass rate ${(summary.rate * 100).toFixed(1)}% (required ${REQUIRED_PASS_RATE * 100}% and no §18 failure)`,
  );
  console.log(formatEmulatorLine(summary));
  return clientFailed || !summary.ok ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e);
    process.exit(2);
  },
);
