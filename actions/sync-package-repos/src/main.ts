// The action is a thin shell: inputs → library → outputs. Everything else lives in
// @release-train/release-train, shared with the `release-train` CLI.
import * as core from "@actions/core";
import { ConfigError, formatGithubAnnotations, loadConfig, syncGroups } from "@release-train/release-train";
import { InputError, readInputs, SECRET_INPUTS } from "./inputs";

async function run(): Promise<void> {
  // Mask secrets before anything can print them; PEM keys line by line, as the runner matches lines.
  for (const name of SECRET_INPUTS) {
    for (const line of core.getInput(name).split(/\r?\n/)) if (line.trim()) core.setSecret(line.trim());
  }
  const inputs = readInputs((name) => core.getInput(name));
  const config = await loadConfig(inputs.config);

  if (inputs.listSyncGroups) {
    const groups = syncGroups(config, inputs.filter);
    core.setOutput("sync-groups", JSON.stringify(groups));
    core.info(`${groups.length} sync group(s): ${groups.join(", ")}`);
    return;
  }

  // The sync itself arrives with the library's runSyncPackageRepos; fail loudly until then.
  throw new Error("syncing is not implemented in this build of the action yet (only list-sync-groups is)");
}

function fail(error: unknown): void {
  if (error instanceof ConfigError) {
    // One annotation per problem, on the offending file and line.
    process.stdout.write(`${formatGithubAnnotations(error)}\n`);
    core.setFailed(error.message);
  } else if (error instanceof InputError) {
    core.setFailed(error.message);
  } else {
    core.setFailed(error instanceof Error ? error.message : String(error));
  }
}

run().catch(fail);
