import { MEDIA_TYPES } from "../../content/container-sync";
import { API_ROOT, normalizeHref } from "../../store/ids";
import type { RepositoryVersion, Resource } from "../../store/state";
import { closure, isTagNamed, tagUnit, unitOf } from "../container-content";
import { HttpError, nonFieldError, notFound } from "../errors";
import { type Schema, validate } from "../fields";
import { type ApiRequest, type ApiResponse, accepted, type Route } from "../request";

const TAG_RE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
/** Media types `copy_manifests` accepts: the ones syncs store, plus Docker schema 1. */
const COPY_MEDIA_TYPES: string[] = ["application/vnd.docker.distribution.manifest.v1+json", ...Object.values(MEDIA_TYPES)];
const TAG_IMAGE: Schema = { tag: { type: "string", required: true }, digest: { type: "string", required: true } };
const UNTAG_IMAGE: Schema = { tag: { type: "string", required: true } };
const COPY_SOURCE: Schema = {
  source_repository: { type: "href", refs: ["repositories/container/container", "repositories/container/container-push"] },
  source_repository_version: { type: "href", refs: ["versions/container/container", "versions/container/container-push"] },
};
const TAG_COPY: Schema = { ...COPY_SOURCE, names: { type: "stringArray" } };
const MANIFEST_COPY: Schema = { ...COPY_SOURCE, digests: { type: "stringArray" }, media_types: { type: "stringArray" } };

const REPO = new RegExp(`^${API_ROOT}repositories/container/(container|container-push)/([0-9a-f-]{36})/`);

const describe = (repo: Resource, v: RepositoryVersion) => `<Repository: ${String(repo.data["name"])}; Version: ${v.number}>`;

/** pulp_container's tag/untag (both repo kinds) and copy_tags/copy_manifests (container repos). */
export function containerRoutes(): Route[] {
  const action = (name: string) => new RegExp(`${REPO.source}${name}/$`);
  const repoOf = (req: ApiRequest) => req.ctx.get(`${API_ROOT}repositories/container/${req.params["0"]}/${req.params["1"]}/`, "repositories");
  return [
    { method: "POST", pattern: action("tag"), handler: (req) => tag(req, repoOf(req)) },
    { method: "POST", pattern: action("untag"), handler: (req) => untag(req, repoOf(req)) },
    { method: "POST", pattern: action("copy_tags"), handler: (req) => copy(req, repoOf(req), "tags") },
    { method: "POST", pattern: action("copy_manifests"), handler: (req) => copy(req, repoOf(req), "manifests") },
  ];
}

function checkTagName(tag: string): void {
  if (!TAG_RE.test(tag)) throw new HttpError(400, { tag: [`The provided tag is not valid. It must match the regex ${TAG_RE.source}.`] });
}

async function tag(req: ApiRequest, repo: Resource): Promise<ApiResponse> {
  const ctx = req.ctx;
  const data = validate(TAG_IMAGE, await req.body(), { partial: false, resolve: ctx.resolve });
  const name = String(data["tag"]);
  const digest = String(data["digest"]);
  checkTagName(name);
  const latest = ctx.latestVersion(repo.href);
  const manifest = [...latest.content].find((h) => {
    const u = unitOf(ctx, h);
    return u?.pulp_type === "container.manifest" && u.digest === digest;
  });
  if (!manifest) {
    throw nonFieldError(`A manifest with the digest '${digest}' does not exist in the latest repository version '${describe(repo, latest)}'`);
  }
  const task = ctx.tasks.dispatch(
    {
      name: "pulp_container.app.tasks.tag_image",
      kind: "modify",
      exclusive: [repo.href],
      run: () => {
        const current = ctx.latestVersion(repo.href);
        const content = new Set([...current.content].filter((h) => !isTagNamed(ctx, h, name)));
        content.add(tagUnit(ctx, name, manifest));
        const v = ctx.addVersion(repo, content, null);
        return v ? [v.href] : [];
      },
    },
    req.user.href,
  );
  return accepted(task.href);
}

async function untag(req: ApiRequest, repo: Resource): Promise<ApiResponse> {
  const ctx = req.ctx;
  const data = validate(UNTAG_IMAGE, await req.body(), { partial: false, resolve: ctx.resolve });
  const name = String(data["tag"]);
  checkTagName(name);
  const latest = ctx.latestVersion(repo.href);
  if (![...latest.content].some((h) => isTagNamed(ctx, h, name))) {
    throw nonFieldError(`The tag '${name}' does not exist in the latest repository version '${describe(repo, latest)}'`);
  }
  const task = ctx.tasks.dispatch(
    {
      name: "pulp_container.app.tasks.untag_image",
      kind: "modify",
      exclusive: [repo.href],
      run: () => {
        const content = new Set([...ctx.latestVersion(repo.href).content].filter((h) => !isTagNamed(ctx, h, name)));
        const v = ctx.addVersion(repo, content, null);
        return v ? [v.href] : [];
      },
    },
    req.user.href,
  );
  return accepted(task.href);
}

async function copy(req: ApiRequest, repo: Resource, what: "tags" | "manifests"): Promise<ApiResponse> {
  const ctx = req.ctx;
  if (repo.typePath !== "container/container") throw notFound();
  const data = validate(what === "tags" ? TAG_COPY : MANIFEST_COPY, await req.body(), { partial: false, resolve: ctx.resolve });
  const hasRepo = data["source_repository"] !== undefined;
  const hasVersion = data["source_repository_version"] !== undefined;
  if (hasRepo && hasVersion) throw nonFieldError("Either the 'repository' or 'repository_version' need to be specified but not both.");
  if (!hasRepo && !hasVersion) throw nonFieldError("Either the 'repository' or 'repository_version' needs to be specified");
  const badType = ((data["media_types"] as string[] | undefined) ?? []).find((m) => !COPY_MEDIA_TYPES.includes(m));
  if (badType) throw new HttpError(400, { media_types: { 0: [`"${badType}" is not a valid choice.`] } });
  const source = hasVersion
    ? ctx.state.versions.get(normalizeHref(String(data["source_repository_version"])))
    : ctx.latestVersion(normalizeHref(String(data["source_repository"])));
  if (!source) throw notFound();
  const names = data["names"] as string[] | undefined;
  const digests = data["digests"] as string[] | undefined;
  const mediaTypes = data["media_types"] as string[] | undefined;
  const task = ctx.tasks.dispatch(
    {
      name: "pulp_container.app.tasks.recursive_add_content",
      kind: "modify",
      exclusive: [repo.href],
      shared: [source.repository],
      run: () => {
        // Names/digests not present in the source are silently ignored, as in pulp_container.
        const picked = [...source.content].filter((h) => {
          const u = unitOf(ctx, h);
          if (what === "tags") return u?.pulp_type === "container.tag" && (!names || names.includes(String(u.name)));
          return (
            u?.pulp_type === "container.manifest" &&
            (!digests || digests.includes(String(u.digest))) &&
            (!mediaTypes || mediaTypes.includes(String(u.media_type)))
          );
        });
        const current = ctx.latestVersion(repo.href);
        const copiedTagNames = new Set(picked.map((h) => unitOf(ctx, h)?.name).filter(Boolean));
        const content = new Set([...current.content].filter((h) => !(what === "tags" && copiedTagNames.has(unitOf(ctx, h)?.name))));
        for (const h of closure(ctx, picked)) content.add(h);
        const v = ctx.addVersion(repo, content, null);
        return v ? [v.href] : [];
      },
    },
    req.user.href,
  );
  return accepted(task.href);
}
