// Records dispatched task hrefs so a re-run with the same version re-attaches to tasks that are
// still running (long syncs outlive a CI job) instead of dispatching duplicates.
// Layout: { "<version>/<short_name>": { "<target>": { "sync": href, "publish": href, … } } }.
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { SyncTarget } from "./types";

export type TaskStep = "remote" | "sync" | "publish" | "distribute";
export type StateData = Record<string, Partial<Record<SyncTarget, Partial<Record<TaskStep, string>>>>>;

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

  static key(version: string, shortName: string): string {
    return `${version}/${shortName}`;
  }

  get(key: string, target: SyncTarget, step: TaskStep): string | undefined {
    return this.data[key]?.[target]?.[step];
  }

  /** Every recorded task href of the given keys (to look their state up in bulk). */
  tasksOf(keys: string[], target: SyncTarget): string[] {
    return keys.flatMap((k) => Object.values(this.data[k]?.[target] ?? {}));
  }

  record(key: string, target: SyncTarget, step: TaskStep, href: string): Promise<void> {
    const entry = this.data[key] ?? {};
    entry[target] = { ...entry[target], [step]: href };
    this.data[key] = entry;
    return this.flush();
  }

  snapshot(): StateData {
    return structuredClone(this.data);
  }

  /** Forget all but the newest `keep` versions so the file does not grow night after night. */
  private prune(keep = 7): void {
    const versions = [...new Set(Object.keys(this.data).map((k) => k.split("/")[0] as string))].sort().reverse();
    const kept = new Set(versions.slice(0, keep));
    for (const key of Object.keys(this.data)) if (!kept.has(key.split("/")[0] as string)) delete this.data[key];
  }

  /** Serialised, atomic (write + rename) so concurrent repositories never corrupt the file. */
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
