// `release-train sync-package-repos`: nightly package snapshots into Ark, or from Ark into test Pulp.
import { writeFile } from "node:fs/promises";
import { PulpClient, type RequestEvent } from "@release-train/pulp-client";
import { Command, InvalidArgumentError, Option } from "commander";
import { allPackageRepos, checkSelected, loadConfig } from "../config";
import { errorText } from "../engine/apply";
import { writeSummary } from "../engine/summary";
import { type PemKind, pemProblem } from "../pem";
import { requireSelected, selectRepos, syncGroups } from "../selection";
import { resolveArkVersions } from "../sync/ark-versions";
import { pulpPort } from "../sync/client-adapter";
import { syncReporter } from "../sync/reporter";
import { type SyncRunResult, syncPackageRepos } from "../sync/run";
import { packageSyncSummary } from "../sync/summary";
import { targetIncludes } from "../sync/desired";
import type { PackageRepoEntry, RemoteFields, SyncTarget } from "../sync/types";
import { resolveVersion } from "../version";
import { action, UsageError } from "./errors";
import { configOption, filterOption, httpUrl } from "./options";
import { readOptionFile, readVersions } from "./versions";

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
  /** Seconds before one API request is given up (default 60). */
  requestTimeout?: number;
  /** Dispatches of a step after its task failed (default 2). */
  taskRetries?: number;
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
    .requiredOption("--pulp-url <url>", "target Pulp URL", httpUrl)
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
    .option(
      "--request-timeout <seconds>",
      `give up on one Pulp API request after this long (default ${DEFAULT_REQUEST_TIMEOUT_S}; reads are retried)`,
      positiveInt,
    )
    .option("--task-retries <n>", "dispatch a step again after its task failed, up to n times (default 2)", nonNegativeInt)
    .option("--state-file <file>", "JSON file recording dispatched tasks, for re-attaching on re-runs")
    .option("--content-guard <name>", "content guard of new distributions (default: development on ark, none on test; '' for none)")
    .option("--ark-url <url>", "test: Ark API URL, to find the newest snapshots (needed unless --versions pins all)", httpUrl)
    .option("--ark-username <name>", "test: Ark API username (default: --remote-username)")
    .addOption(new Option("--ark-password <password>", "test: Ark API password").env("ARK_PASSWORD"))
    .option("--ark-content-url <url>", "test: Ark content app root (default: <ark-url>/pulp/content/)", httpUrl)
    .option("--versions <json|file>", "test: pinned versions {short_name: version}")
    .option("--remote-username <name>", "credentials remotes use to download")
    .addOption(new Option("--remote-password <password>", "password remotes use to download").env("REMOTE_PASSWORD"))
    .option("--remote-client-cert <file>", "client certificate (PEM) remotes present")
    .option("--remote-client-key <file>", "its private key (PEM)")
    .option("--remote-ca-cert <file>", "CA certificate (PEM) remotes trust")
    .option("--proxy-url <url>", "proxy for remotes", httpUrl)
    .option("--no-tls-validation", "do not validate upstream TLS certificates")
    .option("--refresh-secrets", "re-send remote passwords and keys (after a rotation; Pulp never shows them)")
    .option("--summary-file <file>", "append the Markdown summary here (default: $GITHUB_STEP_SUMMARY)")
    .option("--output <file>", "write the full result (JSON) here")
    .option("--json", "print the result (on a dry run: the plan) as one JSON object on stdout; progress goes to stderr")
    .action(
      action(async (opts: SyncPackageReposCliOptions & { json?: boolean }) => {
        const human = opts.json ? (t: string) => void process.stderr.write(t) : undefined;
        const result = await runSyncPackageReposCli(opts, process.env, human);
        if (opts.json) process.stdout.write(`${JSON.stringify(result)}\n`);
        if (result.failed.length) process.exitCode = 1;
      }),
    );
}

export async function runSyncPackageReposCli(
  opts: SyncPackageReposCliOptions,
  env: NodeJS.ProcessEnv = process.env,
  write: (text: string) => void = (t) => process.stdout.write(t),
): Promise<SyncRunResult> {
  const version = optionValue("--version", () => resolveVersion(opts.version));
  checkUrls(opts);
  const config = await loadConfig(opts.config);
  const selection = { filter: opts.filter, syncGroup: opts.syncGroup };
  const entries = selectRepos(allPackageRepos(config), selection);
  requireSelected(entries, selection, syncGroups(config));
  checkSelected(opts.config, entries);
  const [clientCert, clientKey, caCert] = await Promise.all([
    pemOption("--client-cert", opts.clientCert, "certificate"),
    pemOption("--client-key", opts.clientKey, "private key"),
    pemOption("--ca-cert", opts.caCert, "certificate"),
  ]);
  const remoteOptions = await remoteOptionsFrom(opts, env);
  const pinned = await pinnedVersions(opts.versions);
  const arkContentUrl = opts.arkContentUrl ?? (opts.arkUrl ? new URL("/pulp/content/", opts.arkUrl).href : undefined);
  if (opts.target === "test") checkTestTarget(opts, entries, pinned, arkContentUrl);

  const requestTimeoutMs = (opts.requestTimeout ?? DEFAULT_REQUEST_TIMEOUT_S) * 1000;
  // Said before the first request, so a Pulp that never answers is never silence.
  write(`${entries.length} repositories → ${opts.target} Pulp ${opts.pulpUrl}, version ${version}: reading current state…\n`);
  const onRequest = (event: RequestEvent) => {
    if (event.error === "timeout") {
      write(`warning: ${event.method} ${event.url} got no answer within ${requestTimeoutMs / 1000} s (--request-timeout), attempt ${event.attempt + 1}\n`);
    }
  };
  const client = new PulpClient({
    baseUrl: opts.pulpUrl,
    username: opts.username,
    password: opts.password ?? env.PULP_PASSWORD,
    requestTimeoutMs,
    onRequest,
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
          requestTimeoutMs,
          onRequest,
        })
      : undefined;
  try {
    const arkVersions =
      opts.target === "test"
        ? await resolveArkVersions(arkClient && pulpPort(arkClient), entries, pinned).catch((error: unknown) => {
            // Two Pulps are in play: say which one refused.
            throw new UsageError(`Ark (${opts.arkUrl}): ${errorText(error)}`);
          })
        : undefined;
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
      ...(opts.taskRetries !== undefined ? { taskRetries: opts.taskRetries } : {}),
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
  const [cert, key, ca] = await Promise.all([
    pemOption("--remote-client-cert", opts.remoteClientCert, "certificate"),
    pemOption("--remote-client-key", opts.remoteClientKey, "private key"),
    pemOption("--remote-ca-cert", opts.remoteCaCert, "certificate"),
  ]);
  if (cert) fields.client_cert = cert;
  if (key) fields.client_key = key;
  if (ca) fields.ca_cert = ca;
  if (opts.proxyUrl) fields.proxy_url = opts.proxyUrl;
  if (opts.tlsValidation === false) fields.tls_validation = false;
  return Object.keys(fields).length ? fields : undefined;
}

/** Pinned `--versions` (each checked as a snapshot version). */
async function pinnedVersions(value: string | undefined): Promise<Record<string, string>> {
  return value ? readVersions(value) : {};
}

/** Default `--request-timeout`: a Pulp API call that takes longer is stuck (tasks are waited on separately). */
export const DEFAULT_REQUEST_TIMEOUT_S = 60;

/** A PEM file option, read and checked to hold what the option says. */
async function pemOption(option: string, file: string | undefined, kind: PemKind): Promise<string | undefined> {
  if (!file) return undefined;
  const text = await readOptionFile(option, file);
  const problem = pemProblem(kind, text);
  if (problem) throw new UsageError(`${option} ${JSON.stringify(file)} ${problem}`);
  return text;
}

/** URL options (also when called from the action, which skips commander's parsing). */
function checkUrls(opts: SyncPackageReposCliOptions): void {
  const urls = { "--pulp-url": opts.pulpUrl, "--ark-url": opts.arkUrl, "--ark-content-url": opts.arkContentUrl, "--proxy-url": opts.proxyUrl };
  for (const [option, value] of Object.entries(urls)) if (value !== undefined) optionValue(option, () => httpUrl(value));
}

/**
 * The test target syncs Ark's snapshots: it needs Ark's content URL, and Ark's API to find the
 * newest snapshot of every repository that `--versions` does not pin.
 */
function checkTestTarget(
  opts: SyncPackageReposCliOptions,
  entries: PackageRepoEntry[],
  pinned: Record<string, string>,
  arkContentUrl: string | undefined,
): void {
  const unpinned = entries.filter((e) => targetIncludes(e, "test") && !pinned[e.short_name]).map((e) => e.short_name);
  if (!opts.arkUrl && unpinned.length) {
    throw new UsageError(
      `--target test needs --ark-url to find Ark's newest snapshots (or --versions pinning every repository; not pinned: ${unpinned.join(", ")})`,
    );
  }
  if (!arkContentUrl) throw new UsageError("--target test needs --ark-content-url (Ark's content app root) or --ark-url");
}

/** Runs a parser of an option's value; its error names the option. */
function optionValue<T>(option: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new UsageError(`${option}: ${errorText(error)}`);
  }
}

function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError("must be a whole number (0 or more)");
  return n;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("must be a positive integer");
  return n;
}
