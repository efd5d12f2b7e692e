import { syncContainer } from "../../content/container-sync";
import type { SyncResult } from "../../content/types";
import type { Resource } from "../../store/state";
import type { ApiContext } from "../context";
import { HttpError, nonFieldError, notFound, viewError } from "../errors";
import { type Schema, validate } from "../fields";
import { type ApiRequest, type ApiResponse, accepted } from "../request";
import { CONTAINER_SYNC, DEB_SYNC, FILE_SYNC, RPM_SYNC } from "../schemas";
import { isTagNamed, storeSyncedContainer } from "../container-content";
import { fetchFileManifest } from "./file-sync";
import type { TaskContext } from "../tasks";
import { commitVersion, publishVersion } from "./publish";

const SCHEMAS: Record<string, Schema> = {
  "rpm/rpm": RPM_SYNC,
  "deb/apt": DEB_SYNC,
  "container/container": CONTAINER_SYNC,
  "file/file": FILE_SYNC,
};

const TASK_NAMES: Record<string, string> = {
  "rpm/rpm": "pulp_rpm.app.tasks.synchronizing.synchronize",
  "deb/apt": "pulp_deb.app.tasks.synchronizing.synchronize",
  "container/container": "pulp_container.app.tasks.synchronize.synchronize",
  "file/file": "pulp_file.app.tasks.synchronizing.synchronize",
};

/** POST <repo>sync/ with Pulp's validation order: fields, remote, then the rpm sync-policy rules. */
export async function syncRepository(req: ApiRequest, repo: Resource): Promise<ApiResponse> {
  const ctx = req.ctx;
  const schema = SCHEMAS[repo.typePath];
  if (!schema) throw notFound();
  const body = await req.body();
  const data = validate(schema, body, { partial: false, resolve: ctx.resolve });
  const remoteHref = (data["remote"] as string | undefined) ?? (repo.data["remote"] as string | null) ?? null;
  if (!remoteHref) throw new HttpError(400, { remote: ["This field is required since a remote is not set on the repository."] });
  const remote = ctx.get(remoteHref, "remotes");
  // Each repository type syncs from the remote type of the same path (rpm/rpm ↔ rpm/rpm, …).
  if (remote.typePath !== repo.typePath) {
    throw new HttpError(400, { remote: [`Type for Remote '${remote.href}' does not match Repository '${repo.href}'.`] });
  }
  let policy = "additive";
  if (repo.typePath === "rpm/rpm") {
    const mirror = data["mirror"];
    const syncPolicy = data["sync_policy"];
    if (mirror !== undefined && mirror !== null && syncPolicy !== undefined && syncPolicy !== null) {
      throw nonFieldError(
        "Cannot use 'mirror' and 'sync_policy' options simultaneously. The 'mirror' option is deprecated, please use 'sync_policy' only.",
      );
    }
    policy = (syncPolicy as string | null | undefined) ?? (mirror ? "mirror_complete" : "additive");
    const mirroring = policy === "mirror_complete" || policy === "mirror_content_only";
    if (mirroring && Number(repo.data["retain_package_versions"] ?? 0) > 0) {
      throw viewError("Cannot use 'retain_package_versions' in combination with a 'mirror_complete' or 'mirror_content_only' sync policy.");
    }
    if (policy === "mirror_complete" && repo.data["autopublish"] === true) {
      throw viewError("Cannot use 'autopublish' in combination with a 'mirror_complete' sync policy.");
    }
    if (policy === "mirror_complete" && ((data["skip_types"] as string[] | undefined) ?? []).length > 0) {
      throw viewError("Cannot use 'skip_types' in combination with a 'mirror_complete' sync policy.");
    }
  } else if (data["mirror"] === true) {
    policy = "mirror";
  }
  const optimize = data["optimize"] !== false;
  const task = ctx.tasks.dispatch(
    {
      name: TASK_NAMES[repo.typePath] ?? "synchronize",
      kind: "sync",
      // pulp_deb reserves the remote exclusively (rec:deb_sync-0), rpm/container share it.
      exclusive: repo.typePath === "deb/apt" ? [repo.href, remote.href] : [repo.href],
      shared: repo.typePath === "deb/apt" ? [] : [remote.href],
      run: (tctx) => runSync(ctx, tctx, repo, remote, policy, optimize),
    },
    req.user.href,
  );
  return accepted(task.href);
}

async function runSync(ctx: ApiContext, tctx: TaskContext, repo: Resource, remote: Resource, policy: string, optimize: boolean): Promise<string[]> {
  if (!ctx.state.resources.has(remote.href)) throw new Error("The remote was deleted before the sync started.");
  if (repo.typePath === "container/container" || repo.typePath === "file/file") {
    let fresh: string[];
    let replacedTags: string[] = [];
    if (repo.typePath === "file/file") {
      fresh = await fetchFileManifest(ctx, remote, tctx);
    } else {
      const stored = await containerContent(ctx, remote, tctx);
      fresh = stored.all;
      // A tag name is unique in a version (Tag.repo_key_fields): a re-pointed tag replaces the old one.
      replacedTags = stored.tagNames;
    }
    if (tctx.signal.aborted) return [];
    const latest = ctx.latestVersion(repo.href);
    const kept = [...latest.content].filter((h) => !replacedTags.some((name) => isTagNamed(ctx, h, name)));
    const content = policy === "mirror" ? new Set(fresh) : new Set([...kept, ...fresh]);
    tctx.progress({ message: "Associating Content", code: "associating.content", state: "completed", total: null, done: fresh.length });
    if (tctx.signal.aborted) return [];
    return commitVersion(ctx, repo, content);
  }
  const engine = ctx.requireEngine();
  const sync = repo.typePath === "rpm/rpm" ? engine.syncRpm : engine.syncDeb;
  const result: SyncResult = await sync(ctx.remoteConfig(remote), {
    artifacts: ctx.artifacts,
    download: (remote.data["policy"] ?? "immediate") === "immediate",
    signal: tctx.signal,
    onProgress: (p) => tctx.progress({ message: p.message, code: p.code, done: p.done, total: p.total ?? null }),
  });
  if (tctx.signal.aborted) return [];
  // Every downloaded file becomes an Artifact row, as pulpcore's ArtifactSaver does.
  for (const u of result.units) if ("downloaded" in u && u.downloaded && u.sha256 && ctx.artifacts.has(u.sha256)) await ctx.recordStoredArtifact(u.sha256);
  const extra = ctx.state.repos.get(repo.href);
  if (!extra || !ctx.state.resources.has(repo.href)) throw new Error("The repository was deleted during the sync.");
  const last = extra.lastSync;
  // Pulp's optimisation: nothing changed upstream nor in the remote or policy since the last sync.
  if (optimize && last && last.remote === remote.href && last.remoteUpdated === remote.lastUpdated && last.policy === policy && last.revision === result.metadata.revision) {
    tctx.progress({ message: "Skipping Sync (no change from previous sync)", code: "sync.was_skipped", state: "completed", total: 1, done: 1 });
    return [];
  }
  if (policy === "mirror_complete" && result.mirrorIncompatible) throw new Error(result.mirrorIncompatible);
  const fresh = new Set(result.units.map((u) => ctx.storeUnit(u, remote.href)));
  const latest = ctx.latestVersion(repo.href);
  const content = policy === "additive" ? new Set([...latest.content, ...fresh]) : fresh;
  tctx.progress({ message: "Associating Content", code: "associating.content", state: "completed", total: null, done: fresh.size });
  const created: string[] = [];
  const version = ctx.addVersion(repo, content, null);
  const target = version ?? ctx.latestVersion(repo.href);
  target.upstream = result.metadata;
  if (version) created.push(version.href);
  extra.lastSync = { remote: remote.href, revision: result.metadata.revision, policy, remoteUpdated: remote.lastUpdated };
  if (policy === "mirror_complete") {
    const published = ctx.state.list("publications").some((p) => p.data["repository_version"] === target.href);
    // pulp_rpm #2311: `repo_version = dv.create() or repo.latest_version()` then always publish.
    if (version || !published || ctx.knobs.duplicatePublicationBug) {
      created.push((await publishVersion(ctx, "rpm/rpm", target, {}, result.metadata)).href);
    }
  } else if (version && repo.data["autopublish"] === true) {
    created.push((await publishVersion(ctx, repo.typePath, version, repo.data)).href);
  }
  return created;
}

/** Real sync from the remote's registry (see `content/container-sync.ts`), stored as units. */
async function containerContent(ctx: ApiContext, remote: Resource, tctx: TaskContext): Promise<{ all: string[]; tagNames: string[] }> {
  const d = remote.data;
  const result = await syncContainer(
    {
      ...ctx.remoteConfig(remote),
      upstream_name: String(d["upstream_name"]),
      include_tags: d["include_tags"] as string[] | null,
      exclude_tags: d["exclude_tags"] as string[] | null,
    },
    {
      artifacts: ctx.artifacts,
      download: (d["policy"] ?? "immediate") === "immediate",
      signal: tctx.signal,
      onProgress: (p) => tctx.progress({ message: p.message, code: p.code, state: "completed", done: p.done, total: p.total ?? null }),
    },
  );
  const stored = storeSyncedContainer(ctx, result, remote.href);
  return { all: stored.all, tagNames: result.tags.map((t) => t.name) };
}
