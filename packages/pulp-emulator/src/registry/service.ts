/**
 * Pulp's container registry (`/v2/`) and token server (`/token/`), after pulp_container's
 * `registry_api.py`: OCI distribution spec endpoints over the emulator's container content, push
 * creating namespaces/push repositories/public distributions, and Bearer token auth whose JWT
 * `access` is what RBAC allows (see `permissions.ts`, `auth.ts`).
 */
import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { MEDIA_TYPES } from "../content/container-sync";
import type { ApiContext } from "../api/context";
import { AUTH_FAILURE_DETAIL, basicAuth } from "../content-app/auth";
import type { ContainerUnit, Resource, User } from "../store/state";
import { type AuthSettings, authenticate, scopesFor } from "./auth";
import { ensureArtifact, findUnit, hexOf, IMAGE_TYPES, LIST_TYPES, servedAt, unitAt } from "./content";
import {
  blobInvalid,
  blobUnknown,
  digestInvalid,
  invalidRequest,
  manifestInvalid,
  manifestUnknown,
  nameInvalid,
  RegistryError,
  unsupported,
  uploadUnknown,
} from "./errors";
import { canPull, canPush, canViewCatalog } from "./permissions";
import { PushState } from "./push";
import { type Access, TOKEN_EXPIRATION_SECONDS, TokenSigner } from "./token";
import { type Upload, UploadSessions } from "./uploads";

export interface RegistryOptions {
  /** Pulp's default; false = `TOKEN_AUTH_DISABLED` (Basic auth, reads open, writes staff only). */
  tokenAuth?: boolean;
  /** Where upload sessions keep their chunks. */
  uploadsDir: string;
}

interface Reply {
  status: number;
  headers?: Record<string, string | number>;
  body?: Buffer | string | Readable | object;
}

/** distribution's reference grammar for repository names. */
const NAME = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const MAX_MANIFEST = 4 * 1024 * 1024;
const PAGE_SIZE = 100;
const MANIFEST_TYPES = new Set([...IMAGE_TYPES, ...LIST_TYPES]);

type Route =
  | { kind: "root" | "catalog" }
  | { kind: "tags"; name: string }
  | { kind: "manifest"; name: string; reference: string }
  | { kind: "uploads"; name: string }
  | { kind: "upload"; name: string; uuid: string }
  | { kind: "blob"; name: string; digest: string };

function match(path: string): Route | undefined {
  if (path === "/v2/" || path === "/v2") return { kind: "root" };
  if (path === "/v2/_catalog") return { kind: "catalog" };
  let m = /^\/v2\/(.+)\/tags\/list$/.exec(path);
  if (m) return { kind: "tags", name: m[1]! };
  m = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(path);
  if (m) return { kind: "manifest", name: m[1]!, reference: decodeURIComponent(m[2]!) };
  m = /^\/v2\/(.+)\/blobs\/uploads\/?$/.exec(path);
  if (m) return { kind: "uploads", name: m[1]! };
  m = /^\/v2\/(.+)\/blobs\/uploads\/([^/]+)$/.exec(path);
  if (m) return { kind: "upload", name: m[1]!, uuid: m[2]! };
  m = /^\/v2\/(.+)\/blobs\/([^/]+)$/.exec(path);
  if (m) return { kind: "blob", name: m[1]!, digest: decodeURIComponent(m[2]!) };
  return undefined;
}

export class RegistryService {
  readonly signer = new TokenSigner();
  private readonly push: PushState;
  private readonly uploads: UploadSessions;
  private readonly tokenAuth: boolean;

  constructor(
    private readonly ctx: ApiContext,
    options: RegistryOptions,
  ) {
    this.push = new PushState(ctx);
    this.uploads = new UploadSessions(options.uploadsDir);
    this.tokenAuth = options.tokenAuth ?? true;
  }

  /** `TOKEN_SERVER`: the token endpoint on this server's origin. */
  tokenServer(): string {
    return `${this.ctx.contentOrigin()}/token/`;
  }

  private authSettings(): AuthSettings {
    return { tokenAuth: this.tokenAuth, signer: this.signer, tokenServer: this.tokenServer() };
  }

  /** Answer one `/v2/…` or `/token/` request; resolves to the status sent. */
  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<number> {
    let reply: Reply;
    try {
      reply = url.pathname === "/token/" || url.pathname === "/token" ? await this.token(req, url) : await this.registry(req, url);
    } catch (err) {
      if (err instanceof RegistryError) reply = { status: err.status, headers: { ...err.headers }, body: err.body() };
      else {
        console.error("pulp-emulator registry: unexpected error", err);
        reply = { status: 500, body: new RegistryError(500, "UNKNOWN", "Internal server error.").body() };
      }
      // Unread request bodies would stall keep-alive clients.
      req.resume();
    }
    await send(req, res, reply);
    return reply.status;
  }

  // ---- token server ----

  private async token(req: IncomingMessage, url: URL): Promise<Reply> {
    if (req.method !== "GET" && req.method !== "HEAD") return { status: 405, body: { detail: `Method "${req.method}" not allowed.` } };
    let user: User | null = null;
    const header = req.headers.authorization;
    if (header && header !== "Basic Og==" && /^Basic\s/i.test(header)) {
      const auth = basicAuth(this.ctx.state, req.headers);
      if ("error" in auth) return { status: 401, headers: { "WWW-Authenticate": 'Basic realm="api"' }, body: { detail: AUTH_FAILURE_DETAIL[auth.error] } };
      user = auth.user;
    }
    const service = url.searchParams.get("service");
    if (!service) return { status: 400, body: { detail: "No service name provided." } };
    const scopes = url.searchParams.getAll("scope");
    const access = this.determineAccess(user, scopes);
    const { token, issuedAt } = await this.signer.issue({ access, aud: service, iss: this.tokenServer(), sub: user?.username ?? "" });
    return {
      status: 200,
      body: { expires_in: TOKEN_EXPIRATION_SECONDS, issued_at: issuedAt.toISOString().replace("Z", "000Z"), token, access_token: token },
    };
  }

  /** `AuthorizationService.determine_access`: requested ∩ permitted; `push` implies `pull`. */
  private determineAccess(user: User | null, scopes: string[]): Access[] {
    if (scopes.length === 0 || scopes.some((s) => s.split(":").length !== 3)) return [];
    return scopes.map((scope) => {
      const [type = "", name = "", actionList = ""] = scope.split(":");
      const wanted = new Set(actionList.split(","));
      const permitted = new Set<string>();
      if (wanted.delete("push") && canPush(this.ctx, user, name)) {
        permitted.add("push");
        permitted.add("pull");
        wanted.delete("pull");
      }
      for (const action of wanted) {
        if (action === "pull" && canPull(this.ctx, user, name)) permitted.add("pull");
        if (action === "*" && name === "catalog" && canViewCatalog(user)) permitted.add("*");
      }
      return { type, name, actions: [...permitted] };
    });
  }

  // ---- registry API ----

  private async registry(req: IncomingMessage, url: URL): Promise<Reply> {
    const route = match(url.pathname);
    if (!route) throw new RegistryError(404, "NAME_UNKNOWN", "Repository not found.", { name: url.pathname.replace(/^\/v2\//, "") });
    const method = req.method ?? "GET";
    const name = "name" in route ? route.name : undefined;
    if (name !== undefined && !NAME.test(name)) throw nameInvalid(name);
    const user = await authenticate(this.ctx.state, this.authSettings(), req, scopesFor(method, name, url));
    const safe = method === "GET" || method === "HEAD";
    switch (route.kind) {
      case "root":
        if (!safe) throw unsupported();
        return { status: 200, body: {} };
      case "catalog":
        if (!safe) throw unsupported();
        return this.catalog(req, url, user);
      case "tags":
        if (!safe) throw unsupported();
        return this.tags(req, url, route.name);
      case "manifest":
        if (safe) return this.getManifest(req, route.name, route.reference);
        if (method === "PUT") return this.putManifest(req, route.name, route.reference, user);
        if (method === "DELETE") return this.deleteManifest(route.name, route.reference);
        throw unsupported();
      case "blob":
        if (safe) return this.getBlob(route.name, route.digest);
        if (method === "DELETE") return this.deleteBlob(route.name, route.digest);
        throw unsupported();
      case "uploads":
        if (method === "POST") return this.startUpload(req, url, route.name, user);
        throw unsupported();
      case "upload":
        return this.continueUpload(req, url, route.name, route.uuid, method);
    }
  }

  private catalog(req: IncomingMessage, url: URL, user: User | null): Reply {
    const paths = this.ctx.state
      .list("distributions", "container/container")
      .filter((d) => !this.tokenAuth || canPull(this.ctx, user, String(d.data["base_path"])))
      .map((d) => String(d.data["base_path"]))
      .sort();
    const page = paginate(paths, url, req.headers.host ?? "");
    return { status: 200, headers: page.link ? { Link: page.link } : {}, body: { repositories: page.items } };
  }

  private tags(req: IncomingMessage, url: URL, name: string): Reply {
    const { version } = servedAt(this.ctx, name);
    const names = new Set<string>();
    for (const h of version.content) {
      const u = unitAt(this.ctx, h);
      if (u?.pulp_type === "container.tag" && u.name) names.add(u.name);
    }
    const page = paginate([...names].sort(), url, req.headers.host ?? "");
    return { status: 200, headers: page.link ? { Link: page.link } : {}, body: { name, tags: page.items } };
  }

  private async getManifest(req: IncomingMessage, name: string, reference: string): Promise<Reply> {
    const { version } = servedAt(this.ctx, name);
    let rec = reference.startsWith("sha256:") ? findUnit(this.ctx, version.content, "container.manifest", reference) : undefined;
    if (!reference.startsWith("sha256:")) {
      const tag = findUnit(this.ctx, version.content, "container.tag", reference);
      const manifestHref = (tag?.unit as ContainerUnit | undefined)?.tagged_manifest;
      rec = manifestHref ? this.ctx.state.content.get(manifestHref) : undefined;
      const mediaType = (rec?.unit as ContainerUnit | undefined)?.media_type ?? "";
      // pulp_container answers MANIFEST_UNKNOWN when the client does not accept the tagged type.
      if (rec && !accepts(req.headers.accept, mediaType)) throw manifestUnknown(reference);
    }
    if (!rec || !(await ensureArtifact(this.ctx, rec))) throw manifestUnknown(reference);
    const unit = rec.unit as ContainerUnit;
    const data = await readArtifact(this.ctx, unit.digest!);
    return {
      status: 200,
      headers: { "Content-Type": unit.media_type ?? MEDIA_TYPES.manifestV2, "Docker-Content-Digest": unit.digest!, Etag: `"${unit.digest}"` },
      body: data,
    };
  }

  private async getBlob(name: string, digest: string): Promise<Reply> {
    const { repository, version } = servedAt(this.ctx, name);
    const rec =
      findUnit(this.ctx, version.content, "container.blob", digest) ?? findUnit(this.ctx, this.push.pendingBlobsOf(repository), "container.blob", digest);
    if (!rec || !(await ensureArtifact(this.ctx, rec))) throw blobUnknown(digest);
    const hex = hexOf(digest)!;
    return {
      status: 200,
      headers: {
        "Content-Type": "application/octet-stream",
        "Docker-Content-Digest": digest,
        "Content-Length": this.ctx.artifacts.size(hex),
        Etag: `"${digest}"`,
      },
      body: this.ctx.artifacts.open(hex),
    };
  }

  private async deleteManifest(name: string, reference: string): Promise<Reply> {
    if (!reference.startsWith("sha256:")) throw invalidRequest("A manifest can only be deleted by digest.");
    const repo = this.push.repositoryFor(name, null, false);
    const candidates = new Set([...this.ctx.latestVersion(repo.href).content, ...this.push.pendingManifestsOf(repo)]);
    const rec = findUnit(this.ctx, candidates, "container.manifest", reference);
    if (!rec) throw manifestUnknown(reference);
    this.push.remove(repo, new Set([rec.href]));
    return { status: 202, headers: { "Content-Length": 0 } };
  }

  private async deleteBlob(name: string, digest: string): Promise<Reply> {
    if (!digest.startsWith("sha256:")) throw invalidRequest("A blob can only be deleted by digest.");
    const repo = this.push.repositoryFor(name, null, false);
    const rec = findUnit(this.ctx, this.push.available(repo), "container.blob", digest);
    if (!rec) throw blobUnknown(digest);
    this.push.remove(repo, new Set([rec.href]));
    return { status: 202, headers: { "Content-Length": 0 } };
  }

  // ---- push ----

  private async startUpload(req: IncomingMessage, url: URL, name: string, user: User | null): Promise<Reply> {
    const repo = this.push.repositoryFor(name, user, true);
    const mount = url.searchParams.get("mount");
    const from = url.searchParams.get("from");
    if (mount && from) {
      const mounted = this.mount(repo, from, mount);
      req.resume();
      // Like distribution, an impossible mount falls back to a new upload session.
      if (mounted) return blobCreated(name, mount);
    }
    const digest = url.searchParams.get("digest");
    if (digest && !mount) {
      const href = await this.storeBlob(digest, req);
      this.push.addPendingBlob(repo, href);
      return blobCreated(name, digest);
    }
    req.resume();
    return uploadStatus(name, this.uploads.start(repo.href), 202);
  }

  private mount(repo: Resource, from: string, digest: string): boolean {
    try {
      const { version } = servedAt(this.ctx, from);
      const rec = findUnit(this.ctx, version.content, "container.blob", digest);
      if (!rec) return false;
      this.push.addPendingBlob(repo, rec.href);
      return true;
    } catch {
      return false;
    }
  }

  private async continueUpload(req: IncomingMessage, url: URL, name: string, uuid: string, method: string): Promise<Reply> {
    const repo = this.push.repositoryFor(name, null, false);
    const upload = this.uploads.get(uuid, repo.href);
    if (!upload) throw uploadUnknown(uuid);
    switch (method) {
      case "GET":
      case "HEAD":
        return uploadStatus(name, upload, 204);
      case "DELETE":
        await this.uploads.discard(upload);
        return { status: 204, headers: { "Content-Length": 0 } };
      case "PATCH": {
        const range = req.headers["content-range"];
        if (range) {
          const m = /^(?:bytes[ =])?(\d+)-(\d+)$/.exec(range);
          if (!m) throw invalidRequest("Invalid range header");
          if (Number(m[1]) !== upload.size) {
            req.resume();
            return { status: 416, headers: { Location: uploadLocation(name, upload), Range: rangeOf(upload), "Docker-Upload-UUID": upload.uuid }, body: new RegistryError(416, "BLOB_UPLOAD_INVALID", "blob upload invalid", { uuid }).body() };
          }
        }
        await this.uploads.append(upload, req);
        return uploadStatus(name, upload, 202);
      }
      case "PUT": {
        const digest = url.searchParams.get("digest");
        if (!digest) throw digestInvalid("", "digest missing");
        await this.uploads.append(upload, req);
        const actual = `sha256:${await this.uploads.sha256(upload)}`;
        if (actual !== digest) {
          await this.uploads.discard(upload);
          throw digestInvalid(digest);
        }
        const href = await this.storeBlob(digest, upload.size > 0 ? this.uploads.open(upload) : Buffer.alloc(0));
        await this.uploads.discard(upload);
        this.push.addPendingBlob(repo, href);
        return blobCreated(name, digest);
      }
    }
    throw unsupported();
  }

  /** Store a blob's bytes, verified against `digest`, and its unit; returns the unit href. */
  private async storeBlob(digest: string, data: Readable | Buffer): Promise<string> {
    const hex = hexOf(digest);
    if (!hex) throw digestInvalid(digest, "unsupported digest algorithm or format");
    try {
      await this.ctx.artifacts.put(data, hex);
    } catch (err) {
      if ((err as Error).name === "ChecksumMismatchError") throw digestInvalid(digest);
      throw err;
    }
    return this.ctx.storeUnit({ pulp_type: "container.blob", natural_key: digest, digest }, null);
  }

  private async putManifest(req: IncomingMessage, name: string, reference: string, user: User | null): Promise<Reply> {
    const raw = await readLimited(req, MAX_MANIFEST);
    const digest = `sha256:${createHash("sha256").update(raw).digest("hex")}`;
    if (reference.startsWith("sha256:") && reference !== digest) throw digestInvalid(reference);
    if (!reference.startsWith("sha256:") && !TAG.test(reference)) throw new RegistryError(400, "TAG_INVALID", "manifest tag did not match URI", { tag: reference });
    let doc: { schemaVersion?: number; mediaType?: string; config?: { digest?: string }; layers?: { digest?: string }[]; manifests?: { digest?: string }[] };
    try {
      doc = JSON.parse(raw.toString("utf8"));
    } catch {
      throw manifestInvalid(digest, "The manifest is not valid JSON.");
    }
    const contentType = req.headers["content-type"]?.split(";")[0]?.trim();
    const mediaType = doc.mediaType ?? (contentType && MANIFEST_TYPES.has(contentType) ? contentType : doc.manifests ? MEDIA_TYPES.ociIndex : MEDIA_TYPES.ociManifest);
    if (!MANIFEST_TYPES.has(mediaType) || doc.schemaVersion !== 2) throw manifestInvalid(digest, `Unsupported manifest media type ${mediaType}.`);
    const isList = LIST_TYPES.has(mediaType);
    const repo = this.push.repositoryFor(name, user, true);
    const available = this.push.available(repo);
    const unit: ContainerUnit = { pulp_type: "container.manifest", natural_key: digest, digest, media_type: mediaType, blobs: [], config_blob: null, listed_manifests: [] };
    if (isList) {
      for (const m of doc.manifests ?? []) {
        const listed = m.digest ? findUnit(this.ctx, available, "container.manifest", m.digest) : undefined;
        if (!listed) throw manifestInvalid(digest, `The listed manifest ${m.digest} is not in the repository.`);
        unit.listed_manifests!.push(listed.href);
      }
    } else {
      const configDigest = doc.config?.digest;
      if (!configDigest) throw manifestInvalid(digest, "Pushing manifests of the version V1 is not supported");
      const config = findUnit(this.ctx, available, "container.blob", configDigest);
      if (!config) throw blobInvalid(configDigest);
      unit.config_blob = config.href;
      for (const layer of doc.layers ?? []) {
        const blob = layer.digest ? findUnit(this.ctx, available, "container.blob", layer.digest) : undefined;
        if (!blob) throw manifestInvalid(digest);
        unit.blobs!.push(blob.href);
      }
    }
    await this.ctx.artifacts.put(raw, hexOf(digest));
    const href = this.ctx.storeUnit(unit, null);
    if (reference.startsWith("sha256:")) this.push.addPendingManifest(repo, href);
    else this.push.tag(repo, reference, href);
    return { status: 201, headers: { "Docker-Content-Digest": digest, Location: `/v2/${name}/manifests/${digest}`, "Content-Length": 0 } };
  }
}

// ---- helpers ----

const uploadLocation = (name: string, u: Upload) => `/v2/${name}/blobs/uploads/${u.uuid}`;
const rangeOf = (u: Upload) => `0-${Math.max(0, u.size - 1)}`;

function uploadStatus(name: string, upload: Upload, status: number): Reply {
  return {
    status,
    headers: { Location: uploadLocation(name, upload), Range: rangeOf(upload), "Docker-Upload-UUID": upload.uuid, "Content-Length": 0 },
  };
}

const blobCreated = (name: string, digest: string): Reply => ({
  status: 201,
  headers: { Location: `/v2/${name}/blobs/${digest}`, "Docker-Content-Digest": digest, "Content-Length": 0 },
});

/** Whether an `Accept` header admits a manifest type (no header or a wildcard admits all). */
function accepts(header: string | undefined, mediaType: string): boolean {
  if (!header) return true;
  const types = header.split(",").map((t) => t.split(";")[0]!.trim()).filter(Boolean);
  return types.length === 0 || types.some((t) => t === mediaType || t === "*/*" || t === "application/*" || t === "application/json");
}

/** `n`/`last` pagination with an absolute `Link` to the next page (pulp_container's paginators). */
function paginate(sorted: string[], url: URL, host: string): { items: string[]; link?: string } {
  const nParam = url.searchParams.get("n");
  let n = nParam !== null && /^-?\d+$/.test(nParam) ? Number(nParam) : PAGE_SIZE;
  n = Math.max(0, Math.min(n, 10 * PAGE_SIZE));
  const last = url.searchParams.get("last");
  const items = (last ? sorted.filter((s) => s > last) : sorted).slice(0, n);
  if (n === 0 || items.length < n) return { items };
  const next = new URL(`http://${host}${url.pathname}${url.search}`);
  next.searchParams.set("n", String(n));
  next.searchParams.set("last", items[items.length - 1]!);
  return { items, link: `<${next.toString()}>; rel="next"` };
}

async function readLimited(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new RegistryError(413, "SIZE_INVALID", "manifest too large");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

async function readArtifact(ctx: ApiContext, digest: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of ctx.artifacts.open(hexOf(digest)!)) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function send(req: IncomingMessage, res: ServerResponse, reply: Reply): Promise<void> {
  const headers: Record<string, string | number> = { "Docker-Distribution-Api-Version": "registry/2.0", ...reply.headers };
  let body: Buffer | Readable | undefined;
  if (reply.body instanceof Readable) body = reply.body;
  else if (Buffer.isBuffer(reply.body)) body = reply.body;
  else if (reply.body !== undefined) {
    body = Buffer.from(typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body));
    headers["Content-Type"] ??= "application/json";
  }
  if (Buffer.isBuffer(body)) headers["Content-Length"] = body.length;
  res.writeHead(reply.status, headers);
  if (req.method === "HEAD" || body === undefined) {
    if (body instanceof Readable) body.destroy();
    res.end();
    return;
  }
  if (Buffer.isBuffer(body)) {
    res.end(body);
    return;
  }
  await new Promise<void>((resolve) => {
    body.once("error", () => {
      res.destroy();
      resolve();
    });
    res.once("close", resolve);
    body.pipe(res);
  });
}
