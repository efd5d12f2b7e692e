import { type Knobs, taskDuration } from "../knobs";
import { API_ROOT, nextSeq, nowIso, uuid } from "../store/ids";

export type TaskState = "waiting" | "skipped" | "running" | "completed" | "failed" | "canceled" | "canceling";
export const FINAL_STATES: readonly TaskState[] = ["completed", "failed", "canceled", "skipped"];

export interface ProgressReport {
  message: string;
  code: string;
  state: string;
  total: number | null;
  done: number;
  suffix: string | null;
}

export interface TaskContext {
  signal: AbortSignal;
  task: Task;
  /** Add or update a progress report by code. */
  progress(report: Omit<ProgressReport, "suffix" | "state"> & { state?: string }): void;
}

export interface TaskSpec {
  /** Dotted task function name, e.g. `pulpcore.app.tasks.base.general_update`. */
  name: string;
  /** Knob key for the duration (`sync`, `publish`, `general`, ...). */
  kind: string;
  exclusive: string[];
  shared?: string[];
  /** Does the work; returns created resource hrefs. Must check `signal` before committing changes. */
  run(ctx: TaskContext): Promise<string[]> | string[];
}

export interface Task {
  href: string;
  seq: number;
  created: string;
  state: TaskState;
  name: string;
  kind: string;
  loggingCid: string;
  startedAt: string | null;
  finishedAt: string | null;
  error: { description: string; traceback: string } | null;
  worker: string | null;
  progress: ProgressReport[];
  createdResources: string[];
  exclusive: string[];
  shared: string[];
  createdBy: string | null;
  /** GETs of this task seen in its current state (for the taskPollsPerState knob). */
  pollsInState: number;
  spec: TaskSpec;
  abort: AbortController;
}

class CanceledError extends Error {}

/**
 * Pulp's tasking system in miniature: N workers, tasks start in creation order when a worker is free
 * and no earlier unfinished task holds a conflicting resource (exclusive vs any; shared vs exclusive).
 */
export class TaskManager {
  readonly tasks = new Map<string, Task>();
  private readonly workerHrefs: string[] = [];
  private running = 0;
  private readonly pollWaiters = new Map<string, () => void>();
  private stopped = false;

  constructor(private readonly knobs: Knobs) {}

  workers(): { href: string; name: string; created: string }[] {
    const n = Math.max(1, this.knobs.workers);
    while (this.workerHrefs.length < n) this.workerHrefs.push(`${API_ROOT}workers/${uuid()}/`);
    return this.workerHrefs.slice(0, n).map((href, i) => ({ href, name: `${i + 1}@emulator`, created: nowIso() }));
  }

  dispatch(spec: TaskSpec, createdBy: string | null = null): Task {
    const task: Task = {
      href: `${API_ROOT}tasks/${uuid()}/`,
      seq: nextSeq(),
      created: nowIso(),
      state: "waiting",
      name: spec.name,
      kind: spec.kind,
      loggingCid: uuid().replace(/-/g, ""),
      startedAt: null,
      finishedAt: null,
      error: null,
      worker: null,
      progress: [],
      createdResources: [],
      exclusive: spec.exclusive,
      shared: spec.shared ?? [],
      createdBy,
      pollsInState: 0,
      spec,
      abort: new AbortController(),
    };
    this.tasks.set(task.href, task);
    // Start on the next tick so the 202 is sent before the task can finish.
    setImmediate(() => this.pump());
    return task;
  }

  /** Record a GET of the task; may release a task waiting for polls. */
  polled(task: Task): void {
    task.pollsInState++;
    this.pollWaiters.get(task.href)?.();
  }

  /** PATCH state=canceled. Returns false when the task is already final (→ 409). */
  cancel(task: Task): boolean {
    if (FINAL_STATES.includes(task.state)) return false;
    if (task.state === "waiting" && task.worker === null) {
      task.state = "canceled";
      task.finishedAt = nowIso();
      setImmediate(() => this.pump());
    } else {
      task.state = "canceling";
      task.abort.abort(new CanceledError("canceled"));
      this.pollWaiters.get(task.href)?.();
    }
    return true;
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.tasks.values()) if (!FINAL_STATES.includes(t.state)) t.abort.abort(new CanceledError("stopped"));
    for (const w of this.pollWaiters.values()) w();
  }

  /** Wait until all tasks are final (tests, graceful shutdown). */
  async idle(timeoutMs = 30_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while ([...this.tasks.values()].some((t) => !FINAL_STATES.includes(t.state))) {
      if (Date.now() > end) throw new Error("tasks did not finish in time");
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  private conflicts(a: Task, b: Task): boolean {
    const overlap = (x: string[], y: string[]) => x.some((r) => y.includes(r));
    return overlap(a.exclusive, b.exclusive) || overlap(a.exclusive, b.shared) || overlap(a.shared, b.exclusive);
  }

  private pump(): void {
    if (this.stopped) return;
    const ordered = [...this.tasks.values()].filter((t) => !FINAL_STATES.includes(t.state)).sort((a, b) => a.seq - b.seq);
    const blockers: Task[] = [];
    for (const task of ordered) {
      if (task.state === "waiting" && task.worker === null) {
        const free = this.running < Math.max(1, this.knobs.workers);
        if (free && !blockers.some((b) => this.conflicts(b, task))) {
          this.running++;
          const workers = this.workers();
          task.worker = workers[this.running % workers.length]?.href ?? null;
          void this.execute(task);
        }
      }
      blockers.push(task);
    }
  }

  private async waitForPolls(task: Task): Promise<void> {
    while (task.pollsInState < this.knobs.taskPollsPerState && !task.abort.signal.aborted && !this.stopped) {
      await new Promise<void>((resolve) => this.pollWaiters.set(task.href, resolve));
      this.pollWaiters.delete(task.href);
    }
  }

  private async execute(task: Task): Promise<void> {
    try {
      await this.waitForPolls(task);
      if (task.abort.signal.aborted) throw new CanceledError("canceled");
      task.state = "running";
      task.pollsInState = 0;
      task.startedAt = nowIso();
      await sleep(taskDuration(this.knobs, task.kind), task.abort.signal);
      if (this.knobs.taskFailureRate > 0 && this.knobs.random() < this.knobs.taskFailureRate) {
        throw new Error("Injected task failure (emulator fault injection).");
      }
      const ctx: TaskContext = {
        signal: task.abort.signal,
        task,
        progress: (r) => {
          const report: ProgressReport = { suffix: null, state: "running", ...r, total: r.total ?? null };
          const i = task.progress.findIndex((p) => p.code === r.code);
          if (i >= 0) task.progress[i] = report;
          else task.progress.push(report);
        },
      };
      const created = await task.spec.run(ctx);
      if (task.abort.signal.aborted) throw new CanceledError("canceled");
      await this.waitForPolls(task);
      task.createdResources = created;
      task.state = "completed";
      for (const p of task.progress) if (p.state === "running") p.state = "completed";
    } catch (err) {
      if (err instanceof CanceledError || task.abort.signal.aborted) {
        task.state = "canceled";
      } else {
        task.state = "failed";
        const e = err as Error;
        task.error = { description: e.message, traceback: e.stack ?? "" };
        for (const p of task.progress) if (p.state === "running") p.state = "failed";
      }
    } finally {
      task.finishedAt = nowIso();
      task.pollsInState = 0;
      this.running--;
      this.pump();
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(t);
      reject(new CanceledError("canceled"));
    });
  });
}

/** Pulp's `reserved_resources_record`: exclusive hrefs as they are, shared ones prefixed `shared:`. */
export const reservedResourcesRecord = (t: Task): string[] => [...t.exclusive, ...t.shared.map((s) => `shared:${s}`)];

export function serializeTask(t: Task): Record<string, unknown> {
  return {
    pulp_href: t.href,
    pulp_created: t.created,
    state: t.state,
    name: t.name,
    logging_cid: t.loggingCid,
    started_at: t.startedAt,
    finished_at: t.finishedAt,
    error: t.error,
    worker: t.worker,
    parent_task: null,
    child_tasks: [],
    task_group: null,
    progress_reports: t.progress,
    created_resources: t.state === "completed" ? t.createdResources : [],
    reserved_resources_record: reservedResourcesRecord(t),
  };
}
