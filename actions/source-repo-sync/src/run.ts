// inputs → sourceRepoSync → outputs and job summary.
import * as core from "@actions/core";
import {
  ConfigError,
  consoleReporter,
  createGitHubClient,
  formatGithubAnnotations,
  KNOWN_WORKFLOWS,
  loadSourceReposConfig,
  sourceRepoSync,
  sourceRepoSyncSummary,
  type TargetResult,
  writeSummary,
} from "@release-train/release-train";
import type { SourceRepoSyncInputs } from "./inputs";

export async function run(inputs: SourceRepoSyncInputs): Promise<void> {
  let config: Awaited<ReturnType<typeof loadSourceReposConfig>>;
  try {
    config = await loadSourceReposConfig(inputs.config, KNOWN_WORKFLOWS);
  } catch (error) {
    // One annotation per problem, on the offending file and line.
    if (error instanceof ConfigError) process.stdout.write(`${formatGithubAnnotations(error)}\n`);
    throw error;
  }
  const reporter = consoleReporter<TargetResult>({ actions: true, status: (r) => r.status });
  const result = await sourceRepoSync({
    github: createGitHubClient({ token: inputs.token, warn: (m) => core.warning(m) }),
    config,
    owner: inputs.owner,
    workflowRef: inputs["workflow-ref"],
    labels: inputs.labels,
    concurrency: inputs.concurrency,
    dryRun: inputs["dry-run"],
    ...(inputs.repositories.length > 0 ? { only: inputs.repositories } : {}),
    reporter,
    onPlan: (text) => reporter.plan?.(text),
  });
  if (result.dryRun) for (const t of result.targets) for (const d of t.diffs) core.info(d);
  core.setOutput("results", JSON.stringify(result.targets.map(({ repository, branch, status, pullRequest, error }) => ({ repository, branch, status, pullRequest, error }))));
  core.setOutput("failed", JSON.stringify(result.failed.map((t) => `${t.repository} ${t.branch}`.trim())));
  const warning = await writeSummary(sourceRepoSyncSummary(result.targets, result.dryRun), { write: (t) => process.stdout.write(t) });
  if (warning) core.warning(warning);
  if (result.failed.length > 0) core.setFailed(`${result.failed.length} branch(es) failed: ${result.failed.map((t) => `${t.repository} ${t.branch}: ${t.error}`).join("; ")}`);
}
