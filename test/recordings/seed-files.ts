/**
 * Seeding pulp_file preconditions: artifacts and file content the recordings find already there
 * (squeezer's playbooks upload them before the recorded steps), and the content of file
 * repository versions made before the recording started. Everything is created through the
 * emulator's own API: artifacts by a real multipart upload, content by `POST /content/file/files/`,
 * repository content by `modify/`.
 */
import { createHash } from "node:crypto";
import { brief } from "./api";
import { isHref, isPlainObject } from "./href-map";
import type { Interaction } from "./recordings";
import type { SeedContext } from "./seed";

const ARTIFACT = /^\/pulp\/api\/v3\/artifacts\/[^/]+\/$/;
const FILE_CONTENT = /^\/pulp\/api\/v3\/content\/file\/files\/[^/]+\/$/;
const FILE_VERSION = /^(\/pulp\/api\/v3\/repositories\/file\/file\/[^/]+\/)versions\/\d+\/$/;

/**
 * Bytes of the files squeezer's test playbooks upload (the file modules' fixture holds "pulp\n":
 * sha256 9a0934…33ee, size 5, in every file_* recording). A recorded sha256 not among these
 * cannot be reproduced; the harness then uploads other bytes and translates that checksum.
 */
const KNOWN_PAYLOADS = ["pulp\n"].map((s) => Buffer.from(s));

export interface FileSeeds {
  /** Recorded sha256 → sha256 of the bytes uploaded instead (only when they could not be reproduced). */
  checksums: Map<string, string>;
  /** Recorded version href of a seeded file repository → recorded content hrefs put into it so far. */
  versions: Map<string, Set<string>>;
}

export function fileSeeds(ctx: SeedContext): FileSeeds {
  ctx.files ??= { checksums: new Map(), versions: new Map() };
  return ctx.files;
}

/** Seed an artifact or file content object; false when `obj` is neither. */
export async function seedFileObject(ctx: SeedContext, obj: Record<string, unknown>): Promise<boolean> {
  const href = obj["pulp_href"] as string;
  if (ARTIFACT.test(href)) {
    await ensureArtifact(ctx, href, obj["sha256"]);
  } else if (FILE_CONTENT.test(href)) {
    await seedFileContent(ctx, obj);
  } else {
    return false;
  }
  const actual = ctx.hrefs.get(href);
  if (actual) {
    ctx.seeded.add(actual);
    const got = await ctx.api.request("GET", actual);
    if (got.status === 200) ctx.hrefs.learn(obj, got.body);
  }
  return true;
}

/** The recorded checksums in a request path replaced by those of the bytes the replay uploaded. */
export function translateChecksums(ctx: SeedContext, path: string): string {
  let out = path;
  for (const [from, to] of ctx.files?.checksums ?? []) out = out.replaceAll(from, to);
  return out;
}

/**
 * A seeded file repository whose recorded latest version is `versionHref` (n > 0) starts empty:
 * what that version held is learned from later content queries (`reconstructVersion`).
 */
export function trackSeededFileVersion(ctx: SeedContext, versionHref: string, actualLatest: string): void {
  if (!FILE_VERSION.test(versionHref)) return;
  ctx.hrefs.set(versionHref, actualLatest);
  fileSeeds(ctx).versions.set(versionHref, new Set());
}

/**
 * A recorded `GET /content/file/files/?repository_version=<seeded version>` that lists content
 * the seeded version does not have yet: add it (modify → a new version) and map the recorded
 * version to the new one. A recorded write to the repository ends the reconstruction.
 */
export async function reconstructVersion(ctx: SeedContext, it: Interaction): Promise<string[]> {
  const versions = ctx.files?.versions;
  if (!versions || versions.size === 0) return [];
  const [path, query] = it.path.split("?");
  if (it.method !== "GET") {
    for (const v of [...versions.keys()]) if (path!.startsWith(FILE_VERSION.exec(v)![1]!)) versions.delete(v);
    return [];
  }
  if (!path!.startsWith("/pulp/api/v3/content/file/files/") || !query || it.status !== 200) return [];
  const version = new URLSearchParams(query).get("repository_version");
  const known = version ? versions.get(version) : undefined;
  if (!version || !known || !isPlainObject(it.responseBody) || !Array.isArray(it.responseBody["results"])) return [];
  const missing = it.responseBody["results"]
    .map((o) => (isPlainObject(o) ? o["pulp_href"] : undefined))
    .filter((h): h is string => isHref(h) && !known.has(h) && ctx.hrefs.has(h));
  if (missing.length === 0) return [];
  const repo = ctx.hrefs.translate(FILE_VERSION.exec(version)![1]!);
  try {
    const res = await ctx.api.request("POST", `${repo}modify/`, { add_content_units: missing.map((h) => ctx.hrefs.translate(h)) });
    const created = await ctx.api.settle(res, `modify ${repo}`);
    const newVersion = created.find((h) => h.startsWith(`${repo}versions/`));
    if (newVersion) ctx.hrefs.set(version, newVersion);
    for (const h of missing) known.add(h);
    return [];
  } catch (e) {
    return [`seeding the content of ${version}: ${(e as Error).message}`];
  }
}

/**
 * A recorded artifact upload (`POST /artifacts/`, 201): the recordings drop multipart bodies, so
 * the file is rebuilt from the recorded artifact's checksum (see `payloadFor`). Undefined when
 * `it` is not one.
 */
export function recordedUpload(ctx: SeedContext, it: Interaction): { name: string; data: Buffer } | undefined {
  if (it.method !== "POST" || it.path.split("?")[0] !== "/pulp/api/v3/artifacts/") return undefined;
  if (it.requestBody !== null || it.requestBodyForm || !isPlainObject(it.responseBody)) return undefined;
  const sha256 = it.responseBody["sha256"];
  return typeof sha256 === "string" ? { name: "file", data: payloadFor(ctx, sha256) } : undefined;
}

/** The emulator artifact for a recorded one (uploaded once; found by checksum if already there). */
async function ensureArtifact(ctx: SeedContext, recordedHref: unknown, recordedSha256: unknown): Promise<string> {
  if (isHref(recordedHref) && ctx.hrefs.has(recordedHref)) return ctx.hrefs.translate(recordedHref);
  if (typeof recordedSha256 !== "string") throw new Error("the recorded artifact has no sha256");
  const data = payloadFor(ctx, recordedSha256);
  const sha256 = sha256Hex(data);
  const found = await ctx.api.request("GET", `/pulp/api/v3/artifacts/?sha256=${sha256}`);
  const existing = isPlainObject(found.body) && Array.isArray(found.body["results"]) ? found.body["results"][0] : undefined;
  let href = isPlainObject(existing) && isHref(existing["pulp_href"]) ? existing["pulp_href"] : undefined;
  if (!href) {
    const res = await ctx.api.upload("/pulp/api/v3/artifacts/", { sha256 }, { name: "file", data });
    if (res.status !== 201 || !isPlainObject(res.body) || !isHref(res.body["pulp_href"])) {
      throw new Error(`POST /pulp/api/v3/artifacts/ → ${res.status} ${brief(res.body)}`);
    }
    href = res.body["pulp_href"];
  }
  if (isHref(recordedHref)) ctx.hrefs.set(recordedHref, href);
  return href;
}

async function seedFileContent(ctx: SeedContext, obj: Record<string, unknown>): Promise<void> {
  const relativePath = obj["relative_path"];
  if (typeof relativePath !== "string") throw new Error("the recorded file content has no relative_path");
  const artifact = await ensureArtifact(ctx, obj["artifact"], obj["sha256"]);
  const res = await ctx.api.request("POST", "/pulp/api/v3/content/file/files/", { relative_path: relativePath, artifact });
  const created = await ctx.api.settle(res, "POST /pulp/api/v3/content/file/files/");
  const href = created.find((h) => FILE_CONTENT.test(h));
  if (!href) throw new Error("POST /pulp/api/v3/content/file/files/: task created no content");
  ctx.hrefs.set(obj["pulp_href"] as string, href);
}

/** The recorded bytes when known; otherwise stand-in bytes, remembered by checksum. */
function payloadFor(ctx: SeedContext, recordedSha256: string): Buffer {
  const known = KNOWN_PAYLOADS.find((b) => sha256Hex(b) === recordedSha256);
  if (known) return known;
  const data = Buffer.from(`fidelity stand-in for sha256 ${recordedSha256}\n`);
  fileSeeds(ctx).checksums.set(recordedSha256, sha256Hex(data));
  return data;
}

function sha256Hex(data: Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}
