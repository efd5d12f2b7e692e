// The action's work, loaded by main.ts only once the inputs are valid: inputs → library → outputs.
// Everything else lives in @release-train/release-train, shared with `release-train promote`.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as core from "@actions/core";
import { ConfigError, formatGithubAnnotations, type PromoteCliOptions, runPromoteContainersCli, runPromotePackagesCli } from "@release-train/release-train";
import type { ActionInputs } from "./inputs";

export async function run(inputs: ActionInputs): Promise<void> {
  try {
    await promote(inputs);
  } catch (error) {
    fail(error);
  }
}

async function promote(inputs: ActionInputs): Promise<void> {
  const temp = process.env["RUNNER_TEMP"] || tmpdir();
  const pemDir = await mkdtemp(join(temp, "promote-"));
  try {
    const auditFile = inputs["audit-file"] ?? join(temp, `promotion-audit-${inputs.kind}.json`);
    const opts = await cliOptions(inputs, pemDir, auditFile);
    const { result } = inputs.kind === "packages" ? await runPromotePackagesCli(opts) : await runPromoteContainersCli(opts);
    const names = (status: string[]) => JSON.stringify(result.items.filter((i) => status.includes(i.status)).map((i) => i.name));
    core.setOutput("promoted", names(["promoted", "demoted", "planned"]));
    core.setOutput("skipped", names(["skipped"]));
    core.setOutput("missing", names(["missing"]));
    core.setOutput("failed", JSON.stringify(result.failed.map((i) => i.name)));
    core.setOutput("audit-file", auditFile);
    if (result.failed.length) core.setFailed(`${result.failed.length} failed: ${result.failed.map((i) => i.name).join(", ")}`);
  } finally {
    await rm(pemDir, { recursive: true, force: true });
  }
}

async function cliOptions(inputs: ActionInputs, pemDir: string, auditFile: string): Promise<PromoteCliOptions> {
  const pemFile = async (name: string, pem: string | undefined): Promise<string | undefined> => {
    if (!pem) return undefined;
    const file = join(pemDir, name);
    await writeFile(file, `${pem.trim()}\n`, { mode: 0o600 });
    return file;
  };
  return {
    config: inputs.config,
    pulpUrl: inputs["pulp-url"] ?? "",
    username: inputs["pulp-username"] ?? "",
    password: inputs["pulp-password"],
    clientCert: await pemFile("pulp-client.crt", inputs["pulp-client-cert"]),
    clientKey: await pemFile("pulp-client.key", inputs["pulp-client-key"]),
    caCert: await pemFile("pulp-ca.crt", inputs["pulp-ca-cert"]),
    kayobeConfig: inputs["kayobe-config"],
    versions: inputs.versions,
    tags: inputs.tags,
    filter: inputs.filter,
    mode: inputs.mode,
    dryRun: inputs["check-mode"],
    allowMissing: inputs["allow-missing"],
    distros: inputs.distros,
    concurrency: inputs.concurrency,
    stateFile: inputs["state-file"],
    guardType: inputs["guard-type"],
    caExpiryWindowWeeks: inputs["ca-expiry-window-weeks"],
    vaultUrl: inputs["vault-url"],
    vaultToken: inputs["vault-token"],
    vaultRoleId: inputs["vault-role-id"],
    vaultSecretId: inputs["vault-secret-id"],
    auditFile,
  };
}

function fail(error: unknown): void {
  if (error instanceof ConfigError) {
    process.stdout.write(`${formatGithubAnnotations(error)}\n`);
    core.setFailed(error.message);
  } else core.setFailed(error instanceof Error ? error.message : String(error));
}


