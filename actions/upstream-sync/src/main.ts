// Thin: inputs → upstreamSync → outputs and job summary.
import * as core from "@actions/core";
import {
  booleanInput,
  consoleReporter,
  createGitHubClient,
  listInput,
  optionalInput,
  readActionInputs,
  repositoryInput,
  upstreamSync,
  upstreamSyncSummary,
  writeSummary,
} from "@release-train/release-train";
import { z } from "zod";

const schema = z.object({
  "release-series": listInput.pipe(z.array(z.string()).min(1, "names no release series")),
  repository: optionalInput.pipe(repositoryInput.optional()),
  "upstream-repository": optionalInput.pipe(repositoryInput.optional()),
  "upstream-branch-pattern": z.string().trim().min(1, "is required"),
  "downstream-branch-pattern": z.string().trim().min(1, "is required"),
  labels: listInput,
  "dry-run": booleanInput,
  token: z.string().trim().min(1, "is required"),
});

async function run(): Promise<void> {
  core.setSecret(core.getInput("token"));
  const inputs = readActionInputs(schema, (name) => core.getInput(name));
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

run().catch((error: unknown) => core.setFailed(error instanceof Error ? error.message : String(error)));
