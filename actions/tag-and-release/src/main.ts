// Thin: inputs → tagAndRelease → outputs and job summary.
import * as core from "@actions/core";
import { booleanInput, createGitHubClient, readActionInputs, requiredInput, tagAndRelease, tagAndReleaseSummary, writeSummary } from "@release-train/release-train";
import { z } from "zod";

const schema = z.object({
  "release-series": requiredInput,
  path: requiredInput,
  prefix: requiredInput,
  "upstream-remote": requiredInput,
  "downstream-remote": requiredInput,
  "push-upstream-tags": booleanInput,
  "dry-run": booleanInput,
  token: requiredInput,
});

async function run(): Promise<void> {
  core.setSecret(core.getInput("token"));
  const inputs = readActionInputs(schema, (name) => core.getInput(name));
  const result = await tagAndRelease({
    repo: inputs.path,
    // The workflow may pass the pushed branch (`stackhpc/2025.1`) as the series.
    release: inputs["release-series"].replace(/^refs\/heads\//, "").replace(/^stackhpc\//, ""),
    prefix: inputs.prefix,
    upstreamRemote: inputs["upstream-remote"],
    downstreamRemote: inputs["downstream-remote"],
    pushUpstreamTags: inputs["push-upstream-tags"],
    dryRun: inputs["dry-run"],
    github: createGitHubClient({ token: inputs.token, warn: (m) => core.warning(m) }),
    repository: process.env["GITHUB_REPOSITORY"] ?? "",
    log: (line) => core.info(line),
  });
  core.setOutput("tag", result.tag);
  core.setOutput("created", String(result.created));
  core.setOutput("upstream-tag", result.upstreamTag);
  core.setOutput("release-url", result.release?.url ?? "");
  const warning = await writeSummary(tagAndReleaseSummary(result), { write: (t) => process.stdout.write(t) });
  if (warning) core.warning(warning);
}

run().catch((error: unknown) => core.setFailed(error instanceof Error ? error.message : String(error)));
