// The action is a thin shell: inputs → library → outputs. Everything else lives in
// @release-train/release-train, shared with the `release-train` CLI.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as core from "@actions/core";
import {
  ConfigError,
  formatGithubAnnotations,
  loadConfig,
  runSyncPackageReposCli,
  type SyncPackageReposCliOptions,
  syncGroups,
} from "@release-train/release-train";
import { type ActionInputs, InputError, readInputs, SECRET_INPUTS } from "./inputs";
import { proposeKayobeVersions } from "./kayobe";

async function run(): Promise<void> {
  // Mask secrets before anything can print them; PEM keys line by line, as the runner matches lines.
  for (const name of SECRET_INPUTS) {
    for (const line of core.getInput(name).split(/\r?\n/)) if (line.trim()) core.setSecret(line.trim());
  }
  const inputs = readInputs((name) => core.getInput(name));

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
      const kayobe = await proposeKayobeVersions(inputs.kayobeConfig, result.versions, {
        version: result.version,
        token: inputs.githubToken,
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
  if (inputs.pulp.clientCert || inputs.pulp.caCert) {
    throw new InputError(["inputs `pulp-client-cert`, `pulp-client-key` and `pulp-ca-cert` are not supported yet"]);
  }
  const pemFile = async (name: string, pem: string | undefined): Promise<string | undefined> => {
    if (!pem) return undefined;
    const file = join(pemDir, name);
    await writeFile(file, `${pem.trim()}\n`, { mode: 0o600 });
    return file;
  };
  const options: SyncPackageReposCliOptions = {
    config: inputs.config,
    pulpUrl: inputs.pulp.url ?? "",
    username: inputs.pulp.username ?? "",
    target: inputs.target,
    concurrency: inputs.concurrency,
    dryRun: inputs.checkMode,
    // New Ark snapshots are guarded until promoted; the test Pulp's are not.
    contentGuard: inputs.target === "ark" ? inputs.contentGuard : "",
  };
  const optional: Partial<SyncPackageReposCliOptions> = {
    password: inputs.pulp.password,
    syncGroup: inputs.syncGroup,
    filter: inputs.filter,
    version: inputs.version,
    stateFile: inputs.stateFile,
  };
  if (inputs.target === "test") {
    // Ark's API shares the content app's origin; its credentials also let the remotes download.
    const content = inputs.ark.contentUrl;
    Object.assign(optional, {
      arkContentUrl: content,
      arkUrl: content ? new URL(content).origin : undefined,
      arkUsername: inputs.ark.username,
      arkPassword: inputs.ark.password,
      remoteUsername: inputs.ark.username,
      remotePassword: inputs.ark.password,
      remoteClientCert: await pemFile("ark-client.crt", inputs.ark.clientCert),
      remoteClientKey: await pemFile("ark-client.key", inputs.ark.clientKey),
      versions: inputs.pinnedVersions && JSON.stringify(inputs.pinnedVersions),
    });
  }
  for (const [key, value] of Object.entries(optional)) {
    if (value !== undefined) Object.assign(options, { [key]: value });
  }
  return options;
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

run().catch(fail);
