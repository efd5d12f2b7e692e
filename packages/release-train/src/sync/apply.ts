// Applies one repository's plan: remote → repository → duplicate cleanup → sync (or re-attach) →
// publish the explicit new version (never "latest", pulpcore#3452) → distribute. Every write goes
// through the SyncPulp port; every task runs through the engine (state file + batched watcher).
import type { ItemContext } from "../engine/apply";
import type { TaskRecord } from "../engine/task-watcher";
import type { TaskRunOptions } from "../engine/tasks";
import { choosePublication, planDistribution, type RepoPlan, snapshotVersionOf } from "./plan";
import type { SyncPulp } from "./pulp-port";
import { publicationMatches, type SnapshotIndex } from "./snapshot-index";
import type { RepoKind, RepoResult } from "./types";

export interface ApplyContext {
  pulp: SyncPulp;
  index: SnapshotIndex;
  /** `<origin>/pulp/content/` for distribution URLs; learnt from the first created distribution if unknown. */
  content: { root: string | undefined };
  /** First poll delay for sync tasks (syncs take at least a few hundred ms). */
  syncPollDelayMs?: number;
}

const VERSION_HREF = /\/versions\/\d+\/$/;
const EMPTY_VERSION = /\/versions\/0\/$/;
const PUBLICATION_HREF = /\/publications\//;

export async function applyRepoPlan(plan: RepoPlan, result: RepoResult, ctx: ApplyContext, item: ItemContext): Promise<void> {
  const { spec } = plan;
  const { log, did } = item;
  const task = async (step: string, dispatch: () => Promise<string>, options: TaskRunOptions = {}): Promise<TaskRecord> =>
    (await item.task(step, dispatch, options)).task;

  if (plan.problems.length) throw new Error(plan.problems.join("; "));

  item.step("remote");
  let remoteHref: string | undefined;
  if (plan.remote?.action === "create") {
    remoteHref = (await ctx.pulp.createRemote(spec.kind, plan.remote.body)).pulp_href;
    did(`created remote ${spec.remote?.name}`);
  } else if (plan.remote?.action === "update") {
    const { href, patch } = plan.remote;
    await task("remote", () => ctx.pulp.updateRemote(href, patch), { repeatable: true });
    remoteHref = href;
    did(`updated remote ${spec.remote?.name} (${Object.keys(patch).join(", ")})`);
  } else remoteHref = plan.remote?.href;

  item.step("repository");
  let repoHref: string;
  let latest: string | undefined;
  if (plan.repository.action === "create") {
    const repo = await ctx.pulp.createRepository(spec.kind, plan.repository.body);
    repoHref = repo.pulp_href;
    latest = repo.latest_version_href ?? `${repoHref}versions/0/`;
    did(`created repository ${spec.repositoryName}`);
  } else {
    repoHref = plan.repository.href;
    latest = ctx.index.repositories.get(spec.repositoryName)?.latest_version_href ?? undefined;
  }

  item.step("cleanup");
  const deleted = new Set<string>();
  const deletePublication = async (href: string) => {
    if (deleted.has(href)) return;
    await ctx.pulp.deletePublication(href);
    deleted.add(href);
    did(`deleted duplicate publication ${href}`);
  };
  for (const href of plan.cleanup) await deletePublication(href);

  let createdPublications: string[] = [];
  if (plan.sync && remoteHref) {
    const body = { remote: remoteHref, ...plan.sync };
    // A sync of this version that completed earlier (before a crash) is this night's sync.
    const synced = await task("sync", () => ctx.pulp.sync(repoHref, body), {
      initialDelayMs: ctx.syncPollDelayMs,
      reuseCompleted: true,
      lookup: { resource: repoHref, name: "synchroniz" },
    });
    const created = createdHrefs(synced);
    const version = created.find((h) => VERSION_HREF.test(h));
    createdPublications = created.filter((h) => PUBLICATION_HREF.test(h));
    if (version) {
      latest = version;
      result.newRepositoryVersion = version;
      did(`synced: new version ${version}`);
    } else {
      // No change: the version to publish is the repository's latest *now* — the start-of-run read
      // may predate a sync that finished since (a re-run after a crash).
      latest = (await ctx.pulp.getRepository(spec.kind, repoHref)).latest_version_href ?? undefined;
      log(`synced: no change (latest ${latest})`);
    }
  }

  if (spec.publish && latest) {
    item.step("publish");
    if (EMPTY_VERSION.test(latest)) {
      throw new Error(
        plan.sync
          ? `the sync left ${spec.repositoryName} empty (repository version 0): not publishing an empty snapshot; check the upstream ${spec.remote?.fields.url}`
          : `${spec.repositoryName} has no content (repository version 0) and sync is false: nothing to publish; upload its content first`,
      );
    }
    const { keep, remove } = choosePublication(ctx.index, latest, createdPublications, spec.publish);
    for (const href of remove) await deletePublication(href);
    let publication = keep;
    if (!publication) {
      const version = latest;
      const body = { repository_version: version, ...spec.publish.body };
      const publish = spec.publish;
      const published = await task("publish", () => ctx.pulp.createPublication(publish.kind, body), {
        lookup: { resource: repoHref, name: "publish" },
        // A publish of this run that finished after the start-of-run read (crash recovery) is reused
        // if it published the version wanted now, the way wanted now.
        reuseCompleted: async (done) => {
          const href = createdHrefs(done).find((h) => PUBLICATION_HREF.test(h));
          if (!href) return false;
          const pub = await ctx.pulp.getPublication(publish.kind, href);
          return pub.repository_version === version && publicationMatches(pub, publish);
        },
      });
      publication = createdHrefs(published).find((h) => PUBLICATION_HREF.test(h));
      if (!publication) throw new Error(`publish task ${published.pulp_href} created no publication`);
      did(`published ${version}`);
    }
    item.step("distribute");
    const step = planDistribution(spec, ctx.index, publication);
    if (step?.action === "exists") {
      const version = snapshotVersionOf(step.distribution);
      if (version) result.version = version;
      result.distributionUrl = step.distribution.base_url ?? urlFor(ctx.content.root, step.distribution.base_path);
      log(`already distributed at ${step.distribution.base_path}`);
    } else if (step) {
      const basePath = step.action === "create" ? (step.body.base_path as string) : step.distribution.base_path;
      if (step.action === "create") {
        const name = String(step.body.name);
        // A create whose answer was lost: the distribution, found by its unique name, is the result.
        const find = async () => {
          const existing = await ctx.pulp.findDistribution(spec.kind, name);
          return existing?.publication === publication ? existing.pulp_href : undefined;
        };
        const distributed = await task("distribute", () => ctx.pulp.createDistribution(spec.kind, step.body), {
          find,
          reuseCompleted: async () => (await find()) !== undefined,
        });
        const href = createdHrefs(distributed)[0];
        // Pulp's CONTENT_ORIGIN may differ from the API URL: read it once from a real base_url.
        if (!ctx.content.root && href) {
          const created = await ctx.pulp.getDistribution(href);
          if (created.base_url?.endsWith(`${created.base_path}/`)) ctx.content.root = created.base_url.slice(0, -created.base_path.length - 1);
        }
      } else {
        await task("distribute", () => ctx.pulp.updateDistribution(step.href, step.patch), { repeatable: true });
      }
      result.version = spec.version;
      result.distributionUrl = urlFor(ctx.content.root, basePath);
      did(`distributed at ${basePath}`);
    }
  }
}

/** A repository's result before anything happened to it. */
export function emptyResult(shortName: string, repositoryName: string, kind: RepoKind): RepoResult {
  return { shortName, repositoryName, kind, changed: false, durationMs: 0, actions: [], tasks: [] };
}

/** Hrefs a finished task created (null entries skipped). */
function createdHrefs(task: TaskRecord): string[] {
  return (task.created_resources ?? []).filter((h): h is string => typeof h === "string");
}

function urlFor(root: string | undefined, basePath: string): string | undefined {
  return root ? `${root.endsWith("/") ? root : `${root}/`}${basePath}/` : undefined;
}
