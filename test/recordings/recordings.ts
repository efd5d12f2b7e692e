/**
 * Loading a directory of recordings: `<module>-<n>.json` files, each an array of
 * `{method, path, requestBody, status, responseBody}` (+ optional `requestBodyForm`), and an
 * optional `_index.json` saying which recording run each file came from.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export interface Interaction {
  method: string;
  path: string;
  requestBody: unknown;
  status: number;
  responseBody: unknown;
  requestContentType?: string;
  requestBodyForm?: Record<string, string>;
}

export interface RecordingFile {
  /** File name without `.json`, e.g. `rpm_sync-0`. */
  name: string;
  module: string;
  step: number;
  interactions: Interaction[];
  /** Identifies the recording run (squeezer commit) when `_index.json` says so. */
  run?: string;
}

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
    const interactions = JSON.parse(readFileSync(join(dir, file), "utf8")) as Interaction[];
    if (!Array.isArray(interactions)) continue;
    const run = runs.get(name);
    files.push({
      name,
      module: m ? m[1]! : name,
      step: m ? Number(m[2]) : 0,
      interactions,
      ...(run ? { run } : {}),
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
  for (const f of module.files) {
    const last = out.at(-1);
    if (last && last[0]!.run === f.run) last.push(f);
    else out.push([f]);
  }
  return out;
}

function readRuns(dir: string): Map<string, string> {
  const runs = new Map<string, string>();
  const index = join(dir, "_index.json");
  if (!existsSync(index)) return runs;
  try {
    const data = JSON.parse(readFileSync(index, "utf8")) as {
      cassettes?: Record<string, { squeezer_commit?: string }>;
    };
    for (const [name, info] of Object.entries(data.cassettes ?? {})) {
      // Commits are recorded abbreviated to different lengths ("2f1caec" / "2f1caeca").
      if (info.squeezer_commit) runs.set(name, info.squeezer_commit.slice(0, 7));
    }
  } catch {
    // An index we cannot read only loses the run boundaries.
  }
  return runs;
}
