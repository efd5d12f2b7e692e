// `release-train sync-package-repos`: nightly package snapshots into Ark, or from Ark into test Pulp.
import { readFile, writeFile } from "node:fs/promises";
import { PulpClient } from "@release-train/pulp-client";
import { Command, InvalidArgumentError, Option } from "commander";
import { allPackageRepos, loadConfig } from "../config";
import { writeSummary } from "../engine/summary";
import { selectRepos } from "../selection";
import { resolveArkVersions } from "../sync/ark-versions";
import { pulpPort } from "../sync/client-adapter";
import { syncReporter } from "../sync/reporter";
import { type SyncRunResult, syncPackageRepos } from "../sync/run";
import { packageSyncSummary } from "../sync/summary";
import type { RemoteFields, SyncTarget } from "../sync/types";
import { parseVersion, resolveVersion } from "../version";
import { action } from "./errors";
import { configOption, filterOption } from "./options";
import { readVersions } from "./versions";

export interface SyncPackageReposCliOptions {
  config: string;
  pulpUrl: string;
  username: string;
  password?: string;
  /** PEM files for mutual TLS with the target Pulp's API. */
  clientCert?: string;
  clientKey?: string;
  caCert?: string;
  target: SyncTarget;
  syncGroup?: string;
  filter?: string;
  version?: string;
  dryRun?: boolean;
  concurrency: number;
  /** Stop waiting for a task after this many minutes (it keeps running; a re-run re-attaches). */
  waitTimeout?: number;
  stateFile?: string;
  contentGuard?: string;
  arkUrl?: string;
  arkUsername?: string;
  arkPassword?: string;
  arkContentUrl?: string;
  versions?: string;
  remoteUsername?: string;
  remotePassword?: string;
  remoteClientCert?: string;
  remoteClientKey?: string;
  remoteCaCert?: string;
  proxyUrl?: string;
  tlsValidation?: boolean;
  /** Re-send remote passwords/keys (Pulp cannot show whether they changed). */
  refreshSecrets?: boolean;
  summaryFile?: string;
  output?: string;
}

export function syncPackageReposCommand(): Command {
  return new Command("sync-package-repos")
    .description("sync, publish and distribute package repository snapshots (RPM/Deb) into Ark, or from Ark into test Pulp")
    .addOption(configOption())
    .requiredOption("--pulp-url <url>", "target Pulp URL")
    .requiredOption("--username <name>", "Pulp username")
    .addOption(new Option("--password <password>", "Pulp password").env("PULP_PASSWORD"))
    .option("--client-cert <file>", "client certificate (PEM) for the Pulp API (mutual TLS)")
    .option("--client-key <file>", "its private key (PEM)")
    .option("--ca-cert <file>", "extra CA certificate (PEM) to trust for the Pulp API")
    .addOption(new Option("--target <target>", "ark (upstream → Ark) or test (Ark → test Pulp)").choices(["ark", "test"]).default("ark"))
    .option("--sync-group <group>", "only repositories of this sync group")
    .addOption(filterOption())
    .option("--version <version>", "snapshot version YYYYMMDDTHHMMSS (default: now, UTC)")
    .option("--dry-run", "print the plan and write nothing")
    .option("--concurrency <n>", "repositories processed in parallel", positiveInt, 8)
    .option("--wait-timeout <minutes>", "stop waiting for a task after this long (default 360; re-run to re-attach)", positiveInt)
    .option("--state-file <file>", "JSON file recording dispatched tasks, for re-attaching on re-runs")
    .option("--content-guard <name>", "content guard of new distributions (default: development on ark, none on test; '' for none)")
    .option("--ark-url <url>", "test: Ark API URL, to find the newest snapshots")
    .option("--ark-username <name>", "test: Ark API username (default: --remote-username)")
    .addOption(new Option("--ark-password <password>", "test: Ark API password").env("ARK_PASSWORD"))
    .option("--ark-content-url <url>", "test: Ark content app root (default: <ark-url>/pulp/content/)")
    .option("--versions <json|file>", "test: pinned versions {short_name: version}")
    .option("--remote-username <name>", "credentials remotes use to download")
    .addOption(new Option("--remote-password <password>", "password remotes use to download").env("REMOTE_PASSWORD"))
    .option("--remote-client-cert <file>", "client certificate (PEM) remotes present")
    .option("--remote-client-key <file>", "its private key (PEM)")
    .option("--remote-ca-cert <file>", "CA certificate (PEM) remotes trust")
    .option("--proxy-url <url>", "proxy for remotes")
    .option("--no-tls-validation", "do not validate upstream TLS certificates")
    .option("--refresh-secrets", "re-send remote passwords and keys (after a rotation; Pulp never shows them)")
    .option("--summary-file <file>", "append the Markdown summary here (default: $GITHUB_STEP_SUMMARY)")
    .option("--output <file>", "write the full result (JSON) here")
    .action(
      action(async (opts: SyncPackageReposCliOptions) => {
        const result = await runSyncPackageReposCli(opts);
        if (result.failed.length) process.exitCode = 1;
      }),
    );
}

export async function runSyncPackageReposCli(
  opts: SyncPackageReposCliOptions,
  env: NodeJS.ProcessEnv = process.env,
  write: (text: string) => void = (t) => process.stdout.write(t),
): Promise<SyncRunResult> {
  const version = resolveVersion(opts.version);
  const config = await loadConfig(opts.config);
  const entries = selectRepos(allPackageRepos(config), { filter: opts.filter, syncGroup: opts.syncGroup });
  const pem = (file: string | undefined) => (file ? readFile(file, "utf8") : Promise.resolve(undefined));
  const [clientCert, clientKey, caCert] = await Promise.all([pem(opts.clientCert), pem(opts.clientKey), pem(opts.caCert)]);
  const client = new PulpClient({
    baseUrl: opts.pulpUrl,
    username: opts.username,
    password: opts.password ?? env.PULP_PASSWORD,
    ...(clientCert ? { clientCert } : {}),
    ...(clientKey ? { clientKey } : {}),
    ...(caCert ? { caCert } : {}),
  });
  const arkClient =
    opts.target === "test" && opts.arkUrl
      ? new PulpClient({
          baseUrl: opts.arkUrl,
          username: opts.arkUsername ?? opts.remoteUsername,
          password: opts.arkPassword ?? env.ARK_PASSWORD ?? opts.remotePassword ?? env.REMOTE_PASSWORD,
        })
      : undefined;
  try {
    const remoteOptions = await remoteOptionsFrom(opts, env);
    const arkVersions =
      opts.target === "test"
        ? await resolveArkVersions(arkClient && pulpPort(arkClient), entries, await pinnedVersions(opts.versions))
        : undefined;
    const arkContentUrl = opts.arkContentUrl ?? (opts.arkUrl ? new URL("/pulp/content/", opts.arkUrl).href : undefined);
    const contentGuard = opts.contentGuard ?? (opts.target === "ark" ? "development" : undefined);
    const result = await syncPackageRepos({
      pulp: pulpPort(client),
      entries,
      target: opts.target,
      version,
      dryRun: opts.dryRun ?? false,
      concurrency: opts.concurrency,
      reporter: syncReporter({ actions: env.GITHUB_ACTIONS === "true", write }),
      ...(opts.stateFile ? { stateFile: opts.stateFile } : {}),
      ...(opts.waitTimeout ? { polling: { timeoutMs: opts.waitTimeout * 60_000 } } : {}),
      ...(contentGuard ? { contentGuard } : {}),
      ...(remoteOptions ? { remoteOptions } : {}),
      ...(opts.refreshSecrets ? { refreshSecrets: true } : {}),
      ...(arkVersions ? { arkVersions } : {}),
      ...(arkContentUrl ? { arkContentUrl } : {}),
    });
    // Outputs first: a summary that cannot be written must not lose them.
    if (opts.output) await writeFile(opts.output, `${JSON.stringify(result, null, 2)}\n`);
    const summaryWarning = await writeSummary(packageSyncSummary(result), { file: opts.summaryFile, env, write });
    write(`versions: ${JSON.stringify(result.versions)}\n`);
    if (summaryWarning) write(`warning: ${summaryWarning}\n`);
    if (result.failed.length) write(`${result.failed.length} repositories failed: ${result.failed.map((r) => r.shortName).join(", ")}\n`);
    return result;
  } finally {
    await client.close();
    await arkClient?.close();
  }
}

async function remoteOptionsFrom(opts: SyncPackageReposCliOptions, env: NodeJS.ProcessEnv) {
  const fields: Partial<Omit<RemoteFields, "url">> = {};
  const password = opts.remotePassword ?? env.REMOTE_PASSWORD;
  if (opts.remoteUsername) fields.username = opts.remoteUsername;
  if (password) fields.password = password;
  if (opts.remoteClientCert) fields.client_cert = await readFile(opts.remoteClientCert, "utf8");
  if (opts.remoteClientKey) fields.client_key = await readFile(opts.remoteClientKey, "utf8");
  if (opts.remoteCaCert) fields.ca_cert = await readFile(opts.remoteCaCert, "utf8");
  if (opts.proxyUrl) fields.proxy_url = opts.proxyUrl;
  if (opts.tlsValidation === false) fields.tls_validation = false;
  return Object.keys(fields).length ? fields : undefined;
}

/** Pinned `--versions`, each checked as a snapshot version. */
async function pinnedVersions(value: string | undefined): Promise<Record<string, string>> {
  if (!value) return {};
  const versions = await readVersions(value);
  for (const version of Object.values(versions)) parseVersion(version);
  return versions;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("must be a positive integer");
  return n;
}
