// Container promotion: copy the pinned tags of each image from its push repository
// `stackhpc-dev/<image>` (latest version) into the release repository `stackhpc/<image>` (demote:
// remove them from it). Reads Ark in a few batched calls plus two tag lists per image, plans every
// image, refuses before any write when source tags are missing (unless allow-missing), prints the
// plan, stops there in check mode, else applies with at most `concurrency` images in flight (default:
// Pulp's online workers) and never more than one task at a time per release repository.
import { asHref, type PulpClient, type Query } from "@release-train/pulp-client";
import pLimit from "p-limit";
import { ensureReleaseRepository, type ReleaseRepositoryState, releaseRepositoryChanges } from "../containers/release-repository";
import { containerPort } from "../containers/pulp-port";
import { applyItems, openPulpTasks, type Polling, type Reporter, StateFile } from "../engine";
import { compileFilter } from "../selection";
import { MissingSourcesError, type Move, PROMOTION_RETRIES, type PromotionItemResult, type PromotionMode, type PromotionResult } from "./types";

const PAGE = { pageSize: 1000 };
/** Names per `name__in` list request (keeps URLs well under common limits). */
const NAME_BATCH = 50;
/** Reads in flight while planning. */
const READ_CONCURRENCY = 16;

export interface Namespaces {
  /** Push repositories (default `stackhpc-dev`). */
  source: string;
  /** Release repositories (default `stackhpc`). */
  release: string;
}

export interface TagState {
  tag: string;
  /** Tag content href in that repository version. */
  href: string;
  manifest: string;
  digest: string;
}

export interface ContainerPlanItem {
  image: string;
  sourceName: string;
  releaseName: string;
  /** Latest version of the push repository (copied from, pinned so the plan is what is applied). */
  sourceVersion?: string | undefined;
  release: ReleaseRepositoryState;
  /** promote: tags to copy (from = release digest now, null when absent). */
  copy: { tag: string; digest: string; from: string | null }[];
  /** demote: tags to remove from the release repository. */
  remove: TagState[];
  /** Already right (promote: same digest released; demote: not released). */
  skip: { tag: string; digest: string | null }[];
  missing: string[];
  /** A task an earlier run left running on the release repository. */
  inflight: string[];
}

function batches<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

async function listByNames<T>(names: string[], list: (names: string[]) => Promise<T[]>): Promise<T[]> {
  return (await Promise.all(batches(names, NAME_BATCH).map(list))).flat();
}

export interface ReadContainersOptions {
  pulp: PulpClient;
  imageTags: Record<string, string[]>;
  mode: PromotionMode;
  namespaces: Namespaces;
}

/** Everything the plan needs, read in bulk. */
export async function planContainers(options: ReadContainersOptions): Promise<ContainerPlanItem[]> {
  const { pulp, namespaces } = options;
  const images = Object.keys(options.imageTags);
  const sourceNames = images.map((i) => `${namespaces.source}/${i}`);
  const releaseNames = images.map((i) => `${namespaces.release}/${i}`);
  const [pushRepos, releaseRepos, distributions, running] = await Promise.all([
    listByNames(sourceNames, (names) => pulp.repositories.containerPush.listAll({ name__in: names } as Query, PAGE)),
    listByNames(releaseNames, (names) => pulp.repositories.container.listAll({ name__in: names } as Query, PAGE)),
    listByNames(releaseNames, (names) => pulp.distributions.container.listAll({ base_path__in: names } as Query, PAGE)),
    pulp.tasks.listAll({ state__in: ["waiting", "running"] } as Query, PAGE),
  ]);
  const push = new Map(pushRepos.map((r) => [r.name, r]));
  const release = new Map(releaseRepos.map((r) => [r.name, r]));
  const dists = new Map(distributions.map((d) => [d.base_path, d]));
  const limit = pLimit(READ_CONCURRENCY);
  // Version 0 of a repository is always empty: nothing to ask.
  const tagsIn = (version: string | null | undefined, names: string[]) =>
    version && !/\/versions\/0\/$/.test(version) ? limit(() => pulp.content.containerTags.listAll({ repository_version: version, name__in: names } as Query, PAGE)) : Promise.resolve([]);

  const read = await Promise.all(
    images.map(async (image) => {
      const tags = options.imageTags[image] ?? [];
      const sourceName = `${namespaces.source}/${image}`;
      const releaseName = `${namespaces.release}/${image}`;
      const src = push.get(sourceName);
      const dst = release.get(releaseName);
      const [srcTags, dstTags] = await Promise.all([options.mode === "promote" ? tagsIn(src?.latest_version_href, tags) : Promise.resolve([]), tagsIn(dst?.latest_version_href, tags)]);
      return { image, tags, sourceName, releaseName, src, dst, srcTags, dstTags };
    }),
  );
  // One bulk lookup turns manifest hrefs into digests for the whole plan.
  const manifestHrefs = [...new Set(read.flatMap((r) => [...r.srcTags, ...r.dstTags].map((t) => t.tagged_manifest)))];
  const manifests = (
    await Promise.all(batches(manifestHrefs, NAME_BATCH).map((hrefs) => limit(() => pulp.content.containerManifests.listAll({ pulp_href__in: hrefs } as Query, PAGE))))
  ).flat();
  const digestOf = new Map(manifests.map((m) => [m.pulp_href as string, m.digest]));
  const state = (t: { name: string; pulp_href: string; tagged_manifest: string }): TagState => ({
    tag: t.name,
    href: t.pulp_href,
    manifest: t.tagged_manifest,
    digest: digestOf.get(t.tagged_manifest) ?? t.tagged_manifest,
  });

  return read.map((r) => {
    const srcByTag = new Map(r.srcTags.map((t) => [t.name, state(t)]));
    const dstByTag = new Map(r.dstTags.map((t) => [t.name, state(t)]));
    const dist = dists.get(r.releaseName);
    const item: ContainerPlanItem = {
      image: r.image,
      sourceName: r.sourceName,
      releaseName: r.releaseName,
      sourceVersion: r.src?.latest_version_href ?? undefined,
      release: {
        name: r.releaseName,
        repositoryHref: r.dst?.pulp_href,
        distributionHref: dist?.pulp_href,
        distributionPrivate: dist?.private,
        distributionRepository: dist?.repository ?? undefined,
      },
      copy: [],
      remove: [],
      skip: [],
      missing: [],
      inflight: r.dst ? running.filter((t) => (t.reserved_resources_record ?? []).includes(r.dst?.pulp_href as string)).map((t) => t.pulp_href as string) : [],
    };
    for (const tag of r.tags) {
      const released = dstByTag.get(tag);
      if (options.mode === "demote") {
        if (released) item.remove.push(released);
        else item.skip.push({ tag, digest: null });
        continue;
      }
      const source = srcByTag.get(tag);
      if (!source) item.missing.push(tag);
      else if (released && released.manifest === source.manifest) item.skip.push({ tag, digest: source.digest });
      else item.copy.push({ tag, digest: source.digest, from: released?.digest ?? null });
    }
    return item;
  });
}

const short = (digest: string | null) => (digest ? digest.replace(/^(sha256:[0-9a-f]{12})[0-9a-f]+$/, "$1…") : "none");

export function describeContainerPlan(items: readonly ContainerPlanItem[], mode: PromotionMode, dryRun: boolean): string {
  const changing = items.filter((i) => i.copy.length || i.remove.length || releaseChanges(i).length);
  const head = `${dryRun ? "Check mode: would " : ""}${mode} ${changing.length} of ${items.length} image(s):`;
  const lines: string[] = [head];
  for (const i of items) {
    for (const c of releaseChanges(i)) lines.push(`  + ${i.releaseName}: ${c}`);
    for (const c of i.copy) lines.push(`  ~ ${i.releaseName}:${c.tag}: ${short(c.from)} → ${short(c.digest)}`);
    for (const r of i.remove) lines.push(`  ~ ${i.releaseName}:${r.tag}: ${short(r.digest)} → removed`);
    for (const m of i.missing) lines.push(`  ! ${i.sourceName}:${m}: tag not found in the push repository`);
    if (!i.copy.length && !i.remove.length && !i.missing.length && !releaseChanges(i).length) {
      lines.push(`  = ${i.releaseName}: ${i.skip.map((s) => s.tag).join(", ")} ${mode === "promote" ? "already released" : "not released"}`);
    }
    for (const t of i.inflight) lines.push(`  … ${i.releaseName}: waiting for task ${t} of an earlier run first`);
  }
  return lines.join("\n");
}

/** What ensuring the release repository and its private distribution would change (promote copies only). */
function releaseChanges(i: ContainerPlanItem): string[] {
  return i.copy.length ? releaseRepositoryChanges(i.release) : [];
}

export interface PromoteContainersOptions {
  pulp: PulpClient;
  imageTags: Record<string, string[]>;
  filter?: string | undefined;
  mode?: PromotionMode | undefined;
  dryRun?: boolean | undefined;
  allowMissing?: boolean | undefined;
  namespaces?: Partial<Namespaces> | undefined;
  /** Images in flight (default: 2 × Pulp's online workers, from `/status/`). */
  concurrency?: number | undefined;
  stateFile?: string | undefined;
  reporter?: Reporter<PromotionItemResult> | undefined;
  polling?: Polling | undefined;
  notes?: string[] | undefined;
}

export async function promoteContainers(options: PromoteContainersOptions): Promise<PromotionResult> {
  const startedAt = new Date().toISOString();
  const mode = options.mode ?? "promote";
  const dryRun = options.dryRun ?? false;
  const namespaces: Namespaces = { source: options.namespaces?.source ?? "stackhpc-dev", release: options.namespaces?.release ?? "stackhpc" };
  const patterns = compileFilter(options.filter);
  const imageTags = Object.fromEntries(Object.entries(options.imageTags).filter(([image]) => patterns.length === 0 || patterns.some((re) => re.test(image))));
  if (!Object.keys(imageTags).length) throw new Error(`nothing to ${mode}: no image${options.filter ? ` matches filter ${JSON.stringify(options.filter)}` : " is pinned"}`);

  const plan = await planContainers({ pulp: options.pulp, imageTags, mode, namespaces });
  const missing = plan.filter((i) => i.missing.length);
  if (missing.length && !options.allowMissing) {
    throw new MissingSourcesError(
      "tag(s)",
      missing.flatMap((i) => i.missing.map((t) => `${i.sourceName}:${t}${i.sourceVersion ? "" : " (no push repository)"}`)),
    );
  }
  const planText = describeContainerPlan(plan, mode, dryRun);
  options.reporter?.plan?.(planText);
  const notes = [...(options.notes ?? [])];
  const base = { kind: "containers" as const, mode, dryRun, planText, notes, startedAt };
  if (dryRun) return finish({ ...base, items: plan.map((i) => planned(i, mode)) });

  const workers = options.concurrency ? undefined : await workerCount(options.pulp);
  // Two images per worker: while a worker runs one copy, the next waits queued in Pulp, so no worker
  // idles for the client's poll round trip. Still bounded, still one task per release repository.
  const concurrency = options.concurrency ?? 2 * (workers as number);
  notes.push(`concurrency ${concurrency}${workers ? ` (2 × Pulp's ${workers} online workers)` : ""}`);
  const stateKey = (i: ContainerPlanItem) => StateFile.key("promote-containers", i.releaseName);
  // Tag copies are short and queue behind each other: poll at least every 0.5 s (one bulk request for
  // all of them), so a finished copy is replaced before the worker queue runs dry.
  const polling = { maxDelayMs: 500, ...options.polling };
  const { watcher, tasks } = await openPulpTasks(options.pulp, { stateFile: options.stateFile, scope: "ark", keys: plan.map(stateKey), polling, retries: PROMOTION_RETRIES });
  const port = containerPort(options.pulp);
  try {
    const items = await applyItems(plan, {
      concurrency,
      key: (i) => i.image,
      stateKey,
      tasks,
      reporter: options.reporter,
      init: (i) => ({ ...planned(i, mode), moves: [], actions: [] }),
      apply: async (planItem, result, ctx) => {
        let i = planItem;
        if (i.inflight.length) {
          // An earlier run's task still holds this repository: let it finish, then plan this image again.
          ctx.step("wait");
          for (const href of i.inflight) {
            ctx.log(`waiting for task ${href} of an earlier run on ${i.releaseName}`);
            await watcher.wait(href).catch(() => undefined);
          }
          const [again] = await planContainers({ pulp: options.pulp, imageTags: { [i.image]: imageTags[i.image] ?? [] }, mode, namespaces });
          if (again) i = { ...again, inflight: [] };
        }
        const changes: Move[] = [];
        if (mode === "promote" && i.copy.length) {
          const repo = await ensureReleaseRepository(port, i.release, ctx);
          const names = i.copy.map((c) => c.tag);
          const version = i.sourceVersion as string;
          // A lost dispatch is looked for among the tasks locking the repository before it is sent
          // again (never two copies); a repeated copy of the same tags has the same effect.
          await ctx.task("copy", async () => (await options.pulp.repositories.container.copyTags(asHref(repo), { source_repository_version: asHref(version) as never, names })).href, {
            lookup: { resource: repo },
            repeatable: true,
          });
          for (const c of i.copy) changes.push({ object: `${i.releaseName}:${c.tag}`, from: c.from, to: c.digest });
          ctx.did(`copied ${names.join(", ")} from ${i.sourceName}`);
        } else if (mode === "demote" && i.remove.length && i.release.repositoryHref) {
          const repo = i.release.repositoryHref;
          await ctx.task("remove", async () => (await options.pulp.repositories.container.remove(asHref(repo), i.remove.map((r) => asHref(r.href) as never))).href, {
            lookup: { resource: repo },
            repeatable: true,
          });
          for (const r of i.remove) changes.push({ object: `${i.releaseName}:${r.tag}`, from: r.digest, to: null });
          ctx.did(`removed ${i.remove.map((r) => r.tag).join(", ")} from ${i.releaseName}`);
        }
        result.moves = changes;
        result.status = changes.length ? (mode === "promote" ? "promoted" : "demoted") : i.missing.length ? "missing" : "skipped";
      },
    });
    for (const r of items) if (r.error) r.status = "failed";
    return finish({ ...base, items });
  } finally {
    watcher.close();
    options.reporter?.close?.();
  }
}

/** Pulp's online workers (`/status/`): the floor of what parallel dispatch can use. */
export async function workerCount(pulp: PulpClient): Promise<number> {
  const status = await pulp.status();
  return Math.max(1, status.online_workers?.length ?? 1);
}

function planned(i: ContainerPlanItem, mode: PromotionMode): PromotionItemResult {
  const moves: Move[] =
    mode === "promote"
      ? i.copy.map((c) => ({ object: `${i.releaseName}:${c.tag}`, from: c.from, to: c.digest }))
      : i.remove.map((r) => ({ object: `${i.releaseName}:${r.tag}`, from: r.digest, to: null }));
  const status = moves.length ? "planned" : i.missing.length ? "missing" : "skipped";
  const note = i.missing.length ? `missing in ${i.sourceName}: ${i.missing.join(", ")}` : status === "skipped" ? (mode === "promote" ? "already released" : "not released") : undefined;
  return { name: i.image, status, moves, note, changed: false, actions: moves.map((m) => `${mode} ${m.object}`), tasks: [], durationMs: 0 };
}

function finish(r: Omit<PromotionResult, "failed" | "missing" | "finishedAt">): PromotionResult {
  return { ...r, failed: r.items.filter((i) => i.error), missing: r.items.filter((i) => i.status === "missing" || (i.note ?? "").startsWith("missing")), finishedAt: new Date().toISOString() };
}
