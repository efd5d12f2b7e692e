/** Summaries of the emulator replay: per-endpoint failure breakdown and the pass criteria. */
import type { InteractionResult } from "./replay";

export const REQUIRED_PASS_RATE = 0.95;

export interface EmulatorSummary {
  passed: number;
  failed: number;
  /** Interactions on the release train's endpoints (guide §18) and how many of them passed. */
  releaseTrainTotal: number;
  releaseTrainPassed: number;
  rate: number;
  /** Failed interactions on the release train's endpoints (guide §18). */
  releaseTrainFailures: InteractionResult[];
  ok: boolean;
}

export function summarize(results: InteractionResult[]): EmulatorSummary {
  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed;
  const rate = results.length === 0 ? 1 : passed / results.length;
  const releaseTrainFailures = results.filter((r) => !r.ok && r.releaseTrain);
  const releaseTrainTotal = results.filter((r) => r.releaseTrain).length;
  return {
    passed,
    failed,
    rate,
    releaseTrainTotal,
    releaseTrainPassed: releaseTrainTotal - releaseTrainFailures.length,
    releaseTrainFailures,
    ok: rate >= REQUIRED_PASS_RATE && releaseTrainFailures.length === 0,
  };
}

/** Failures grouped by endpoint (most failures first), each with its commonest reasons. */
export function formatBreakdown(results: InteractionResult[], reasonsPerEndpoint = 3): string[] {
  const byEndpoint = new Map<string, { total: number; failed: InteractionResult[] }>();
  for (const r of results) {
    const e = byEndpoint.get(r.endpoint) ?? { total: 0, failed: [] };
    e.total++;
    if (!r.ok) e.failed.push(r);
    byEndpoint.set(r.endpoint, e);
  }
  const lines: string[] = [];
  const failing = [...byEndpoint].filter(([, e]) => e.failed.length > 0);
  failing.sort((a, b) => b[1].failed.length - a[1].failed.length || a[0].localeCompare(b[0]));
  for (const [endpoint, e] of failing) {
    const marker = e.failed.some((r) => r.releaseTrain) ? " [§18]" : "";
    lines.push(`  ${endpoint}: ${e.failed.length}/${e.total} failed${marker}`);
    const reasons = new Map<string, { count: number; example: string }>();
    for (const r of e.failed) {
      for (const reason of r.reasons) {
        const key = normalizeReason(reason);
        const entry = reasons.get(key) ?? { count: 0, example: r.where };
        entry.count++;
        reasons.set(key, entry);
      }
    }
    const top = [...reasons].sort((a, b) => b[1].count - a[1].count).slice(0, reasonsPerEndpoint);
    for (const [reason, { count, example }] of top) lines.push(`      ${count}× ${reason} (e.g. ${example})`);
  }
  return lines;
}

/** Reasons without run-specific ids, so equal problems group together. */
function normalizeReason(reason: string): string {
  return reason
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, "<id>")
    .replace(/\/versions\/\d+\//g, "/versions/<n>/")
    .replace(/127\.0\.0\.1:\d+/g, "127.0.0.1:<port>");
}

export function formatEmulatorLine(summary: EmulatorSummary): string {
  return `emulator: ${summary.passed} passed, ${summary.failed} failed`;
}

/** Emulator responses that break the OpenAPI spec, grouped by error (not part of the pass rate). */
export function formatSpecErrors(results: InteractionResult[], max = 15): string[] {
  const errors = new Map<string, { count: number; example: string }>();
  for (const r of results) {
    for (const e of r.specErrors) {
      const key = normalizeReason(e).replace(/\/\d+\//g, "/<i>/");
      const entry = errors.get(key) ?? { count: 0, example: r.where };
      entry.count++;
      errors.set(key, entry);
    }
  }
  const withErrors = results.filter((r) => r.specErrors.length > 0).length;
  const lines = [...errors]
    .sort((a, b) => b[1].count - a[1].count)
    .slice(0, max)
    .map(([e, { count, example }]) => `  ${count}× ${e} (e.g. ${example})`);
  lines.push(`emulator spec: ${withErrors} of ${results.length} responses break the OpenAPI spec`);
  return lines;
}
