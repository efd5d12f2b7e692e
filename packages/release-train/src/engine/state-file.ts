// Records dispatched task hrefs so a re-run of the same run (same version) re-attaches to tasks that
// are still running (long syncs outlive a CI job) or reuses completed ones instead of dispatching
// duplicates. Before a dispatch is sent its *intent* is recorded (time, the resource the task will
// lock, its name), so a dispatch whose answer never arrived (crash, dropped connection) can be
// found among Pulp's tasks instead of being sent again.
// Layout: { "<run>/<item>": { "<scope>": { "<step>": href | {dispatching, resource, name?} } } } —
// for package sync `<version>/<short_name>` → `ark|test` → `sync|publish|…`; other flows pick
// their own run, item, scope and step names.
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";

/** A dispatch sent (or about to be) whose task href is not known yet. */
export interface DispatchIntent {
  /** ISO time just before the request was sent (runner's clock). */
  dispatching: string;
  /** Href of the object the task locks (repository for sync/publish), to find it with `reserved_resources`. */
  resource: string;
  /** Part of the task's name (`synchronize`, `publish`), to tell tasks on one resource apart. */
  name?: string;
}

export type StepState = string | DispatchIntent;
export type StateData = Record<string, Record<string, Record<string, StepState>>>;

export class StateFile {
  private writes: Promise<void> = Promise.resolve();

  private constructor(
    private readonly path: string | undefined,
    private readonly data: StateData,
  ) {}

  /** No path = in-memory only. A missing file is an empty state. */
  static async open(path: string | undefined): Promise<StateFile> {
    if (!path) return new StateFile(undefined, {});
    try {
      return new StateFile(path, JSON.parse(await readFile(path, "utf8")) as StateData);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return new StateFile(path, {});
      throw new Error(`cannot read state file ${path}: ${(error as Error).message}`);
    }
  }

  /** Item key within a run: `<run>/<item>` (the run part is what pruning keeps the newest of). */
  static key(run: string, item: string): string {
    return `${run}/${item}`;
  }

  /** The recorded task href of a step (undefined while only an intent is recorded). */
  get(key: string, scope: string, step: string): string | undefined {
    const value = this.data[key]?.[scope]?.[step];
    return typeof value === "string" ? value : undefined;
  }

  /** The recorded intent of a step whose dispatch was never answered. */
  intent(key: string, scope: string, step: string): DispatchIntent | undefined {
    const value = this.data[key]?.[scope]?.[step];
    return typeof value === "object" && value !== null ? value : undefined;
  }

  /** Every recorded task href of the given keys (to look their state up in bulk). */
  tasksOf(keys: string[], scope: string): string[] {
    return keys.flatMap((k) => Object.values(this.data[k]?.[scope] ?? {}).filter((v): v is string => typeof v === "string"));
  }

  /** Every unanswered intent of the given keys, with its key and step. */
  intentsOf(keys: string[], scope: string): { key: string; step: string; intent: DispatchIntent }[] {
    return keys.flatMap((key) =>
      Object.entries(this.data[key]?.[scope] ?? {}).flatMap(([step, v]) => (typeof v === "object" ? [{ key, step, intent: v }] : [])),
    );
  }

  record(key: string, scope: string, step: string, value: StepState): Promise<void> {
    const entry = this.data[key] ?? {};
    entry[scope] = { ...entry[scope], [step]: value };
    this.data[key] = entry;
    return this.flush();
  }

  /** Forget a step (its dispatch was refused: nothing to find or re-attach to). */
  clear(key: string, scope: string, step: string): Promise<void> {
    const steps = this.data[key]?.[scope];
    if (!steps || !(step in steps)) return Promise.resolve();
    delete steps[step];
    return this.flush();
  }

  snapshot(): StateData {
    return structuredClone(this.data);
  }

  /** Forget all but the newest `keep` runs so the file does not grow night after night. */
  private prune(keep = 7): void {
    const runs = [...new Set(Object.keys(this.data).map(runOf))].sort().reverse();
    const kept = new Set(runs.slice(0, keep));
    for (const key of Object.keys(this.data)) if (!kept.has(runOf(key))) delete this.data[key];
  }

  /** Serialised, atomic (write + rename) so concurrent items never corrupt the file. */
  private flush(): Promise<void> {
    const path = this.path;
    if (!path) return Promise.resolve();
    this.prune();
    const text = `${JSON.stringify(this.data, null, 2)}\n`;
    this.writes = this.writes.then(async () => {
      await mkdir(dirname(path), { recursive: true });
      const tmp = `${path}.${process.pid}.tmp`;
      await writeFile(tmp, text);
      await rename(tmp, path);
    });
    return this.writes;
  }
}

function runOf(key: string): string {
  return key.split("/")[0] as string;
}
