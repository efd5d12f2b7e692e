import type { IncomingMessage, ServerResponse } from "node:http";
import type { ApiContext } from "../api/context";
import { rolesOn } from "../api/serialize";
import type { ArtifactUnit, PublishedFile } from "../content/types";
import { checkX509, X509_HEADER } from "../guards/x509";
import type { Resource } from "../store/state";
import { AUTH_FAILURE_DETAIL, basicAuth, isAdmin, PERMISSION_DENIED_DETAIL } from "./auth";
import { listingHtml } from "./listing";

export const CONTENT_PREFIX = "/pulp/content/";
const NOT_POINTING = "Distribution is not pointing to a publication, repository, repository version, or remote.";

type Reply = { status: number; text: string; reason?: string };
const NOT_FOUND: Reply = { status: 404, text: "404: Not Found" };

/** Serve `/pulp/content/<base_path>/<path>` as Pulp's content app does (guide §9, §14). */
export async function handleContent(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
  try {
    if (req.method !== "GET" && req.method !== "HEAD") return send(res, { status: 405, text: "405: Method Not Allowed" });
    let rel: string;
    try {
      rel = decodeURIComponent(pathname.slice(CONTENT_PREFIX.length));
    } catch {
      return send(res, NOT_FOUND);
    }
    const dist = matchDistribution(ctx, rel);
    if (!dist) {
      // A partial base path (or the root) lists the distributions below it.
      if (rel === "" || rel.endsWith("/")) {
        const names = childBasePaths(ctx, rel);
        if (rel === "" || names.length > 0) return sendHtml(res, req, listingHtml(`${CONTENT_PREFIX}${rel}`, names));
      }
      return send(res, NOT_FOUND);
    }
    const denied = checkGuard(ctx, dist, req);
    if (denied) return send(res, { status: 403, text: `403: ${denied}`, reason: denied });
    const basePath = String(dist.data["base_path"]);
    const inner = rel.slice(basePath.length).replace(/^\//, "");
    const pointsAtSomething = ["publication", "repository", "repository_version"].some((k) => typeof dist.data[k] === "string");
    if (!pointsAtSomething) return send(res, { status: 404, text: `404: ${NOT_POINTING}`, reason: NOT_POINTING });
    // A repository without any publication yet resolves nothing (core: PathNotResolved).
    const pub = servedPublication(ctx, dist);
    if (!pub) return send(res, NOT_FOUND);
    const files = ctx.state.publications.get(pub.href)?.files ?? [];
    const file = files.find((f) => f.relative_path === inner);
    if (file) return await sendFile(ctx, req, res, file, inner);
    if (inner === "" || inner.endsWith("/")) {
      const entries = directoryEntries(files, inner);
      if (entries.length > 0 || inner === "") return sendHtml(res, req, listingHtml(`${CONTENT_PREFIX}${basePath}/${inner}`, entries));
    }
    return send(res, NOT_FOUND);
  } catch (err) {
    if (!res.headersSent) send(res, { status: 502, text: `502: ${(err as Error).message}` });
    else res.destroy();
  }
}

/** Distributions the content app serves (container ones are served by the registry). */
const servedDistributions = (ctx: ApiContext): Resource[] =>
  ctx.state.list("distributions").filter((d) => !d.typePath.startsWith("container"));

/** Longest base_path that is the path or a path prefix of it (core `_match_distribution`). */
function matchDistribution(ctx: ApiContext, rel: string): Resource | undefined {
  const path = rel.replace(/\/+$/, "");
  let best: Resource | undefined;
  for (const d of servedDistributions(ctx)) {
    const bp = String(d.data["base_path"]);
    if ((path === bp || path.startsWith(`${bp}/`)) && bp.length > String(best?.data["base_path"] ?? "").length) best = d;
  }
  return best;
}

function childBasePaths(ctx: ApiContext, prefix: string): string[] {
  const names = new Set<string>();
  for (const d of servedDistributions(ctx)) {
    const bp = String(d.data["base_path"]);
    if (!bp.startsWith(prefix)) continue;
    const rest = bp.slice(prefix.length);
    names.add(`${rest.split("/")[0]}/`);
  }
  return [...names].sort();
}

function directoryEntries(files: PublishedFile[], prefix: string): string[] {
  const names = new Set<string>();
  for (const f of files) {
    if (!f.relative_path.startsWith(prefix)) continue;
    const rest = f.relative_path.slice(prefix.length);
    const slash = rest.indexOf("/");
    names.add(slash < 0 ? rest : rest.slice(0, slash + 1));
  }
  return [...names].sort();
}

/** The guard runs before any path resolution; returns the 403 reason or null. */
function checkGuard(ctx: ApiContext, dist: Resource, req: IncomingMessage): string | null {
  const guardHref = dist.data["content_guard"];
  if (typeof guardHref !== "string") return null;
  const guard = ctx.state.resources.get(guardHref);
  if (!guard) return null;
  if (guard.pulpType === "certguard.x509") {
    const header = req.headers[X509_HEADER];
    return checkX509(Array.isArray(header) ? header[0] : header, String(guard.data["ca_certificate"]));
  }
  if (guard.pulpType === "core.rbac") {
    const auth = basicAuth(ctx.state, req.headers);
    if ("error" in auth) return AUTH_FAILURE_DETAIL[auth.error];
    const user = auth.user;
    if (isAdmin(user)) return null;
    const holders = rolesOn(ctx, guard.href, "core.rbaccontentguard_downloader");
    if (holders.users.has(user.username)) return null;
    for (const g of ctx.state.groups.values()) if (g.users.has(user.id) && holders.groups.has(g.name)) return null;
    return PERMISSION_DENIED_DETAIL;
  }
  return null;
}

/** publication → it; repository → newest publication of the newest version that has one. */
function servedPublication(ctx: ApiContext, dist: Resource): Resource | undefined {
  if (typeof dist.data["publication"] === "string") return ctx.state.resources.get(dist.data["publication"]);
  const pubs = ctx.state.list("publications").filter((p) => ctx.state.publications.has(p.href));
  const newest = (candidates: Resource[]) =>
    candidates.sort((a, b) => {
      const va = ctx.state.versions.get(String(a.data["repository_version"]))?.number ?? -1;
      const vb = ctx.state.versions.get(String(b.data["repository_version"]))?.number ?? -1;
      return vb - va || b.seq - a.seq;
    })[0];
  if (typeof dist.data["repository"] === "string") return newest(pubs.filter((p) => p.data["repository"] === dist.data["repository"]));
  if (typeof dist.data["repository_version"] === "string") {
    return newest(pubs.filter((p) => p.data["repository_version"] === dist.data["repository_version"]));
  }
  return undefined;
}

const TYPES: [RegExp, string][] = [
  [/\.xml$/, "application/xml"],
  [/\.gz$/, "application/gzip"],
  [/\.zst$/, "application/zstd"],
  [/\.xz$/, "application/x-xz"],
  [/\.bz2$/, "application/x-bzip2"],
  [/\.rpm$/, "application/x-rpm"],
  [/\.deb$/, "application/vnd.debian.binary-package"],
  [/\.(asc|gpg|key)$/, "application/pgp-signature"],
  [/(Release|Packages|\.repo)$/, "text/plain"],
];

async function sendFile(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, file: PublishedFile, path: string): Promise<void> {
  let sha = file.sha256;
  if (!sha && file.unit) sha = await fetchUnit(ctx, file.unit);
  if (!sha || !ctx.artifacts.has(sha)) return send(res, NOT_FOUND);
  const headers: Record<string, string | number> = {
    "Content-Type": TYPES.find(([re]) => re.test(path))?.[1] ?? "application/octet-stream",
    "Content-Length": ctx.artifacts.size(sha),
  };
  if (/(^|\/)repomd\.xml(\.asc|\.key)?$/.test(path)) headers["Cache-Control"] = "no-cache";
  res.writeHead(200, headers);
  if (req.method === "HEAD") {
    res.end();
    return;
  }
  const stream = ctx.artifacts.open(sha);
  stream.on("error", () => res.destroy());
  stream.pipe(res);
}

/** On-demand unit: download through its remote on first request, then serve from the store. */
async function fetchUnit(ctx: ApiContext, unit: ArtifactUnit): Promise<string | undefined> {
  if (unit.sha256 && ctx.artifacts.has(unit.sha256)) {
    await ctx.recordStoredArtifact(unit.sha256);
    return unit.sha256;
  }
  const rec = ctx.state.findContent(unit);
  const remote = rec?.remote ? ctx.state.resources.get(rec.remote) : undefined;
  if (!remote) return undefined;
  const sha = await ctx.requireEngine().fetchOnDemand(unit, ctx.remoteConfig(remote), ctx.artifacts);
  await ctx.recordStoredArtifact(sha);
  // Record the download so the API shows the artifact from now on.
  for (const u of new Set([unit, rec?.unit])) {
    if (u && "source_url" in u) {
      u.sha256 = sha;
      u.downloaded = true;
    }
  }
  return sha;
}

function send(res: ServerResponse, reply: Reply): void {
  res.writeHead(reply.status, reply.reason ? sanitizeReason(reply.reason) : undefined, { "Content-Type": "text/plain; charset=utf-8" });
  res.end(reply.text);
}

/** A status line cannot hold control characters or non-latin1 text. */
function sanitizeReason(reason: string): string {
  return reason.replace(/[^\x20-\x7e]/g, " ");
}

function sendHtml(res: ServerResponse, req: IncomingMessage, html: string): void {
  res.writeHead(200, { "Content-Type": "text/html; charset=utf-8", "Content-Length": Buffer.byteLength(html) });
  res.end(req.method === "HEAD" ? undefined : html);
}
