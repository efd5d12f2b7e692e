/**
 * Preconditions the recordings assume but did not record: a module's playbook creates some
 * objects before the recorded steps (rpm_sync-0 finds its remote and repository; rpm_publication-0
 * a repository already synced to version 1; task-0 a running task). When a recorded response shows
 * an object the replay has never seen, the harness creates an equivalent one through the
 * emulator's own API (fields from the recording, hrefs translated, upstream URLs pointed at local
 * fixtures) and maps the recorded href to it. Seeded objects are only checked for presence.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { FINAL_TASK_STATES } from "@release-train/pulp-client";
import { requestFields } from "@release-train/test-support/openapi";
import { type Api, brief } from "./api";
import { type HrefMap, isHref, isPlainObject } from "./href-map";
import type { Interaction } from "./recordings";
import { type FileSeeds, reconstructVersion, seedFileObject, trackSeededFileVersion } from "./seed-files";
import type { UpstreamKind, Upstreams } from "./upstreams";

export interface Knobs {
  taskDurationMs?: Record<string, number>;
}

export interface SeedContext {
  api: Api;
  hrefs: HrefMap;
  /** Every href the recording has mentioned so far (requests and responses). */
  mentioned: Set<string>;
  /** Recorded task href → whether the request that spawned it is a release-train endpoint. */
  taskOrigins: Map<string, boolean>;
  urls: Map<string, string>;
  seeded: Set<string>;
  upstreams: Upstreams;
  knobs?: Knobs | undefined;
  /** pulp_file seeding state (seed-files.ts). */
  files?: FileSeeds;
}

/** Image name in the local registry that gives seeded container repositories their content. */
const SEED_IMAGE = "fidelity/seed";
const TASK = /^\/pulp\/api\/v3\/tasks\/[^/]+\/$/;
let seedCounter = 0;

/**
 * Objects in a recorded GET response that the recording has not mentioned before: those were made
 * before it started. (An href it did mention but the replay could not map — because the emulator
 * failed to create the object — is the emulator's failure, not a precondition.)
 */
export function unseenObjects(it: Interaction, mentioned: Set<string>): Record<string, unknown>[] {
  if (it.method !== "GET" || it.status !== 200 || !isPlainObject(it.responseBody)) return [];
  const body = it.responseBody;
  const candidates = Array.isArray(body["results"]) ? body["results"] : [body];
  return candidates.filter(
    (o): o is Record<string, unknown> => isPlainObject(o) && isHref(o["pulp_href"]) && !mentioned.has(o["pulp_href"]),
  );
}

/** Create every unseen object of this interaction's recorded response; errors describe failures. */
export async function seedFor(ctx: SeedContext, it: Interaction): Promise<string[]> {
  const errors: string[] = [];
  for (const obj of unseenObjects(it, ctx.mentioned)) {
    try {
      await seedObject(ctx, obj);
    } catch (e) {
      errors.push(`seeding ${String(obj["pulp_href"])}: ${(e as Error).message}`);
    }
  }
  errors.push(...(await reconstructVersion(ctx, it)));
  return errors;
}

async function seedObject(ctx: SeedContext, obj: Record<string, unknown>): Promise<void> {
  const href = obj["pulp_href"] as string;
  if (TASK.test(href)) return seedTask(ctx, obj);
  if (await seedFileObject(ctx, obj)) return;
  const collection = href.replace(/[^/]+\/$/, "");
  const fields = requestFields("POST", collection);
  if (fields.length === 0) throw new Error(`the spec has no create operation for ${collection}`);

  const body: Record<string, unknown> = {};
  for (const f of fields) {
    const value = obj[f];
    // Unknown references cannot be reproduced and nulls may come from versions where a field
    // was nullable (rpm `gpgcheck` in 2024): leave both to the emulator's defaults.
    if (value === null || value === undefined || (isHref(value) && !ctx.hrefs.knows(value))) continue;
    body[f] = ctx.hrefs.translateBody(value);
  }
  // Publications record both; Pulp accepts only one of them on create.
  if ("repository_version" in body && "repository" in body) delete body["repository"];
  if (fields.includes("ca_certificate") && typeof body["ca_certificate"] !== "string") {
    body["ca_certificate"] = await testCaCertificate();
  }
  const kind = pluginOf(collection) ?? (collection === "/pulp/api/v3/remotes/file/file/" ? "file" : undefined);
  if (collection.includes("/remotes/") && kind && typeof obj["url"] === "string") {
    const name = obj["upstream_name"];
    const upstream = kind === "container" && typeof name === "string" ? await ctx.upstreams.container(name) : await ctx.upstreams.get(kind);
    body["url"] = upstream.url;
    if (upstream.distributions) body["distributions"] = upstream.distributions;
    ctx.urls.set(obj["url"], upstream.url);
  }
  const created = await create(ctx.api, collection, body);
  ctx.hrefs.set(href, created);
  ctx.seeded.add(created);

  const latest = obj["latest_version_href"];
  const number = typeof latest === "string" ? Number(/versions\/(\d+)\/$/.exec(latest)?.[1] ?? 0) : 0;
  if (number > 0 && pluginOf(collection)) await giveContent(ctx, created, collection);
  const got = await ctx.api.request("GET", created);
  if (got.status === 200) {
    if (number > 0 && isPlainObject(got.body) && isHref(got.body["latest_version_href"])) {
      trackSeededFileVersion(ctx, latest as string, got.body["latest_version_href"]);
      if (pluginOf(collection)) ctx.hrefs.set(latest as string, got.body["latest_version_href"]);
    }
    ctx.hrefs.learn(obj, got.body);
  }
}

async function create(api: Api, collection: string, body: Record<string, unknown>): Promise<string> {
  const res = await api.request("POST", collection, body);
  if (res.status === 201 && isPlainObject(res.body) && isHref(res.body["pulp_href"])) return res.body["pulp_href"];
  if (res.status === 202) {
    const created = await api.settle(res, `POST ${collection}`);
    const href = created.find((h) => h.startsWith(collection)) ?? created[0];
    if (href) return href;
    throw new Error(`POST ${collection}: task created nothing`);
  }
  throw new Error(`POST ${collection} → ${res.status} ${brief(res.body)}`);
}

/** Sync a repository once from a local fixture upstream (through a throw-away remote). */
async function giveContent(ctx: SeedContext, repo: string, collection: string): Promise<void> {
  const kind = pluginOf(collection);
  if (!kind) return;
  const remoteCollection = collection.replace("/repositories/", "/remotes/");
  const upstream = kind === "container" ? await ctx.upstreams.container(SEED_IMAGE) : await ctx.upstreams.get(kind);
  const remote = await create(ctx.api, remoteCollection, {
    name: `fidelity-seed-${++seedCounter}`,
    url: upstream.url,
    ...(upstream.distributions ? { distributions: upstream.distributions } : {}),
    ...(kind === "container" ? { upstream_name: SEED_IMAGE } : {}),
  });
  try {
    await ctx.api.settle(await ctx.api.request("POST", `${repo}sync/`, { remote }), `sync ${repo}`);
  } finally {
    // The playbook's remote was not part of the recorded state: leave none behind.
    await ctx.api.settle(await ctx.api.request("DELETE", remote), `DELETE ${remote}`).catch(() => []);
  }
}

/**
 * A task the recording met without creating it: start a sync into a throw-away repository; if
 * the recording saw it running, slow syncs down so it is still running when polled/canceled.
 */
async function seedTask(ctx: SeedContext, obj: Record<string, unknown>): Promise<void> {
  const running = !FINAL_TASK_STATES.has(String(obj["state"]));
  const upstream = await ctx.upstreams.get("rpm");
  const n = ++seedCounter;
  const remote = await create(ctx.api, "/pulp/api/v3/remotes/rpm/rpm/", { name: `fidelity-seed-${n}`, url: upstream.url });
  const repo = await create(ctx.api, "/pulp/api/v3/repositories/rpm/rpm/", { name: `fidelity-seed-${n}` });
  const durations = ctx.knobs?.taskDurationMs;
  if (running && durations) durations["sync"] = 120_000;
  const res = await ctx.api.request("POST", `${repo}sync/`, { remote });
  const task = isPlainObject(res.body) ? res.body["task"] : undefined;
  if (res.status !== 202 || !isHref(task)) throw new Error(`sync for a seeded task → ${res.status} ${brief(res.body)}`);
  if (!running) await ctx.api.pollTask(task);
  ctx.hrefs.set(obj["pulp_href"] as string, task);
  ctx.seeded.add(task);
}

function pluginOf(collection: string): UpstreamKind | undefined {
  if (/\/(repositories|remotes)\/rpm\/rpm\/$/.test(collection)) return "rpm";
  if (/\/(repositories|remotes)\/deb\/apt\/$/.test(collection)) return "deb";
  if (/\/(repositories|remotes)\/container\/container\/$/.test(collection)) return "container";
  return undefined;
}

let caCertificate: Promise<string> | undefined;

/** A self-signed CA certificate (PEM) for seeded x509 content guards. */
function testCaCertificate(): Promise<string> {
  caCertificate ??= (async () => {
    const dir = await mkdtemp(join(tmpdir(), "fidelity-ca-"));
    try {
      await promisify(execFile)("openssl", [
        "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=fidelity-test-ca",
        "-keyout", join(dir, "ca.key"), "-out", join(dir, "ca.pem"),
      ]);
      return await readFile(join(dir, "ca.pem"), "utf8");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  })();
  return caCertificate;
}
