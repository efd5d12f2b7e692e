// Records dispatched task hrefs so a re-run of the same run (same version) re-attaches to tasks that
// are still running (long syncs outlive a CI job) instead of dispatching duplicates.
// Layout: { "<run>/<item>": { "<scope>": { "<step>": href, … } } } — for package sync
// `<version>/<short_name>` → `ark|test` → `sync|publish|…`; other flows pick their own run, item,
// scope and step names.
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";

export type StateData = Record<string, Record<string, Record<string, string>>>;

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

  get(key: string, scope: string, step: string): string | undefined {
    return this.data[key]?.[scope]?.[step];
  }

  /** Every recorded task href of the given keys (to look their state up in bulk). */
  tasksOf(keys: string[], scope: string): string[] {
    return keys.flatMap((k) => Object.values(this.data[k]?.[scope] ?? {}));
  }

  record(key: string, scope: string, step: string, href: string): Promise<void> {
    const entry = this.data[key] ?? {};
    entry[scope] = { ...entry[scope], [step]: href };
    this.data[key] = entry;
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
