// The action's work, loaded by main.ts only once the inputs are valid: inputs → library → outputs.
import * as core from "@actions/core";
import { ConfigError, formatGithubAnnotations, runSyncContainerReposCli } from "@release-train/release-train";
import type { ActionInputs } from "./inputs";

export async function run(inputs: ActionInputs): Promise<void> {
  try {
    await sync(inputs);
  } catch (error) {
    if (error instanceof ConfigError) {
      // One annotation per problem, on the offending file and line.
      process.stdout.write(`${formatGithubAnnotations(error)}\n`);
      core.setFailed(error.message);
    } else {
      core.setFailed(error instanceof Error ? error.message : String(error));
    }
  }
}

async function sync(inputs: ActionInputs): Promise<void> {
  const test = inputs.target === "test";
  const result = await runSyncContainerReposCli({
    config: inputs.config,
    pulpUrl: inputs.pulp.url,
    username: inputs.pulp.username,
    password: inputs.pulp.password,
    target: inputs.target,
    filter: inputs.filter,
    distros: inputs.distros,
    syncOldImages: inputs.syncOldImages,
    syncNewImages: inputs.syncNewImages,
    dryRun: inputs.checkMode,
    concurrency: inputs.concurrency,
    waitTimeout: inputs.waitTimeout,
    stateFile: inputs.stateFile,
    // The test Pulp mirrors from Ark's registry with the same (read-only) Ark user that lists Ark.
    arkUrl: test ? inputs.ark.url : undefined,
    arkUsername: test ? inputs.ark.username : undefined,
    arkPassword: test ? inputs.ark.password : undefined,
    remoteUsername: test ? inputs.ark.username : undefined,
    remotePassword: test ? inputs.ark.password : undefined,
    includeTags: test ? inputs.includeTags : undefined,
  });
  core.setOutput("images", JSON.stringify(result.images.map((i) => i.name)));
  core.setOutput("failed", JSON.stringify(result.failed.map((i) => i.name)));
  core.setOutput("not-pushed", JSON.stringify(result.notPushed));
  core.setOutput("tasks", JSON.stringify(Object.fromEntries(result.images.filter((i) => i.tasks.length).map((i) => [i.name, i.tasks]))));
  if (result.failed.length) core.setFailed(`${result.failed.length} images failed: ${result.failed.map((i) => i.name).join(", ")}`);
}
