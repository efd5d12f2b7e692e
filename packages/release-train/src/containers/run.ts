// sync-container-repos for one target: read Pulp once (one list per object type), plan every
// image, print the plan, stop on a dry run, else apply through the shared engine (bounded
// keep-going, one item per image so no two tasks run on one repository, re-attach on re-runs).
import { applyItems, type ItemContext, type ItemResult } from "../engine/apply";
import type { Reporter } from "../engine/reporter";
import { StateFile } from "../engine/state-file";
import { TaskWatcher } from "../engine/task-watcher";
import { TaskRunner } from "../engine/tasks";
import type { ImageRepo } from "./config";
import {
  ARK_VERSION_LABEL,
  type ArkImagePlan,
  type ContainerTarget,
  describeContainerPlan,
  type ImagePlan,
  type Namespaces,
  planActions,
  planArk,
  planTest,
  type Snapshot,
  type TestImagePlan,
  type TestRemoteSettings,
} from "./plan";
import type { ContainerPulp } from "./pulp-port";
import { ensureReleaseRepository } from "./release-repository";

export interface ImageResult extends ItemResult {
  /** Development repository name, e.g. `stackhpc-dev/nova-api`. */
  name: string;
  image: string;
  scheme: "old" | "new";
  /** Not pushed to Ark yet (reported, not an error). */
  notPushed: boolean;
  tagsAdded: { name: string; digest: string }[];
  tagsRemoved: string[];
}

export interface ContainerSyncOptions {
  pulp: ContainerPulp;
  /** Test target: Ark's API, to know what is pushed and whether it changed. */
  ark?: ContainerPulp | undefined;
  target: ContainerTarget;
  images: ImageRepo[];
  namespaces?: Partial<Namespaces>;
  /** Test target: the remote every repository mirrors from. */
  remote?: TestRemoteSettings;
  dryRun?: boolean;
  concurrency?: number;
  stateFile?: string;
  reporter?: Reporter<ImageResult>;
  polling?: { initialDelayMs?: number; syncInitialDelayMs?: number; maxDelayMs?: number; timeoutMs?: number };
}

export interface ContainerSyncResult {
  target: ContainerTarget;
  dryRun: boolean;
  planText: string;
  images: ImageResult[];
  failed: ImageResult[];
  notPushed: string[];
}

export function namespacesOf(ns: Partial<Namespaces> = {}): Namespaces {
  const dev = ns.dev ?? "stackhpc-dev";
  return { dev, release: ns.release ?? "stackhpc", upstream: ns.upstream ?? dev };
}

async function readSnapshot(options: ContainerSyncOptions): Promise<Snapshot> {
  const p = options.pulp;
  if (options.target === "ark") {
    const [distributions, repositories] = await Promise.all([p.listDistributions(), p.listRepositories()]);
    return { distributions, repositories, remotes: [] };
  }
  const [distributions, repositories, remotes, arkPush] = await Promise.all([
    p.listDistributions(),
    p.listRepositories(),
    p.listRemotes(),
    options.ark ? options.ark.listPushRepositories() : Promise.resolve(undefined),
  ]);
  return { distributions, repositories, remotes, ...(arkPush ? { arkPush: new Map(arkPush.map((r) => [r.name, r])) } : {}) };
}

const emptyResult = (plan: ImagePlan): ImageResult => ({
  name: plan.name,
  image: plan.image.image,
  scheme: plan.image.scheme,
  notPushed: plan.target === "ark" ? !plan.development : plan.notPushed,
  changed: false,
  actions: [],
  tasks: [],
  durationMs: 0,
  tagsAdded: [],
  tagsRemoved: [],
});

export async function syncContainerRepos(options: ContainerSyncOptions): Promise<ContainerSyncResult> {
  const ns = namespacesOf(options.namespaces);
  if (options.target === "test" && !options.remote) throw new Error("sync-container-repos --target test needs the Ark registry URL for its remotes");
  const snapshot = await readSnapshot(options);
  const plans: ImagePlan[] = options.target === "ark" ? planArk(options.images, snapshot, ns) : planTest(options.images, snapshot, ns, options.remote!);
  const dryRun = options.dryRun ?? false;
  const planText = describeContainerPlan(plans, options.target, dryRun);
  options.reporter?.plan?.(planText);
  const finish = (images: ImageResult[]): ContainerSyncResult => ({
    target: options.target,
    dryRun,
    planText,
    images,
    failed: images.filter((i) => i.error),
    notPushed: images.filter((i) => i.notPushed).map((i) => i.name),
  });
  if (dryRun) {
    return finish(plans.map((p) => ({ ...emptyResult(p), actions: planActions(p), changed: planActions(p).length > 0 })));
  }

  const state = await StateFile.open(options.stateFile);
  const watcher = new TaskWatcher({
    listTasks: (hrefs) => options.pulp.listTasks(hrefs),
    initialDelayMs: options.polling?.initialDelayMs,
    // Polls are bulk (one request for every pending task), so polling often is cheap; a slow
    // backoff would leave finished syncs unnoticed while Pulp's workers idle.
    maxDelayMs: options.polling?.maxDelayMs ?? 1000,
    timeoutMs: options.polling?.timeoutMs,
  });
  // State keys: the Ark version a test sync mirrors is "the same work" across re-runs.
  const stateKey = (p: ImagePlan) => StateFile.key(p.target === "test" ? `containers@${p.arkVersion ?? "latest"}` : "containers", p.name);
  try {
    // `findTasks`: a dispatch whose answer was lost (or a run killed mid-dispatch) is looked for in
    // Pulp before anything is sent again.
    const tasks = await TaskRunner.open({ watcher, state, scope: options.target, keys: plans.map(stateKey), findTasks: options.pulp.findTasks });
    const syncDelay = options.polling?.syncInitialDelayMs ?? 1000;
    const images = await applyItems(plans, {
      concurrency: options.concurrency,
      key: (p) => p.name,
      stateKey,
      init: emptyResult,
      apply: (p, result, ctx) => (p.target === "ark" ? applyArk(options.pulp, p, ctx) : applyTest(options.pulp, p, result, ctx, syncDelay)),
      tasks,
      reporter: options.reporter,
    });
    return finish(images);
  } finally {
    watcher.close();
    options.reporter?.close?.();
  }
}

async function applyArk(pulp: ContainerPulp, p: ArkImagePlan, ctx: ItemContext): Promise<void> {
  if (!p.development) ctx.log(`${p.name}: not pushed yet`);
  else if (p.development.action === "update") {
    const href = p.development.href;
    await ctx.task("publish", () => pulp.updateDistribution(href, { private: true }), { initialDelayMs: 200, repeatable: true });
    ctx.did(`made ${p.name} private`);
  }
  await ensureReleaseRepository(pulp, p.release, ctx);
}

const VERSION_HREF = /\/versions\/\d+\/$/;

async function applyTest(pulp: ContainerPulp, p: TestImagePlan, result: ImageResult, ctx: ItemContext, syncDelay: number): Promise<void> {
  if (p.notPushed) {
    ctx.log(`${p.name}: not in Ark yet, nothing to mirror`);
    return;
  }
  ctx.step("remote");
  let remoteHref: string;
  if (p.remote.action === "create") {
    remoteHref = (await pulp.createRemote(p.remote.body)).pulp_href;
    ctx.did(`created remote ${p.name}`);
  } else {
    remoteHref = p.remote.href;
    if (p.remote.action === "update") {
      const patch = p.remote.patch;
      await ctx.task("remote", () => pulp.updateRemote(remoteHref, patch), { initialDelayMs: 200, repeatable: true });
      ctx.did(`updated remote ${p.name} (${Object.keys(patch).join(", ")})`);
    }
  }
  ctx.step("repository");
  let repoHref: string;
  if (p.repository.action === "create") {
    repoHref = (await pulp.createRepository({ ...p.repository.body, remote: remoteHref })).pulp_href;
    ctx.did(`created repository ${p.name}`);
  } else {
    repoHref = p.repository.href;
    if (p.repository.action === "update") {
      await ctx.task("repository", () => pulp.updateRepository(repoHref, { remote: remoteHref }), { initialDelayMs: 200, repeatable: true });
      ctx.did(`set the remote of repository ${p.name}`);
    }
  }
  if (p.sync) {
    const run = await ctx.task("sync", () => pulp.sync(repoHref, { remote: remoteHref, mirror: true }), {
      initialDelayMs: syncDelay,
      reuseCompleted: true,
      lookup: { resource: repoHref, name: "synchroniz" },
    });
    const version = (run.task.created_resources ?? []).find((h): h is string => typeof h === "string" && VERSION_HREF.test(h));
    if (version) {
      const changes = await pulp.versionChanges(version);
      result.tagsAdded = changes.added;
      result.tagsRemoved = changes.removed;
      ctx.did(`synced ${p.name}: +${changes.added.length} -${changes.removed.length} tags`);
    } else ctx.log(`synced ${p.name}: no change`);
    if (p.arkVersion) {
      const arkVersion = p.arkVersion;
      await ctx.task("label", () => pulp.updateRepository(repoHref, { pulp_labels: { [ARK_VERSION_LABEL]: arkVersion } }), { initialDelayMs: 200, repeatable: true });
    }
  }
  const d = p.distribution;
  if (d.action === "create") {
    const name = String(d.body.name);
    // A create whose answer was lost: the distribution, found by its unique name, is the result.
    const find = async () => (await pulp.findDistribution(name))?.pulp_href;
    await ctx.task("distribute", () => pulp.createDistribution({ ...d.body, repository: repoHref }), { initialDelayMs: 200, find });
    ctx.did(`created private distribution ${p.name}`);
  } else if (d.action === "update") {
    const patch = { ...d.patch, ...("repository" in d.patch ? { repository: repoHref } : {}) };
    await ctx.task("distribute", () => pulp.updateDistribution(d.href, patch), { initialDelayMs: 200, repeatable: true });
    ctx.did(`updated distribution ${p.name} (${Object.keys(patch).join(", ")})`);
  }
}
