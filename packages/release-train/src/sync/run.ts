// The nightly package-snapshot flow for one target: read Pulp once, plan every repository, print
// the plan, stop there on a dry run, else apply with bounded concurrency. A failing repository
// never stops the others; the caller fails the run when `failed` is non-empty.
import { applyItems, errorText } from "../engine/apply";
import type { Reporter } from "../engine/reporter";
import { StateFile } from "../engine/state-file";
import { TaskWatcher } from "../engine/task-watcher";
import { TaskRunner } from "../engine/tasks";
import { applyRepoPlan, emptyResult } from "./apply";
import { buildRepoSpec, type DesiredOptions, targetIncludes } from "./desired";
import { describePlan } from "./describe";
import { planRepo, type RepoPlan } from "./plan";
import type { SyncPulp } from "./pulp-port";
import { readSnapshot } from "./read-state";
import { SnapshotIndex } from "./snapshot-index";
import type { PackageRepoEntry, RepoKind, RepoResult, RepoSpec, SyncTarget } from "./types";

/** The engine's reporter over repository results (keys are short_names). */
export type SyncReporter = Reporter<RepoResult>;

export interface SyncRunOptions extends Omit<DesiredOptions, "version"> {
  pulp: SyncPulp;
  /** Already selected (sync group / filter) configuration entries. */
  entries: PackageRepoEntry[];
  target: SyncTarget;
  /** Snapshot version, taken once at the start of the night. */
  version: string;
  dryRun?: boolean;
  concurrency?: number;
  /** Dispatches of a step after its task failed (default 2). */
  taskRetries?: number;
  stateFile?: string;
  reporter?: SyncReporter;
  polling?: { initialDelayMs?: number; syncInitialDelayMs?: number; maxDelayMs?: number; timeoutMs?: number };
}

export interface SyncRunResult {
  target: SyncTarget;
  version: string;
  dryRun: boolean;
  planText: string;
  results: RepoResult[];
  /** short_name → snapshot version serving its latest content. */
  versions: Record<string, string>;
  failed: RepoResult[];
}

export async function syncPackageRepos(options: SyncRunOptions): Promise<SyncRunResult> {
  const entries = options.entries.filter((e) => targetIncludes(e, options.target));
  const specs: RepoSpec[] = [];
  const specErrors: RepoResult[] = [];
  for (const entry of entries) {
    try {
      specs.push(buildRepoSpec(entry, options));
    } catch (error) {
      specErrors.push({ ...emptyResult(entry.short_name, entry.name, entry.kind), error: errorText(error) });
    }
  }

  const kinds = new Set<RepoKind>(specs.map((s) => s.kind));
  const guards = [...new Set(specs.flatMap((s) => (s.distribution?.contentGuard ? [s.distribution.contentGuard] : [])))];
  const index = new SnapshotIndex(await readSnapshot(options.pulp, kinds, guards));
  const plans = specs.map((spec) => planRepo(spec, index));
  const planText = describePlan(plans, options.target, options.dryRun ?? false);
  options.reporter?.plan?.(planText);

  const base = { target: options.target, version: options.version, planText };
  if (options.dryRun) {
    const results = [...plans.map(dryRunResult), ...specErrors];
    return { ...base, dryRun: true, results, versions: {}, failed: results.filter((r) => r.error) };
  }

  const state = await StateFile.open(options.stateFile);
  const watcher = new TaskWatcher({
    listTasks: (hrefs) => options.pulp.listTasks(hrefs),
    initialDelayMs: options.polling?.initialDelayMs,
    maxDelayMs: options.polling?.maxDelayMs,
    timeoutMs: options.polling?.timeoutMs,
  });
  try {
    const stateKey = (spec: RepoSpec) => StateFile.key(spec.version, spec.shortName);
    const tasks = await TaskRunner.open({
      watcher,
      state,
      scope: options.target,
      keys: specs.map(stateKey),
      findTasks: (query) => options.pulp.findTasks(query),
      retries: options.taskRetries,
    });
    const content = { root: index.contentRoot() };
    const context = { pulp: options.pulp, index, content, syncPollDelayMs: options.polling?.syncInitialDelayMs ?? 1000 };
    const results = await applyItems(plans, {
      concurrency: options.concurrency,
      key: (plan) => plan.spec.shortName,
      stateKey: (plan) => stateKey(plan.spec),
      init: (plan) => emptyResult(plan.spec.shortName, plan.spec.repositoryName, plan.spec.kind),
      apply: (plan, result, item) => applyRepoPlan(plan, result, context, item),
      tasks,
      reporter: options.reporter,
    });
    results.push(...specErrors);
    const versions: Record<string, string> = {};
    for (const r of results) if (r.version) versions[r.shortName] = r.version;
    return { ...base, dryRun: false, results, versions, failed: results.filter((r) => r.error) };
  } finally {
    watcher.close();
    options.reporter?.close?.();
  }
}

function dryRunResult(plan: RepoPlan): RepoResult {
  const actions: string[] = [];
  if (plan.remote && plan.remote.action !== "none") actions.push(`${plan.remote.action} remote`);
  if (plan.repository.action !== "none") actions.push(`${plan.repository.action} repository`);
  if (plan.cleanup.length) actions.push(`delete ${plan.cleanup.length} duplicate publication(s)`);
  if (plan.sync) actions.push("sync");
  if (plan.expect.publish) actions.push("publish");
  if (plan.expect.distribute) actions.push("distribute");
  const result: RepoResult = {
    ...emptyResult(plan.spec.shortName, plan.spec.repositoryName, plan.spec.kind),
    changed: actions.some((a) => a !== "sync"),
    actions,
  };
  if (plan.problems.length) result.error = plan.problems.join("; ");
  return result;
}
