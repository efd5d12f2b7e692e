import { createHash } from "node:crypto";
import type { ArtifactStore, ContentUnit, RemoteConfig } from "../content/types";
import type { Knobs } from "../knobs";
import { API_ROOT, nextSeq, normalizeHref, nowIso, uuid } from "../store/ids";
import type { Collection, ContainerUnit, FileUnit, Resource, RepositoryVersion, State } from "../store/state";
import type { ContentEngine } from "./engine";
import { HttpError, notFound } from "./errors";
import type { TaskManager } from "./tasks";

/** Path segment of each content type's list endpoint. */
export const CONTENT_PATHS: Record<string, string> = {
  "rpm.package": "rpm/packages",
  "deb.package": "deb/packages",
  "deb.package_release_component": "deb/package_release_components",
  "container.tag": "container/tags",
  "container.manifest": "container/manifests",
  "container.blob": "container/blobs",
  "file.file": "file/files",
};

/** Checksums Pulp stores per artifact besides sha256 (ALLOWED_CONTENT_CHECKSUMS default; md5/sha1 off). */
const EXTRA_CHECKSUMS = ["sha224", "sha384", "sha512"];

/** Everything request handlers and tasks share. */
export class ApiContext {
  constructor(
    readonly state: State,
    readonly tasks: TaskManager,
    readonly knobs: Knobs,
    readonly artifacts: ArtifactStore,
    readonly engine: ContentEngine | undefined,
    /** e.g. `http://127.0.0.1:1234` — base of `base_url`. */
    readonly contentOrigin: () => string,
  ) {}

  // ---- lookup ----

  /** Kind of the object an href names, for hyperlink validation (see `fields.ts`). */
  resolve = (href: string): string | undefined => {
    const h = normalizeHref(href);
    const r = this.state.resources.get(h);
    if (r) return `${r.collection}/${r.typePath}`;
    const v = this.state.versions.get(h);
    if (v) return `versions/${this.state.resources.get(v.repository)?.typePath ?? ""}`;
    const c = this.state.content.get(h);
    if (c) return `content/${c.unit.pulp_type}`;
    if (this.tasks.tasks.has(h)) return "tasks";
    if (this.state.users.has(h)) return "users";
    if (this.state.groups.has(h)) return "groups";
    if (this.state.artifactRecords.has(h)) return "artifacts";
    if (this.state.namespaces.has(h)) return "pulp_container/namespaces";
    return undefined;
  };

  get(href: string, collection?: Collection, typePath?: string): Resource {
    const r = this.state.resources.get(normalizeHref(href));
    if (!r || (collection && r.collection !== collection) || (typePath && r.typePath !== typePath)) throw notFound();
    return r;
  }

  create(collection: Collection, typePath: string, pulpType: string, data: Record<string, unknown>): Resource {
    const id = uuid();
    const now = nowIso();
    const r: Resource = {
      href: `${API_ROOT}${collection}/${typePath}/${id}/`,
      id,
      collection,
      typePath,
      pulpType,
      created: now,
      lastUpdated: now,
      seq: nextSeq(),
      data,
    };
    this.state.resources.set(r.href, r);
    return r;
  }

  /** Raise Pulp's unique-field 400 if another object of the collection has the same value. */
  assertUnique(collection: Collection, field: string, value: unknown, except?: string, typePath?: string): void {
    const clash = this.state
      .list(collection, typePath)
      .some((r) => r.href !== except && r.data[field] === value);
    if (clash) throw new HttpError(400, { [field]: ["This field must be unique."] });
  }

  remoteConfig(remote: Resource): RemoteConfig {
    const d = remote.data;
    return {
      url: String(d["url"]),
      policy: d["policy"] as RemoteConfig["policy"],
      tls_validation: d["tls_validation"] as boolean,
      ca_cert: d["ca_cert"] as string | null,
      client_cert: d["client_cert"] as string | null,
      client_key: d["client_key"] as string | null,
      username: d["username"] as string | null,
      password: d["password"] as string | null,
      proxy_url: d["proxy_url"] as string | null,
      proxy_username: d["proxy_username"] as string | null,
      proxy_password: d["proxy_password"] as string | null,
      headers: d["headers"] as Record<string, string>[] | null,
      download_concurrency: d["download_concurrency"] as number | null,
      distributions: (d["distributions"] as string | undefined) ?? null,
      components: (d["components"] as string | undefined) ?? null,
      architectures: (d["architectures"] as string | undefined) ?? null,
    };
  }

  requireEngine() {
    if (!this.engine) throw new Error("The emulator was started without a content engine.");
    return this.engine;
  }

  // ---- repositories and versions ----

  createRepository(typePath: string, pulpType: string, data: Record<string, unknown>): Resource {
    const repo = this.create("repositories", typePath, pulpType, data);
    this.state.repos.set(repo.href, { versions: [], nextNumber: 0 });
    this.addVersion(repo, new Set(), null, true);
    return repo;
  }

  versionsOf(repoHref: string): RepositoryVersion[] {
    return this.state.repos.get(repoHref)?.versions ?? [];
  }

  latestVersion(repoHref: string): RepositoryVersion {
    const versions = this.versionsOf(repoHref);
    const v = versions[versions.length - 1];
    if (!v) throw new Error(`repository ${repoHref} has no versions`);
    return v;
  }

  /**
   * Create the next version with `content` unless it equals the latest (Pulp discards empty
   * versions). Applies `retain_repo_versions`. Returns the new version or null.
   */
  addVersion(repo: Resource, content: Set<string>, baseVersion: string | null, force = false): RepositoryVersion | null {
    const extra = this.state.repos.get(repo.href);
    if (!extra) throw notFound();
    const latest = extra.versions[extra.versions.length - 1];
    const prev = latest?.content ?? new Set<string>();
    const added = new Set([...content].filter((c) => !prev.has(c)));
    const removed = new Set([...prev].filter((c) => !content.has(c)));
    if (!force && added.size === 0 && removed.size === 0) return null;
    const number = extra.nextNumber++;
    const v: RepositoryVersion = {
      href: `${repo.href}versions/${number}/`,
      number,
      repository: repo.href,
      created: nowIso(),
      seq: nextSeq(),
      content: new Set(content),
      baseVersion,
      added,
      removed,
    };
    extra.versions.push(v);
    this.state.versions.set(v.href, v);
    this.applyRetention(repo);
    return v;
  }

  /** `retain_repo_versions=N`: delete all but the newest N versions with their publications. */
  applyRetention(repo: Resource): void {
    const keep = repo.data["retain_repo_versions"];
    const extra = this.state.repos.get(repo.href);
    if (typeof keep !== "number" || !extra) return;
    while (extra.versions.length > keep) {
      const old = extra.versions[0];
      if (!old) break;
      this.deleteVersion(old);
    }
  }

  deleteVersion(v: RepositoryVersion): void {
    const extra = this.state.repos.get(v.repository);
    if (extra) extra.versions = extra.versions.filter((x) => x !== v);
    this.state.versions.delete(v.href);
    for (const p of this.state.list("publications")) if (p.data["repository_version"] === v.href) this.deletePublication(p);
    for (const d of this.state.list("distributions")) if (d.data["repository_version"] === v.href) d.data["repository_version"] = null;
  }

  deletePublication(p: Resource): void {
    this.state.resources.delete(p.href);
    this.state.publications.delete(p.href);
    for (const d of this.state.list("distributions")) if (d.data["publication"] === p.href) d.data["publication"] = null;
  }

  deleteRepository(repo: Resource): void {
    for (const v of [...this.versionsOf(repo.href)]) this.deleteVersion(v);
    this.state.repos.delete(repo.href);
    this.state.resources.delete(repo.href);
    for (const d of this.state.list("distributions")) if (d.data["repository"] === repo.href) d.data["repository"] = null;
  }

  deleteRemote(remote: Resource): void {
    this.state.resources.delete(remote.href);
    for (const r of this.state.list("repositories")) if (r.data["remote"] === remote.href) r.data["remote"] = null;
    for (const p of this.state.publications.values()) if (p.remote === remote.href) p.remote = null;
  }

  deleteGuard(guard: Resource): void {
    this.state.resources.delete(guard.href);
    for (const d of this.state.list("distributions")) if (d.data["content_guard"] === guard.href) d.data["content_guard"] = null;
    this.state.roles.splice(0, this.state.roles.length, ...this.state.roles.filter((r) => r.object !== guard.href));
  }

  // ---- content ----

  contentHref(pulpType: string): (id: string) => string {
    const path = CONTENT_PATHS[pulpType] ?? pulpType.replace(".", "/");
    return (id) => `${API_ROOT}content/${path}/${id}/`;
  }

  storeUnit(unit: ContentUnit | ContainerUnit | FileUnit, remote: string | null): string {
    return this.state.addContent(unit, remote, this.contentHref(unit.pulp_type), uuid());
  }

  unitsOf(version: RepositoryVersion): ContentUnit[] {
    const out: ContentUnit[] = [];
    for (const href of version.content) {
      const rec = this.state.content.get(href);
      if (rec && (rec.unit.pulp_type.startsWith("rpm.") || rec.unit.pulp_type.startsWith("deb."))) out.push(rec.unit as ContentUnit);
    }
    return out;
  }

  contentSummary(v: RepositoryVersion): Record<string, unknown> {
    const group = (set: Set<string>, param: string) => {
      const counts: Record<string, { count: number; href: string }> = {};
      for (const href of set) {
        const rec = this.state.content.get(href);
        if (!rec) continue;
        const t = rec.unit.pulp_type;
        const path = CONTENT_PATHS[t] ?? t;
        const entry = counts[t] ?? { count: 0, href: `${API_ROOT}content/${path}/?${param}=${v.href}` };
        entry.count++;
        counts[t] = entry;
      }
      return counts;
    };
    return {
      added: group(v.added, "repository_version_added"),
      removed: group(v.removed, "repository_version_removed"),
      present: group(v.content, "repository_version"),
    };
  }

  fileUnitsOf(version: RepositoryVersion): FileUnit[] {
    const out: FileUnit[] = [];
    for (const href of version.content) {
      const u = this.state.content.get(href)?.unit;
      if (u?.pulp_type === "file.file") out.push(u as FileUnit);
    }
    return out;
  }

  /** Register an artifact for the `/artifacts/` API (idempotent per sha256). */
  recordArtifact(sha256: string, size: number, data?: Buffer): string {
    const checksums: Record<string, string> = {};
    if (data) for (const algo of EXTRA_CHECKSUMS) checksums[algo] = createHash(algo).update(data).digest("hex");
    return this.addArtifactRecord(sha256, size, checksums);
  }

  /**
   * Register a file already in the ArtifactStore (synced or fetched on demand) as Pulp does when it
   * saves a download: one Artifact row per sha256 with all its checksums. Idempotent.
   */
  async recordStoredArtifact(sha256: string): Promise<string> {
    const existing = this.state.artifactBySha256(sha256);
    if (existing) return existing.href;
    const hashes = EXTRA_CHECKSUMS.map((algo) => [algo, createHash(algo)] as const);
    for await (const chunk of this.artifacts.open(sha256)) for (const [, h] of hashes) h.update(chunk as Buffer);
    const checksums = Object.fromEntries(hashes.map(([algo, h]) => [algo, h.digest("hex")]));
    return this.addArtifactRecord(sha256, this.artifacts.size(sha256), checksums);
  }

  private addArtifactRecord(sha256: string, size: number, checksums: Record<string, string>): string {
    const existing = this.state.artifactBySha256(sha256);
    if (existing) return existing.href;
    const id = uuid();
    const href = `${API_ROOT}artifacts/${id}/`;
    this.state.artifactRecords.set(href, { href, id, created: nowIso(), sha256, size, checksums: { sha256, ...checksums } });
    return href;
  }

  baseUrl(basePath: string): string {
    return `${this.contentOrigin()}/pulp/content/${basePath}/`;
  }
}
