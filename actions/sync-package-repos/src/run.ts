// The action's work, loaded by main.ts only once the inputs are valid: inputs → library → outputs.
// Everything else lives in @release-train/release-train, shared with the `release-train` CLI.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as core from "@actions/core";
import {
  ConfigError,
  formatGithubAnnotations,
  loadConfig,
  proposeFromCheckout,
  runSyncPackageReposCli,
  type SyncPackageReposCliOptions,
  syncGroups,
} from "@release-train/release-train";
import type { ActionInputs } from "./inputs";

export async function run(inputs: ActionInputs): Promise<void> {
  try {
    await sync(inputs);
  } catch (error) {
    fail(error);
  }
}

async function sync(inputs: ActionInputs): Promise<void> {
  if (inputs.listSyncGroups) {
    const groups = syncGroups(await loadConfig(inputs.config), inputs.filter);
    core.setOutput("sync-groups", JSON.stringify(groups));
    core.info(`${groups.length} sync group(s): ${groups.join(", ")}`);
    return;
  }

  // The library reads certificates from files (as the CLI takes them); inputs carry PEM text.
  const pemDir = await mkdtemp(join(process.env["RUNNER_TEMP"] || tmpdir(), "sync-package-repos-"));
  try {
    const result = await runSyncPackageReposCli(await cliOptions(inputs, pemDir));
    const tasks = Object.fromEntries(result.results.filter((r) => r.tasks.length).map((r) => [r.shortName, r.tasks]));
    core.setOutput("versions", JSON.stringify(result.versions));
    core.setOutput("failed", JSON.stringify(result.failed.map((r) => r.shortName)));
    core.setOutput("tasks", JSON.stringify(tasks));

    if (inputs.kayobeConfig && !result.dryRun) {
      const kayobe = await proposeFromCheckout(inputs.kayobeConfig, result.versions, {
        version: result.version,
        token: inputs.githubToken,
        apiUrl: process.env["GITHUB_API_URL"],
      });
      core.info(kayobe.changed ? `updated ${kayobe.file}` : `${kayobe.file} already up to date`);
      if (kayobe.pullRequest) core.notice(`kayobe-config pull request: ${kayobe.pullRequest.url}`);
    }
    if (result.failed.length) {
      core.setFailed(`${result.failed.length} repositories failed: ${result.failed.map((r) => r.shortName).join(", ")}`);
    }
  } finally {
    await rm(pemDir, { recursive: true, force: true });
  }
}

async function cliOptions(inputs: ActionInputs, pemDir: string): Promise<SyncPackageReposCliOptions> {
  const pemFile = async (name: string, pem: string | undefined): Promise<string | undefined> => {
    if (!pem) return undefined;
    const file = join(pemDir, name);
    await writeFile(file, `${pem.trim()}\n`, { mode: 0o600 });
    return file;
  };
  const test = inputs.target === "test";
  const arkContentUrl = test ? inputs.ark.contentUrl : undefined;
  return {
    config: inputs.config,
    pulpUrl: inputs.pulp.url ?? "",
    username: inputs.pulp.username ?? "",
    password: inputs.pulp.password,
    clientCert: await pemFile("pulp-client.crt", inputs.pulp.clientCert),
    clientKey: await pemFile("pulp-client.key", inputs.pulp.clientKey),
    caCert: await pemFile("pulp-ca.crt", inputs.pulp.caCert),
    target: inputs.target,
    syncGroup: inputs.syncGroup,
    filter: inputs.filter,
    version: inputs.version,
    dryRun: inputs.checkMode,
    concurrency: inputs.concurrency,
    waitTimeout: inputs.waitTimeout,
    requestTimeout: inputs.requestTimeout,
    taskRetries: inputs.taskRetries,
    stateFile: inputs.stateFile,
    // New Ark snapshots are guarded until promoted; the test Pulp's are not.
    contentGuard: test ? "" : inputs.contentGuard,
    // Test Pulp: Ark's API shares its content app's origin; the same (read-only) Ark user lists
    // Ark's snapshots and lets the test Pulp's remotes download them.
    arkContentUrl,
    arkUrl: arkContentUrl && new URL(arkContentUrl).origin,
    arkUsername: test ? inputs.ark.username : undefined,
    arkPassword: test ? inputs.ark.password : undefined,
    remoteUsername: test ? inputs.ark.username : undefined,
    remotePassword: test ? inputs.ark.password : undefined,
    remoteClientCert: test ? await pemFile("ark-client.crt", inputs.ark.clientCert) : undefined,
    remoteClientKey: test ? await pemFile("ark-client.key", inputs.ark.clientKey) : undefined,
    versions: test && inputs.pinnedVersions ? JSON.stringify(inputs.pinnedVersions) : undefined,
  };
}

function fail(error: unknown): void {
  if (error instanceof ConfigError) {
    // One annotation per problem, on the offending file and line.
    process.stdout.write(`${formatGithubAnnotations(error)}\n`);
    core.setFailed(error.message);
  } else {
    core.setFailed(error instanceof Error ? error.message : String(error));
  }
}
