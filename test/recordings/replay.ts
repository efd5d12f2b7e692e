/**
 * Emulator line: replay each module's recorded steps against a fresh emulator and compare every
 * response with the recorded one (see compare.ts for the rules, seed.ts for preconditions).
 */
import { FINAL_TASK_STATES } from "@release-train/pulp-client";
import { responseFields, validateRequest, validateResponse } from "@release-train/test-support/openapi";
import { Api } from "./api";
import { compareResponse } from "./compare";
import { HrefMap, isHref, isPlainObject } from "./href-map";
import { type Interaction, OMITTED_SPEC, type RecordingFile, type RecordingModule, segments } from "./recordings";
import { type Knobs, type SeedContext, seedFor } from "./seed";
import { recordedUpload, translateChecksums } from "./seed-files";
import type { UpstreamKind, Upstreams } from "./upstreams";

export interface EmulatorHandle {
  url: string;
  knobs?: Knobs;
  stop(): Promise<void>;
}

export type StartEmulator = () => Promise<EmulatorHandle>;

export interface InteractionResult {
  /** `<file>#<index>` */
  where: string;
  method: string;
  path: string;
  /** Method and path with ids replaced, e.g. `GET /pulp/api/v3/tasks/<id>/`. */
  endpoint: string;
  /** On an endpoint the release train uses (guide §18). */
  releaseTrain: boolean;
  ok: boolean;
  reasons: string[];
  /** Things the harness adapted (fields newer than the spec left out…), for the record. */
  notes: string[];
  /** Where the emulator's response breaks the OpenAPI spec it emulates (reported separately). */
  specErrors: string[];
}

export interface ReplayOptions {
  start: StartEmulator;
  upstreams: Upstreams;
  credentials?: { username: string; password: string };
}

/** Remote collection → local upstream standing in for the recorded URL. */
const UPSTREAM_KINDS: Record<string, UpstreamKind> = {
  "rpm/rpm": "rpm",
  "deb/apt": "deb",
  "container/container": "container",
  "file/file": "file",
};

const TASK_PATH = /^\/pulp\/api\/v3\/tasks\/[^/?]+\/$/;

export async function replayModule(module: RecordingModule, options: ReplayOptions): Promise<InteractionResult[]> {
  const results: InteractionResult[] = [];
  for (const segment of segments(module)) results.push(...(await replaySegment(segment, options)));
  return results;
}

async function replaySegment(files: RecordingFile[], options: ReplayOptions): Promise<InteractionResult[]> {
  const emulator = await options.start();
  const ctx: SeedContext = {
    api: new Api(emulator.url, options.credentials ?? { username: "admin", password: "password" }),
    hrefs: new HrefMap(),
    mentioned: new Set(),
    taskOrigins: new Map(),
    urls: new Map(),
    seeded: new Set(),
    upstreams: options.upstreams,
    knobs: emulator.knobs,
  };
  const results: InteractionResult[] = [];
  try {
    for (const file of files) {
      if (file.unreadable) results.push(unusable(file.name, "", "", `unreadable recording: ${file.unreadable}`));
      for (const [index, it] of file.interactions.entries()) {
        results.push(await replayInteraction(ctx, `${file.name}#${index}`, it));
      }
    }
  } finally {
    await emulator.stop();
  }
  return results;
}

/** A failure for something in a recording that cannot be replayed at all. */
function unusable(where: string, method: string, path: string, reason: string): InteractionResult {
  const endpoint = method && path ? endpointOf(method, path) : "(not replayable)";
  return { where, method, path, endpoint, releaseTrain: false, ok: false, reasons: [reason], notes: [], specErrors: [] };
}

export async function replayInteraction(ctx: SeedContext, where: string, it: Interaction): Promise<InteractionResult> {
  if (it.invalid) return unusable(where, it.method, it.path, it.invalid);
  const result: InteractionResult = {
    where,
    method: it.method,
    path: it.path,
    endpoint: endpointOf(it.method, it.path),
    releaseTrain: isReleaseTrainEndpoint(it.method, it.path),
    ok: false,
    reasons: [],
    notes: [],
    specErrors: [],
  };
  const recordedTask = isPlainObject(it.responseBody) ? it.responseBody["task"] : undefined;
  if (it.status === 202 && isHref(recordedTask)) ctx.taskOrigins.set(recordedTask, result.releaseTrain);
  // A task poll counts where the operation that spawned it counts (file plugin tasks are not §18).
  const origin = ctx.taskOrigins.get(it.path.split("?")[0]!);
  if (origin !== undefined) result.releaseTrain = origin;
  try {
    result.reasons.push(...(await seedFor(ctx, it)));
    const path = translateChecksums(ctx, ctx.hrefs.translatePath(it.path));
    const { body, form } = await requestOf(ctx, it, result.notes);

    const recordedState = isPlainObject(it.responseBody) ? it.responseBody["state"] : undefined;
    const isTaskGet = it.method === "GET" && TASK_PATH.test(it.path.split("?")[0]!);
    const finalPoll = isTaskGet && FINAL_TASK_STATES.has(String(recordedState));
    const upload = recordedUpload(ctx, it);
    if (upload) result.notes.push("uploaded the recorded artifact's bytes (multipart bodies are not recorded)");
    const actual = finalPoll
      ? await ctx.api.pollTask(path)
      : upload
        ? await ctx.api.upload(path, {}, upload)
        : await ctx.api.request(it.method, path, body, form);

    // The spec itself differs by version by definition: only its status is compared (whether or not
    // the recording kept the body).
    const specOnly = it.responseBody === OMITTED_SPEC || it.path.split("?")[0]!.endsWith("/docs/api.json");
    if (!specOnly) {
      result.specErrors.push(...validateResponse(it.method, it.path, actual.status, actual.body));
    }
    if (specOnly) {
      if (actual.status !== it.status) result.reasons.push(`status ${actual.status} instead of ${it.status}`);
    } else {
      result.reasons.push(
        ...compareResponse({ status: it.status, body: it.responseBody }, actual, {
          hrefs: ctx.hrefs,
          urls: ctx.urls,
          seeded: ctx.seeded,
          knownFields: responseFields(it.method, it.path, it.status),
          transientTask: isTaskGet && !finalPoll,
        }),
      );
    }
    if (actual.status === it.status) ctx.hrefs.learn(it.responseBody, actual.body);
  } catch (e) {
    result.reasons.push(`harness: ${(e as Error).message}`);
  } finally {
    mention(ctx.mentioned, [it.path, it.requestBody, it.requestBodyForm, it.responseBody]);
  }
  result.ok = result.reasons.length === 0;
  return result;
}

/**
 * Request fields older Pulp versions had under another name; a client of the emulated version
 * sends the new one (guide §16: `retained_versions` became `retain_repo_versions` in core 3.15).
 */
const RENAMED_FIELDS: Record<string, string> = { retained_versions: "retain_repo_versions" };

/**
 * The body to send: hrefs translated; fields the emulated Pulp version does not define (the
 * recording came from a newer server) are left out, as that server's client would not send them,
 * and fields it renamed are sent under their new name (older recordings);
 * rpm/deb/container remote URLs point at the local fixture upstreams, so a later sync has real content.
 */
async function requestOf(
  ctx: SeedContext,
  it: Interaction,
  notes: string[],
): Promise<{ body?: unknown; form?: Record<string, string> }> {
  if (it.requestBodyForm) {
    const form: Record<string, string> = {};
    for (const [k, v] of Object.entries(it.requestBodyForm)) form[k] = ctx.hrefs.translate(v);
    return { form };
  }
  if (it.requestBody === null || it.requestBody === undefined) return {};
  const body = ctx.hrefs.translateBody(it.requestBody);
  const remoteKind = /^\/pulp\/api\/v3\/remotes\/(rpm\/rpm|deb\/apt|container\/container|file\/file)\//.exec(it.path)?.[1];
  const writes = it.method === "POST" || it.method === "PATCH";
  // Container remotes: the local registry gets the recorded image name, so a later sync has tags.
  if (remoteKind === "container/container" && writes && isPlainObject(body) && typeof body["upstream_name"] === "string") {
    await ctx.upstreams.container(body["upstream_name"]);
  }
  if (remoteKind && isPlainObject(body) && typeof body["url"] === "string" && writes) {
    const upstream = await ctx.upstreams.get(UPSTREAM_KINDS[remoteKind]!);
    ctx.urls.set(body["url"], upstream.url);
    body["url"] = upstream.url;
  }
  // Task cancel ignores extra keys (3.14-era clients PATCH the whole task, guide §3): sent as recorded.
  const isTaskPatch = it.method === "PATCH" && TASK_PATH.test(it.path.split("?")[0]!);
  if (isPlainObject(body) && !isTaskPatch) {
    for (const error of validateRequest(it.method, it.path, it.requestBody)) {
      const m = /\s\/([^/\s:]+): Unexpected field$/.exec(error);
      const field = m?.[1];
      if (!field || !(field in body)) continue;
      const renamed = RENAMED_FIELDS[field];
      if (renamed && !(renamed in body)) {
        body[renamed] = body[field];
        notes.push(`sent ${field} as ${renamed} (renamed since the recording's Pulp)`);
      } else {
        notes.push(`left out ${field} (not in the emulated spec)`);
      }
      delete body[field];
    }
  }
  return { body };
}

/** `GET /pulp/api/v3/remotes/rpm/rpm/<id>/` — query dropped, uuids and numbers replaced. */
export function endpointOf(method: string, path: string): string {
  const p = path
    .split("?")[0]!
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, "<id>")
    .replace(/\/\d+\//g, "/<n>/");
  return `${method} ${p}`;
}

/**
 * Guide §18: what the release train calls — status/spec, rpm/deb/container remotes, repositories
 * (+ versions, sync, add/remove), publications, distributions, content guards, tasks, orphans,
 * users and groups, container tags. The file plugin and artifacts are not among them.
 */
export function isReleaseTrainEndpoint(method: string, path: string): boolean {
  const p = path.split("?")[0]!;
  if (/\/(file\/file|content\/file)\/|\/artifacts\//.test(p)) return false;
  return (
    /^\/pulp\/api\/v3\/(docs\/api\.json|status\/|tasks\/|orphans\/|users\/|groups\/|contentguards\/)/.test(p) ||
    /^\/pulp\/api\/v3\/(remotes|repositories|publications|distributions)\/(rpm|deb|container)\//.test(p) ||
    /^\/pulp\/api\/v3\/content\/container\/tags\//.test(p) ||
    (method === "GET" && /^\/pulp\/api\/v3\/(remotes|repositories|publications|distributions)\/$/.test(p))
  );
}

/** Collect every href in recorded values (paths with their query values, bodies). */
export function mention(into: Set<string>, value: unknown): void {
  if (typeof value === "string") {
    const [path, query] = value.split("?");
    if (isHref(path)) into.add(path);
    if (query) for (const [, v] of new URLSearchParams(query)) if (isHref(v)) into.add(v);
  } else if (Array.isArray(value)) {
    for (const v of value) mention(into, v);
  } else if (isPlainObject(value)) {
    for (const v of Object.values(value)) mention(into, v);
  }
}
