// inputs → proposeFromCheckout (the library) → outputs and job summary.
import * as core from "@actions/core";
import { describeUpdate, proposeFromCheckout, resolveVersion } from "@release-train/release-train";
import type { UpdateKayobeConfigInputs } from "./inputs";
import { summaryText } from "./summary";

export async function run(inputs: UpdateKayobeConfigInputs): Promise<void> {
  const result = await proposeFromCheckout(inputs.kayobeConfig, inputs.versions, {
    version: resolveVersion(inputs.version),
    token: inputs.githubToken,
    apiUrl: process.env["GITHUB_API_URL"],
  });
  core.setOutput("changed", String(result.changed));
  core.setOutput("file", result.file);
  core.setOutput("pull-request-url", result.pullRequest?.url ?? "");
  core.info(result.changed ? `updated ${result.file}` : `${result.file} already up to date`);
  if (result.pullRequest) core.notice(`kayobe-config pull request: ${result.pullRequest.url}`);
  await core.summary.addRaw(summaryText(result.changed, describeUpdate(result), result.pullRequest?.url)).write();
}
