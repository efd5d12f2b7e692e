// inputs → tagAndRelease → outputs and job summary.
import * as core from "@actions/core";
import { createGitHubClient, tagAndRelease, tagAndReleaseSummary, writeSummary } from "@release-train/release-train";
import type { TagAndReleaseInputs } from "./inputs";

export async function run(inputs: TagAndReleaseInputs): Promise<void> {
  const result = await tagAndRelease({
    repo: inputs.path,
    release: inputs["release-series"],
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
