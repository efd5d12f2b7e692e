import { API_ROOT, normalizeHref } from "../../store/ids";
import type { RepositoryVersion, Resource } from "../../store/state";
import type { ApiContext } from "../context";
import { HttpError, methodNotAllowed, notFound, viewError } from "../errors";
import { hrefFilter } from "../filters";
import { validate } from "../fields";
import { type FilterSet, rangeFilters } from "../listing";
import { type ApiRequest, type ApiResponse, accepted, ok, type Route } from "../request";
import { listResponse } from "../respond";
import { MODIFY, RECURSIVE_MANAGE } from "../schemas";
import { serializeVersion } from "../serialize";
import { closure } from "../container-content";
import { escapeRegExp } from "./crud";
import { commitVersion } from "./publish";
import { syncRepository } from "./sync";

const UUID = "[0-9a-f-]{36}";
const REPO = `${escapeRegExp(`${API_ROOT}repositories/`)}([a-z_]+/[a-z_-]+)/(${UUID})/`;

const repoOf = (req: ApiRequest): Resource => req.ctx.get(`${API_ROOT}repositories/${req.params["0"]}/${req.params["1"]}/`, "repositories");

/** Repository sub-resources: sync, modify, container add/remove, versions. */
export function repositoryRoutes(): Route[] {
  const action = (name: string) => new RegExp(`^${REPO}${name}/$`);
  return [
    {
      method: "POST",
      pattern: action("sync"),
      handler: (req) => {
        const repo = repoOf(req);
        if (repo.typePath === "container/container-push") throw notFound();
        return syncRepository(req, repo);
      },
    },
    {
      method: "POST",
      pattern: action("modify"),
      handler: (req) => {
        const repo = repoOf(req);
        if (repo.typePath.startsWith("container")) throw notFound();
        return modify(req, repo);
      },
    },
    { method: "POST", pattern: action("add"), handler: (req) => recursive(req, repoOf(req), "add") },
    { method: "POST", pattern: action("remove"), handler: (req) => recursive(req, repoOf(req), "remove") },
    { method: "GET", pattern: action("versions"), handler: (req) => listVersions(req, repoOf(req)) },
    { method: "GET", pattern: new RegExp(`^${REPO}versions/(\\d+)/$`), handler: (req) => ok(serializeVersion(req.ctx, versionOf(req))) },
    { method: "DELETE", pattern: new RegExp(`^${REPO}versions/(\\d+)/$`), handler: (req) => deleteVersion(req, versionOf(req)) },
  ];
}

function versionOf(req: ApiRequest): RepositoryVersion {
  const repo = repoOf(req);
  const v = req.ctx.state.versions.get(`${repo.href}versions/${req.params["2"]}/`);
  if (!v) throw notFound();
  return v;
}

function listVersions(req: ApiRequest, repo: Resource): ApiResponse {
  const ctx = req.ctx;
  const filters: FilterSet<RepositoryVersion> = {
    ...rangeFilters<RepositoryVersion>("number", (v) => v.number, true),
    ...rangeFilters<RepositoryVersion>("pulp_created", (v) => v.created, false),
    content: hrefFilter(ctx, "content", (v: RepositoryVersion, [c = ""]) => v.content.has(c)),
    content__in: hrefFilter(ctx, "content__in", (v: RepositoryVersion, hrefs) => hrefs.some((c) => v.content.has(c)), true),
    pulp_href__in: (v, val) => val.split(",").map(normalizeHref).includes(v.href),
  };
  return listResponse(req, ctx.versionsOf(repo.href), { filters, serialize: (v) => serializeVersion(ctx, v), ordering: "-number" });
}

function deleteVersion(req: ApiRequest, v: RepositoryVersion): ApiResponse {
  const ctx = req.ctx;
  if (ctx.versionsOf(v.repository).length <= 1) {
    throw viewError("Cannot delete repository version. Repositories must have at least one repository version.");
  }
  const task = ctx.tasks.dispatch(
    {
      name: "pulpcore.app.tasks.repository.delete_version",
      kind: "general",
      exclusive: [v.repository],
      run: () => {
        if (ctx.state.versions.has(v.href) && ctx.versionsOf(v.repository).length > 1) ctx.deleteVersion(v);
        return [];
      },
    },
    req.user.href,
  );
  return accepted(task.href);
}

/** Content hrefs must exist and belong to the repository's plugin. */
function contentList(ctx: ApiContext, field: string, hrefs: string[], repo: Resource, allowStar: boolean): string[] {
  if (allowStar && hrefs.includes("*")) {
    if (hrefs.length > 1) throw new HttpError(400, { [field]: ["'*' must be the only item in the list."] });
    return ["*"];
  }
  const plugin = `${repo.typePath.split("/")[0]}.`;
  const missing: string[] = [];
  const out: string[] = [];
  for (const raw of hrefs) {
    const h = normalizeHref(raw);
    const rec = ctx.state.content.get(h);
    if (!rec || !rec.unit.pulp_type.startsWith(plugin)) missing.push(raw);
    else out.push(h);
  }
  if (missing.length > 0) throw new HttpError(400, { [field]: [`Could not find the following content units: ${JSON.stringify(missing)}`] });
  return out;
}

async function modify(req: ApiRequest, repo: Resource): Promise<ApiResponse> {
  const ctx = req.ctx;
  const data = validate(MODIFY, await req.body(), { partial: false, resolve: ctx.resolve });
  const add = contentList(ctx, "add_content_units", (data["add_content_units"] as string[]) ?? [], repo, false);
  const remove = contentList(ctx, "remove_content_units", (data["remove_content_units"] as string[]) ?? [], repo, true);
  let base: RepositoryVersion | undefined;
  if (data["base_version"] !== undefined) {
    base = ctx.state.versions.get(normalizeHref(String(data["base_version"])));
    if (!base || base.repository !== repo.href) {
      throw new HttpError(400, { base_version: ["Invalid hyperlink - Object does not exist."] });
    }
  }
  const task = ctx.tasks.dispatch(
    {
      name: "pulpcore.app.tasks.repository.add_and_remove",
      kind: "modify",
      exclusive: [repo.href],
      run: async () => {
        const start = base ?? ctx.latestVersion(repo.href);
        const content = remove[0] === "*" ? new Set<string>() : new Set([...start.content].filter((c) => !remove.includes(c)));
        for (const a of add) content.add(a);
        return commitVersion(ctx, repo, content, base?.href ?? null);
      },
    },
    req.user.href,
  );
  return accepted(task.href);
}

/** Container add/remove (`RecursiveManage`): a tag brings its manifest(s) and their blobs. */
async function recursive(req: ApiRequest, repo: Resource, op: "add" | "remove"): Promise<ApiResponse> {
  const ctx = req.ctx;
  if (repo.typePath !== "container/container") throw methodNotAllowed("POST");
  const data = validate(RECURSIVE_MANAGE, await req.body(), { partial: false, resolve: ctx.resolve });
  const units = contentList(ctx, "content_units", (data["content_units"] as string[]) ?? [], repo, op === "remove");
  const task = ctx.tasks.dispatch(
    {
      name: op === "add" ? "pulp_container.app.tasks.recursive_add_content" : "pulp_container.app.tasks.recursive_remove_content",
      kind: "modify",
      exclusive: [repo.href],
      run: () => {
        const latest = ctx.latestVersion(repo.href);
        const added = closure(ctx, units.filter((u) => u !== "*"));
        const content =
          op === "add"
            ? withTagsReplaced(ctx, latest.content, added)
            : units[0] === "*"
              ? new Set<string>()
              : withoutUnreferenced(ctx, latest.content, added);
        return commitVersion(ctx, repo, content, null);
      },
    },
    req.user.href,
  );
  return accepted(task.href);
}

/** Recursive add: a tag replaces the repository's tag of the same name (pulp_container's `tags_to_replace`). */
function withTagsReplaced(ctx: ApiContext, content: Set<string>, added: Set<string>): Set<string> {
  const names = new Set([...added].map((h) => ctx.state.content.get(h)?.unit).filter((u) => u?.pulp_type === "container.tag").map((u) => (u as { name?: string }).name));
  const kept = [...content].filter((h) => {
    const u = ctx.state.content.get(h)?.unit as { pulp_type?: string; name?: string } | undefined;
    return !(u?.pulp_type === "container.tag" && names.has(u.name) && !added.has(h));
  });
  return new Set([...kept, ...added]);
}

/** Recursive remove: drop `removed`, but keep manifests/blobs still used by what remains. */
function withoutUnreferenced(ctx: ApiContext, content: Set<string>, removed: Set<string>): Set<string> {
  const direct = [...content].filter((h) => !removed.has(h));
  const roots = direct.filter((h) => {
    const t = ctx.state.content.get(h)?.unit.pulp_type;
    return t === "container.tag" || t === "container.manifest";
  });
  const kept = closure(ctx, roots);
  return new Set([...direct, ...[...removed].filter((h) => kept.has(h) && content.has(h))]);
}
