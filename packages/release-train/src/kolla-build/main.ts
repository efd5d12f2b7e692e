// The kolla-build flow as the CLI and the action run it: plan → per-distro build/scan/push →
// (finish) kolla-image-tags.yml proposal and container sync dispatch → summary and result file.
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { writeSummary as writeEngineSummary } from "../engine";
import { createEngine, type EngineName } from "./engine";
import { quote, type Runner, runCommand } from "./exec";
import { type KollaBuildPlan, KollaInputError, describePlan, planKollaBuild } from "./plan";
import { dispatchContainerSync, distroBuilds, type ImageTagsProposal, proposeImageTags, syncFilter } from "./propose";
import { openstackReleaseOf } from "./release";
import { type DistroResult, runDistro } from "./run";
import { DEFAULT_SCAN_COMMAND, loadAllowList } from "./scan";
import { kollaBuildSummary } from "./summary";

export interface KollaBuildOptions {
  regexes?: string | undefined;
  overcloud: boolean;
  seed: boolean;
  distros?: string | undefined;
  openstackRelease?: string | undefined;
  timestamp?: string | undefined;
  /** The kayobe-config checkout: build cwd, `.gitreview`, Trivy allow-list, kolla-image-tags.yml. */
  kayobeConfig: string;
  buildCommand: string;
  buildArgs?: string[] | undefined;
  /** kolla-build's log file (default /var/log/kolla-build.log; '' for none). */
  kollaLog?: string | undefined;
  engine: EngineName;
  /** Engine `oci`: directory of the OCI layouts the build writes (`<dir>/<registry>/<namespace>/<name>`). */
  ociDir?: string | undefined;
  registry: string;
  namespace: string;
  /** Registry API root for verification (default https://<registry>, http:// when insecure). */
  registryUrl?: string | undefined;
  insecureRegistry?: boolean | undefined;
  registryUsername?: string | undefined;
  registryPassword?: string | undefined;
  push: boolean;
  pushDirty: boolean;
  pushAttempts?: number | undefined;
  pushRetryDelayMs?: number | undefined;
  concurrency?: number | undefined;
  scan: "auto" | "always" | "never";
  scanCommand?: string[] | undefined;
  logDir: string;
  dryRun?: boolean | undefined;
  /** Extra environment for the build, engine and scanner commands. */
  env?: Record<string, string> | undefined;
  run?: Runner | undefined;
  write?: ((text: string) => void) | undefined;
  /** GitHub Actions log format (groups, annotations). */
  actions?: boolean | undefined;
}

export const RESULT_FILE = "kolla-build-result.json";

export async function planFromOptions(options: Pick<KollaBuildOptions, "regexes" | "overcloud" | "seed" | "distros" | "openstackRelease" | "timestamp" | "kayobeConfig">): Promise<KollaBuildPlan> {
  let release = options.openstackRelease?.trim() ?? "";
  const problems: KollaInputError["problems"] = [];
  if (!release) {
    try {
      release = await openstackReleaseOf(options.kayobeConfig);
    } catch (error) {
      problems.push({ input: "openstack-release", message: `is not given and ${(error as Error).message}` });
      release = "unknown";
    }
  }
  try {
    const plan = planKollaBuild({ ...options, openstackRelease: release });
    if (problems.length) throw new KollaInputError(problems);
    return plan;
  } catch (error) {
    if (error instanceof KollaInputError) throw new KollaInputError([...problems, ...error.problems]);
    throw error;
  }
}

export interface KollaBuildRun {
  plan: KollaBuildPlan;
  results: DistroResult[];
  /** Every failure of every distro, for the final error. */
  failures: string[];
}

export async function runKollaBuild(options: KollaBuildOptions): Promise<KollaBuildRun> {
  const write = options.write ?? ((t: string) => process.stdout.write(t));
  const run = options.run ?? runCommand;
  const plan = await planFromOptions(options);
  write(`${describePlan(plan)}\n`);
  const registryUrl = options.registryUrl || `${options.insecureRegistry ? "http" : "https"}://${options.registry}`;
  const registryAccess = { url: registryUrl, username: options.registryUsername, password: options.registryPassword, tlsVerify: !options.insecureRegistry };
  // The build (and the scanner) find the OCI layout directory in $KOLLA_OCI_DIR.
  const env = options.engine === "oci" && options.ociDir ? { ...options.env, KOLLA_OCI_DIR: options.ociDir } : options.env;
  const engine = createEngine({ name: options.engine, run, insecure: options.insecureRegistry, env, ociDir: options.ociDir, registryAccess });
  const allowList = await loadAllowList(options.kayobeConfig);
  const results: DistroResult[] = [];
  for (const distro of plan.distros) {
    const logDir = plan.distros.length > 1 ? join(options.logDir, distro.name) : options.logDir;
    results.push(
      await runDistro({
        plan,
        distro,
        dryRun: options.dryRun,
        build: {
          command: options.buildCommand,
          extraArgs: options.buildArgs ?? [],
          registry: options.registry,
          namespace: options.namespace,
          engine,
          kollaLog: options.kollaLog === undefined ? "/var/log/kolla-build.log" : options.kollaLog || undefined,
          cwd: options.kayobeConfig,
          env,
          logDir,
          run,
          write,
          actions: options.actions,
        },
        scan: { mode: options.scan, command: options.scanCommand ?? DEFAULT_SCAN_COMMAND, allowList },
        push: {
          enabled: options.push,
          pushDirty: options.pushDirty,
          attempts: options.pushAttempts ?? 5,
          retryDelayMs: options.pushRetryDelayMs ?? 5000,
          concurrency: options.concurrency ?? 4,
          registryAccess,
          login: options.registryUsername && options.registryPassword ? { username: options.registryUsername, password: options.registryPassword } : undefined,
        },
      }),
    );
  }
  if (!options.dryRun) {
    for (const r of results) {
      await mkdir(r.logDir, { recursive: true });
      await writeFile(join(r.logDir, RESULT_FILE), `${JSON.stringify(r, null, 2)}\n`);
    }
  }
  return { plan, results, failures: failuresOf(results) };
}

export function failuresOf(results: DistroResult[]): string[] {
  return results.flatMap((r) => r.failures.map((f) => `${r.distro}: ${f.stage}${f.image ? ` ${f.image}` : ""}: ${f.message}`));
}

/** Reads the result files a set of build jobs left (searched recursively, e.g. downloaded artifacts). */
export async function readResults(dir: string): Promise<DistroResult[]> {
  const entries = await readdir(dir, { recursive: true });
  const files = entries.filter((e) => e === RESULT_FILE || e.endsWith(`/${RESULT_FILE}`)).sort();
  return Promise.all(files.map(async (f) => JSON.parse(await readFile(join(dir, f), "utf8")) as DistroResult));
}

export interface FinishOptions {
  kayobeConfig?: string | undefined;
  /** Rewrite kolla-image-tags.yml (and with `githubToken` propose it). */
  updateImageTags: boolean;
  githubToken?: string | undefined;
  apiUrl?: string | undefined;
  /** kayobe-config's `owner/name` (default: from the checkout's origin). */
  repository?: string | undefined;
  branchSuffix: string;
  dispatch?: { token: string; repository: string; workflow: string; ref: string; inputs?: Record<string, string> | undefined } | undefined;
  dryRun?: boolean | undefined;
  write?: ((text: string) => void) | undefined;
}

export interface FinishResult {
  proposal?: ImageTagsProposal;
  dispatched?: { repository: string; workflow: string; filter: string };
  failures: string[];
}

export async function finishKollaBuild(results: DistroResult[], options: FinishOptions): Promise<FinishResult> {
  const write = options.write ?? ((t: string) => process.stdout.write(t));
  const out: FinishResult = { failures: [] };
  const builds = distroBuilds(results);
  if (options.updateImageTags && options.kayobeConfig && builds.length) {
    if (options.dryRun) write(`would update kolla-image-tags.yml for ${builds.map((b) => b.distro).join(", ")}\n`);
    else {
      try {
        out.proposal = await proposeImageTags(options.kayobeConfig, builds, { branchSuffix: options.branchSuffix, token: options.githubToken, apiUrl: options.apiUrl, repository: options.repository });
        write(out.proposal.changed ? `updated ${out.proposal.file} (${out.proposal.changes.length} changes)${out.proposal.pullRequest ? `: ${out.proposal.pullRequest.url}` : ""}\n` : `${out.proposal.file} already up to date\n`);
      } catch (error) {
        out.failures.push(`kolla-image-tags.yml: ${(error as Error).message}`);
      }
    }
  }
  const filter = syncFilter(results);
  if (options.dispatch && filter) {
    const { repository, workflow, ref } = options.dispatch;
    if (options.dryRun) write(`would dispatch ${repository} ${workflow}@${ref} with filter ${quote(filter)}\n`);
    else {
      try {
        await dispatchContainerSync(filter, { ...options.dispatch, apiUrl: options.apiUrl });
        out.dispatched = { repository, workflow, filter };
        write(`dispatched ${repository} ${workflow}@${ref} with filter ${quote(filter)}\n`);
      } catch (error) {
        out.failures.push(`dispatch of ${repository} ${workflow}: ${(error as Error).message}`);
      }
    }
  }
  return out;
}

/** Appends the job summary (or prints it); a summary that cannot be written is a warning, returned. */
export async function writeSummary(results: DistroResult[], finish: FinishResult | undefined, summaryFile: string | undefined, write: (t: string) => void): Promise<string | undefined> {
  const extra: string[] = [];
  if (finish?.proposal?.pullRequest) extra.push(`kolla-image-tags.yml: [pull request #${finish.proposal.pullRequest.number}](${finish.proposal.pullRequest.url})`);
  if (finish?.dispatched) extra.push(`Container sync dispatched (${finish.dispatched.repository} ${finish.dispatched.workflow}), filter \`${finish.dispatched.filter}\``);
  for (const f of finish?.failures ?? []) extra.push(`- ❌ ${f}`);
  return writeEngineSummary(kollaBuildSummary(results, extra), { file: summaryFile, env: {}, write });
}

export { type KollaBuildPlan, KollaInputError } from "./plan";
export type { DistroResult, ImageResult } from "./run";
