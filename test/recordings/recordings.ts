/**
 * Loading a directory of recordings: `<module>-<n>.json` files, each an array of
 * `{method, path, requestBody, status, responseBody}` (+ optional `requestBodyForm`), and an
 * optional `_index.json` saying which recording run each file came from.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Interaction as RecordedInteraction } from "@release-train/test-support/replay";

/** One recorded exchange (the replay server's shape), as the loader has checked it. */
export interface Interaction extends Omit<RecordedInteraction, "requestBodyForm"> {
  /** Decoded form fields; the loader admits only string values. */
  requestBodyForm?: Record<string, string>;
  /** Why this entry cannot be replayed (not an interaction object, no method/path…). */
  invalid?: string;
}

export interface RecordingFile {
  /** File name without `.json`, e.g. `rpm_sync-0`. */
  name: string;
  module: string;
  step: number;
  interactions: Interaction[];
  /** Identifies the recording run (squeezer commit) when `_index.json` says so. */
  run?: string;
  /** Why the file could not be read as a list of interactions (it then has none). */
  unreadable?: string;
  /** The latest timestamp (ms) in its recorded responses: tells runs apart without `_index.json`. */
  latest?: number;
}

/** Steps of one recording run are minutes apart, different runs months: a day tells them apart. */
const RUN_GAP_MS = 24 * 3600 * 1000;

export interface RecordingModule {
  module: string;
  /** Steps in order; a new `segment` starts where the recording run changes. */
  files: RecordingFile[];
}

/** Placeholder the recordings use for the 2.5 MB api.json body. */
export const OMITTED_SPEC = "<openapi spec omitted>";

export function loadRecordings(dir: string): RecordingFile[] {
  const runs = readRuns(dir);
  const files: RecordingFile[] = [];
  for (const file of readdirSync(dir)) {
    if (!file.endsWith(".json") || file.startsWith("_")) continue;
    const name = file.slice(0, -".json".length);
    const m = /^(.*)-(\d+)$/.exec(name);
    const run = runs.get(name);
    const { interactions, unreadable } = readInteractions(join(dir, file));
    const latest = latestTimestamp(interactions);
    files.push({
      name,
      module: m ? m[1]! : name,
      step: m ? Number(m[2]) : 0,
      interactions,
      ...(run ? { run } : {}),
      ...(unreadable ? { unreadable } : {}),
      ...(latest !== undefined ? { latest } : {}),
    });
  }
  return files.sort((a, b) => a.module.localeCompare(b.module) || a.step - b.step);
}

export function groupModules(files: RecordingFile[]): RecordingModule[] {
  const modules = new Map<string, RecordingFile[]>();
  for (const f of files) {
    const list = modules.get(f.module) ?? [];
    list.push(f);
    modules.set(f.module, list);
  }
  return [...modules].map(([module, list]) => ({ module, files: list.sort((a, b) => a.step - b.step) }));
}

/**
 * Consecutive steps of a module recorded in the same run. Some modules mix runs (step 0 from
 * 2021, the rest from 2024): a later run starts from a different server, so it gets its own.
 */
export function segments(module: RecordingModule): RecordingFile[][] {
  const out: RecordingFile[][] = [];
  let latest: number | undefined; // of the current segment
  for (const f of module.files) {
    const last = out.at(-1);
    const prev = last?.at(-1);
    // Without run ids (no `_index.json`, or a file it does not list) the timestamps decide.
    const sameRun =
      prev !== undefined &&
      (prev.run && f.run
        ? prev.run === f.run
        : latest === undefined || f.latest === undefined || Math.abs(f.latest - latest) <= RUN_GAP_MS);
    if (last && sameRun) last.push(f);
    else {
      out.push([f]);
      latest = undefined;
    }
    if (f.latest !== undefined) latest = f.latest;
  }
  return out;
}

/** The latest ISO timestamp (`pulp_created`, task times…) in a file's recorded responses. */
function latestTimestamp(interactions: Interaction[]): number | undefined {
  let latest: number | undefined;
  for (const it of interactions) {
    if (it.responseBody === null || typeof it.responseBody !== "object") continue;
    for (const m of JSON.stringify(it.responseBody).matchAll(/"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z?)"/g)) {
      const t = Date.parse(m[1]!.endsWith("Z") ? m[1]! : `${m[1]}Z`);
      if (!Number.isNaN(t) && (latest === undefined || t > latest)) latest = t;
    }
  }
  return latest;
}

/**
 * A recording file's interactions. Recordings from other Pulp/squeezer versions may be malformed
 * or shaped differently: nothing here throws; what cannot be used is said in `unreadable` (whole
 * file) or an interaction's `invalid`, and the replay counts it as a failure.
 */
function readInteractions(path: string): { interactions: Interaction[]; unreadable?: string } {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    return { interactions: [], unreadable: `not readable as JSON: ${(e as Error).message}` };
  }
  if (!Array.isArray(data)) return { interactions: [], unreadable: `expected an array of interactions, got ${typeOf(data)}` };
  return { interactions: data.map(toInteraction) };
}

function toInteraction(raw: unknown): Interaction {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    return { method: "", path: "", requestBody: null, status: 0, responseBody: null, invalid: `expected an interaction object, got ${typeOf(raw)}` };
  }
  const r = raw as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof r["method"] !== "string" || r["method"] === "") problems.push("no method");
  if (typeof r["path"] !== "string" || !r["path"].startsWith("/")) problems.push("no absolute path");
  if (typeof r["status"] !== "number") problems.push("no numeric status");
  const form = r["requestBodyForm"];
  const it: Interaction = {
    method: typeof r["method"] === "string" ? r["method"].toUpperCase() : "",
    path: typeof r["path"] === "string" ? r["path"] : "",
    requestBody: r["requestBody"] ?? null,
    status: typeof r["status"] === "number" ? r["status"] : 0,
    responseBody: r["responseBody"] ?? null,
  };
  if (typeof r["requestContentType"] === "string") it.requestContentType = r["requestContentType"];
  if (form !== undefined && form !== null) {
    const values = typeof form === "object" && !Array.isArray(form) ? Object.values(form) : [];
    if (values.length > 0 && values.every((v) => typeof v === "string")) it.requestBodyForm = form as Record<string, string>;
    else problems.push("requestBodyForm is not a map of strings");
  }
  if (problems.length > 0) it.invalid = `unexpected interaction shape: ${problems.join(", ")}`;
  return it;
}

function typeOf(v: unknown): string {
  return v === null ? "null" : Array.isArray(v) ? "an array" : typeof v;
}

function readRuns(dir: string): Map<string, string> {
  const runs = new Map<string, string>();
  const index = join(dir, "_index.json");
  if (!existsSync(index)) return runs;
  try {
    const data = JSON.parse(readFileSync(index, "utf8")) as {
      cassettes?: Record<string, { squeezer_commit?: unknown } | null>;
    };
    for (const [name, info] of Object.entries(data.cassettes ?? {})) {
      // Commits are recorded abbreviated to different lengths ("2f1caec" / "2f1caeca").
      const commit = info?.squeezer_commit;
      if (typeof commit === "string" && commit) runs.set(name, commit.slice(0, 7));
    }
  } catch {
    // An index we cannot read only loses the run boundaries.
  }
  return runs;
}
