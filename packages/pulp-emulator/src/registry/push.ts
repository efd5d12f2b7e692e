/**
 * Push side of the registry: the first push to `<namespace>/<name>` creates the namespace, a push
 * repository and a public distribution (pulp_container `get_dr_push` / `create_dr`); uploaded
 * blobs and untagged manifests wait as the repository's pending content until a tagged manifest
 * makes a new version (a re-pointed tag replaces its namesake).
 */
import { ensureNamespace, namespaceName } from "../api/container-namespaces";
import { tagUnit } from "../api/container-content";
import type { ApiContext } from "../api/context";
import { validate } from "../api/fields";
import { CONTAINER_DISTRIBUTION, CONTAINER_PUSH_REPOSITORY } from "../api/schemas";
import type { Resource, User } from "../store/state";
import { unitAt } from "./content";
import { nameInvalid, nameUnknown } from "./errors";
import { distributionAt } from "./permissions";

export class PushState {
  /** Push repository href → content hrefs uploaded but not yet in a version. */
  private readonly pendingBlobs = new Map<string, Set<string>>();
  private readonly pendingManifests = new Map<string, Set<string>>();

  constructor(private readonly ctx: ApiContext) {}

  /** The push repository behind `path`; created with its distribution when `create`. */
  repositoryFor(path: string, user: User | null, create: boolean): Resource {
    const ctx = this.ctx;
    const dist = distributionAt(ctx, path);
    if (dist) {
      const repo = typeof dist.data["repository"] === "string" ? ctx.state.resources.get(dist.data["repository"]) : undefined;
      if (repo?.typePath === "container/container-push") return repo;
      if (repo || dist.data["repository_version"]) throw nameInvalid(path, "Repository is read-only.");
      if (!create) throw nameUnknown(path);
      const created = this.pushRepository(path);
      dist.data["repository"] = created.href;
      return created;
    }
    if (!create) throw nameUnknown(path);
    const repo = this.pushRepository(path);
    const ns = ensureNamespace(ctx, namespaceName(path), user ?? undefined);
    const guard = ctx.create("contentguards", "core/content_redirect", "core.content_redirect", { name: path, description: null });
    const data = validate(CONTAINER_DISTRIBUTION, { kind: "json", value: { name: path, base_path: path, repository: repo.href, content_guard: guard.href } }, { partial: false, resolve: ctx.resolve });
    const created = ctx.create("distributions", "container/container", "container.container-distribution", { ...data, namespace: ns.href });
    if (user) ctx.state.roles.push({ role: "container.containerdistribution_owner", object: created.href, users: new Set([user.username]), groups: new Set() });
    return repo;
  }

  private pushRepository(path: string): Resource {
    const existing = this.ctx.state.list("repositories").find((r) => r.data["name"] === path);
    if (existing) {
      if (existing.typePath !== "container/container-push") throw nameInvalid(path, "Repository is read-only.");
      return existing;
    }
    const data = validate(CONTAINER_PUSH_REPOSITORY, { kind: "json", value: { name: path } }, { partial: false, resolve: this.ctx.resolve });
    return this.ctx.createRepository("container/container-push", "container.container-push", data);
  }

  addPendingBlob(repo: Resource, href: string): void {
    this.pending(this.pendingBlobs, repo).add(href);
  }

  addPendingManifest(repo: Resource, href: string): void {
    this.pending(this.pendingManifests, repo).add(href);
  }

  /** Latest version content plus pending uploads: what a manifest may reference. */
  available(repo: Resource): Set<string> {
    return new Set([...this.ctx.latestVersion(repo.href).content, ...this.pending(this.pendingBlobs, repo), ...this.pending(this.pendingManifests, repo)]);
  }

  pendingBlobsOf(repo: Resource): Set<string> {
    return this.pending(this.pendingBlobs, repo);
  }

  pendingManifestsOf(repo: Resource): Set<string> {
    return this.pending(this.pendingManifests, repo);
  }

  /** New version: the tag (replacing a namesake) with its manifest and everything it references. */
  tag(repo: Resource, name: string, manifestHref: string): void {
    const ctx = this.ctx;
    const latest = ctx.latestVersion(repo.href);
    const content = new Set([...latest.content].filter((h) => {
      const u = unitAt(ctx, h);
      return !(u?.pulp_type === "container.tag" && u.name === name && u.tagged_manifest !== manifestHref);
    }));
    content.add(tagUnit(ctx, name, manifestHref));
    for (const h of this.references(manifestHref)) content.add(h);
    ctx.addVersion(repo, content, null);
    for (const h of content) {
      this.pendingBlobsOf(repo).delete(h);
      this.pendingManifestsOf(repo).delete(h);
    }
  }

  /** A manifest with its listed manifests, configs and layers. */
  references(manifestHref: string): Set<string> {
    const out = new Set<string>();
    const visit = (h: string) => {
      if (out.has(h)) return;
      out.add(h);
      const u = unitAt(this.ctx, h);
      for (const m of u?.listed_manifests ?? []) visit(m);
      for (const b of u?.blobs ?? []) out.add(b);
      if (u?.config_blob) out.add(u.config_blob);
    };
    visit(manifestHref);
    return out;
  }

  /** Remove units (and tags naming removed manifests) from the repository as a new version. */
  remove(repo: Resource, hrefs: Set<string>): void {
    const ctx = this.ctx;
    const content = new Set(
      [...ctx.latestVersion(repo.href).content].filter((h) => {
        if (hrefs.has(h)) return false;
        const u = unitAt(ctx, h);
        return !(u?.pulp_type === "container.tag" && u.tagged_manifest && hrefs.has(u.tagged_manifest));
      }),
    );
    ctx.addVersion(repo, content, null);
    for (const h of hrefs) {
      this.pendingBlobsOf(repo).delete(h);
      this.pendingManifestsOf(repo).delete(h);
    }
  }

  private pending(map: Map<string, Set<string>>, repo: Resource): Set<string> {
    let set = map.get(repo.href);
    if (!set) {
      set = new Set();
      map.set(repo.href, set);
    }
    return set;
  }
}
