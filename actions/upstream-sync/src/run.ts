// inputs → upstreamSync → outputs and job summary.
import * as core from "@actions/core";
import { consoleReporter, createGitHubClient, upstreamSync, upstreamSyncSummary, writeSummary } from "@release-train/release-train";
import type { UpstreamSyncInputs } from "./inputs";

export async function run(inputs: UpstreamSyncInputs): Promise<void> {
  const repository = inputs.repository ?? process.env["GITHUB_REPOSITORY"] ?? "";
  const result = await upstreamSync({
    github: createGitHubClient({ token: inputs.token, warn: (m) => core.warning(m) }),
    repository,
    upstream: inputs["upstream-repository"] ?? `openstack/${repository.split("/")[1] ?? ""}`,
    series: inputs["release-series"],
    upstreamBranchPattern: inputs["upstream-branch-pattern"],
    downstreamBranchPattern: inputs["downstream-branch-pattern"],
    labels: inputs.labels,
    dryRun: inputs["dry-run"],
    reporter: consoleReporter({ actions: true, status: (r) => `${r.status}: ${r.reason}` }),
  });
  for (const warning of result.warnings) core.warning(warning);
  const by = (status: string) => JSON.stringify(result.results.filter((r) => r.status === status).map((r) => r.series));
  core.setOutput("results", JSON.stringify(result.results.map(({ series, status, reason, pullRequest }) => ({ series, status, reason, pullRequest }))));
  core.setOutput("opened", by("opened"));
  core.setOutput("skipped", by("skipped"));
  core.setOutput("failed", by("failed"));
  const warning = await writeSummary(upstreamSyncSummary(result), { write: (t) => process.stdout.write(t) });
  if (warning) core.warning(warning);
  const failed = result.results.filter((r) => r.status === "failed");
  if (failed.length > 0) core.setFailed(failed.map((r) => `${r.series}: ${r.reason}`).join("\n"));
}
