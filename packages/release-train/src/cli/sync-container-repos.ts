// `release-train sync-container-repos`: publish Kolla image repositories in Ark (development
// distributions private; release repositories and private distributions), or mirror them into
// the test Pulp from Ark's registry (on_demand, token auth).
import { writeFile } from "node:fs/promises";
import { PulpClient } from "@release-train/pulp-client";
import { Command, InvalidArgumentError, Option } from "commander";
import { loadKollaConfig, selectImageRepos } from "../containers/config";
import { containerPort } from "../containers/pulp-port";
import { type ContainerSyncResult, syncContainerRepos } from "../containers/run";
import { containerReporter, containerSyncSummary } from "../containers/summary";
import { writeSummary } from "../engine/summary";
import { action } from "./errors";
import { configOption } from "./options";

export interface SyncContainerReposCliOptions {
  config: string;
  pulpUrl: string;
  username: string;
  password?: string;
  target: "ark" | "test";
  filter?: string;
  distros?: string;
  syncOldImages?: boolean;
  syncNewImages?: boolean;
  dryRun?: boolean;
  concurrency: number;
  waitTimeout?: number;
  stateFile?: string;
  devNamespace?: string;
  releaseNamespace?: string;
  upstreamNamespace?: string;
  arkUrl?: string;
  arkUsername?: string;
  arkPassword?: string;
  arkRegistryUrl?: string;
  remoteUsername?: string;
  remotePassword?: string;
  includeTags?: string;
  tlsValidation?: boolean;
  refreshSecrets?: boolean;
  summaryFile?: string;
  output?: string;
  json?: boolean;
}

const bool = (value: string): boolean => {
  if (/^(true|yes|1)$/i.test(value)) return true;
  if (/^(false|no|0)$/i.test(value)) return false;
  throw new InvalidArgumentError("must be true or false");
};

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("must be a positive integer");
  return n;
}

export function syncContainerReposCommand(): Command {
  return new Command("sync-container-repos")
    .description("publish Kolla image repositories in Ark, or mirror them from Ark into the test Pulp")
    .addOption(configOption())
    .requiredOption("--pulp-url <url>", "target Pulp URL (Ark, or the test Pulp)")
    .requiredOption("--username <name>", "Pulp username")
    .addOption(new Option("--password <password>", "Pulp password").env("PULP_PASSWORD"))
    .addOption(new Option("--target <target>", "ark (publish) or test (mirror from Ark)").choices(["ark", "test"]).default("ark"))
    .addOption(new Option("--filter <regexes>", "whitespace-separated regular expressions searched in Kolla image names (OR)").default(""))
    .option("--distros <names>", "space-separated base distros (default: kolla_base_distros)")
    .option("--sync-old-images <true|false>", "old-scheme <distro>-source-<image> images (default: sync_old_images)", bool)
    .option("--sync-new-images <true|false>", "new-scheme <image> images (default: sync_new_images)", bool)
    .option("--dry-run", "print the plan and write nothing")
    .option("--concurrency <n>", "images processed in parallel", positiveInt, 8)
    .option("--wait-timeout <minutes>", "stop waiting for a task after this long (re-run to re-attach)", positiveInt)
    .option("--state-file <file>", "JSON file recording dispatched tasks, for re-attaching on re-runs")
    .option("--dev-namespace <name>", "namespace CI pushes to", "stackhpc-dev")
    .option("--release-namespace <name>", "ark: namespace of release repositories", "stackhpc")
    .option("--upstream-namespace <name>", "test: namespace of upstream_name in Ark (default: --dev-namespace)")
    .option("--ark-url <url>", "test: Ark API URL (to mirror only what changed; without it every image is synced)")
    .option("--ark-username <name>", "test: Ark API username (default: --remote-username)")
    .addOption(new Option("--ark-password <password>", "test: Ark API password").env("ARK_PASSWORD"))
    .option("--ark-registry-url <url>", "test: Ark's registry URL for the remotes (default: --ark-url)")
    .option("--remote-username <name>", "test: registry credentials the remotes use")
    .addOption(new Option("--remote-password <password>", "test: registry password the remotes use").env("REMOTE_PASSWORD"))
    .option("--include-tags <patterns>", "test: space-separated tag patterns (* and ?) the remotes sync")
    .option("--no-tls-validation", "test: do not validate Ark's TLS certificate")
    .option("--refresh-secrets", "re-send remote passwords (after a rotation; Pulp never shows them)")
    .option("--summary-file <file>", "append the Markdown summary here (default: $GITHUB_STEP_SUMMARY)")
    .option("--output <file>", "write the full result (JSON) here")
    .option("--json", "print the result (the plan on a dry run) as one JSON object on stdout")
    .action(
      action(async (opts: SyncContainerReposCliOptions) => {
        const result = await runSyncContainerReposCli(opts);
        if (result.failed.length) process.exitCode = 1;
      }),
    );
}

export async function runSyncContainerReposCli(
  opts: SyncContainerReposCliOptions,
  env: NodeJS.ProcessEnv = process.env,
  write: (text: string) => void = (t) => process.stdout.write(t),
): Promise<ContainerSyncResult> {
  // With --json, stdout carries only the JSON object; the log goes to stderr.
  const log = opts.json ? (t: string) => process.stderr.write(t) : write;
  const config = await loadKollaConfig(opts.config);
  const images = selectImageRepos(config, {
    filter: opts.filter,
    distros: opts.distros,
    syncOldImages: opts.syncOldImages,
    syncNewImages: opts.syncNewImages,
  });
  const client = new PulpClient({ baseUrl: opts.pulpUrl, username: opts.username, password: opts.password ?? env.PULP_PASSWORD });
  const arkUrl = opts.arkUrl;
  const arkClient =
    opts.target === "test" && arkUrl
      ? new PulpClient({
          baseUrl: arkUrl,
          username: opts.arkUsername ?? opts.remoteUsername,
          password: opts.arkPassword ?? env.ARK_PASSWORD ?? opts.remotePassword ?? env.REMOTE_PASSWORD,
        })
      : undefined;
  try {
    const registryUrl = opts.arkRegistryUrl ?? arkUrl;
    if (opts.target === "test" && !registryUrl) throw new InvalidArgumentError("--target test needs --ark-registry-url or --ark-url (the registry the remotes mirror)");
    const remotePassword = opts.remotePassword ?? env.REMOTE_PASSWORD;
    const result = await syncContainerRepos({
      pulp: containerPort(client),
      ark: arkClient ? containerPort(arkClient) : undefined,
      target: opts.target,
      images,
      namespaces: { dev: opts.devNamespace ?? "stackhpc-dev", release: opts.releaseNamespace ?? "stackhpc", ...(opts.upstreamNamespace ? { upstream: opts.upstreamNamespace } : {}) },
      ...(registryUrl
        ? {
            remote: {
              url: registryUrl,
              username: opts.remoteUsername,
              password: remotePassword,
              includeTags: opts.includeTags ? opts.includeTags.split(/\s+/).filter(Boolean) : undefined,
              tlsValidation: opts.tlsValidation,
              refreshSecrets: opts.refreshSecrets,
            },
          }
        : {}),
      dryRun: opts.dryRun ?? false,
      concurrency: opts.concurrency,
      reporter: containerReporter({ actions: env.GITHUB_ACTIONS === "true", write: log }),
      ...(opts.stateFile ? { stateFile: opts.stateFile } : {}),
      ...(opts.waitTimeout ? { polling: { timeoutMs: opts.waitTimeout * 60_000 } } : {}),
    });
    if (opts.output) await writeFile(opts.output, `${JSON.stringify(result, null, 2)}\n`);
    if (opts.json) write(`${JSON.stringify(result)}\n`);
    const warning = await writeSummary(containerSyncSummary(result), { file: opts.summaryFile, env, write: log });
    if (warning) log(`warning: ${warning}\n`);
    if (result.notPushed.length) log(`${result.notPushed.length} images not yet pushed: ${result.notPushed.join(", ")}\n`);
    if (result.failed.length) log(`${result.failed.length} images failed: ${result.failed.map((r) => r.name).join(", ")}\n`);
    return result;
  } finally {
    await client.close();
    await arkClient?.close();
  }
}
