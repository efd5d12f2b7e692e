// Waits for many Pulp tasks with few requests: every pending task is checked by one bulk list call
// (`pulp_href__in`), first after `initialDelayMs`, then with exponential backoff per task. Tasks
// that become due close together share a request, so N concurrent syncs cost ~1 poll, not N.
import { redactString } from "@release-train/pulp-client";

/** A Pulp task as listed by `GET tasks/` (only the fields the engine reads). */
export interface TaskRecord {
  pulp_href: string;
  state: string;
  name?: string;
  pulp_created?: string;
  created_resources?: (string | null)[];
  /** Hrefs (or `shared:` hrefs) the task locked: how a dispatch is found again by what it worked on. */
  reserved_resources_record?: string[];
  error?: { description?: string; reason?: string } | null;
}

export const FINAL_STATES = new Set(["completed", "failed", "canceled", "skipped"]);

export class TaskFailedError extends Error {
  constructor(
    readonly task: TaskRecord,
    description: string,
  ) {
    super(description);
    this.name = "TaskFailedError";
  }
}

export interface TaskWatcherOptions {
  listTasks(hrefs: string[]): Promise<TaskRecord[]>;
  initialDelayMs?: number | undefined;
  maxDelayMs?: number | undefined;
  backoff?: number | undefined;
  /** Give up waiting on a task after this long (the task keeps running in Pulp). */
  timeoutMs?: number | undefined;
  /** Hrefs per list request (keeps URLs short). */
  batchSize?: number | undefined;
}

interface Pending {
  href: string;
  due: number;
  interval: number;
  deadline: number;
  /** Consecutive polls that did not find the task (purged or never existed). */
  misses: number;
  resolve(task: TaskRecord): void;
  reject(error: Error): void;
}

export class TaskWatcher {
  private readonly pending = new Map<string, Pending[]>();
  private timer: NodeJS.Timeout | undefined;
  private polling = false;
  private readonly initialDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly backoff: number;
  private readonly timeoutMs: number;
  private readonly batchSize: number;

  constructor(private readonly options: TaskWatcherOptions) {
    this.initialDelayMs = options.initialDelayMs ?? 300;
    this.maxDelayMs = options.maxDelayMs ?? 10_000;
    this.backoff = options.backoff ?? 1.6;
    this.timeoutMs = options.timeoutMs ?? 6 * 3600_000;
    this.batchSize = options.batchSize ?? 40;
  }

  /** Resolves with the finished task; rejects with Pulp's error text if it failed or was canceled. */
  wait(href: string, options: { initialDelayMs?: number | undefined } = {}): Promise<TaskRecord> {
    return new Promise<TaskRecord>((resolve, reject) => {
      const now = Date.now();
      const delay = options.initialDelayMs ?? this.initialDelayMs;
      const entry: Pending = { href, due: now + delay, interval: Math.max(delay, 100), deadline: now + this.timeoutMs, misses: 0, resolve, reject };
      const list = this.pending.get(href);
      if (list) list.push(entry);
      else this.pending.set(href, [entry]);
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.polling || this.pending.size === 0) return;
    const next = Math.min(...[...this.pending.values()].map((l) => (l[0] as Pending).due));
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.poll(), Math.max(0, next - Date.now()));
  }

  private async poll(): Promise<void> {
    this.timer = undefined;
    this.polling = true;
    try {
      const now = Date.now();
      const entries = [...this.pending.values()].map((l) => l[0] as Pending);
      // Ride along: tasks due within a quarter of their own interval are checked now too.
      const due = entries.filter((e) => e.due - e.interval / 4 <= now).map((e) => e.href);
      for (let i = 0; i < due.length; i += this.batchSize) {
        const batch = due.slice(i, i + this.batchSize);
        let tasks: TaskRecord[];
        try {
          tasks = await this.options.listTasks(batch);
        } catch (error) {
          // A failed poll is retried at the next interval rather than failing every waiter.
          for (const href of batch) this.reschedule(href, error as Error);
          continue;
        }
        const byHref = new Map(tasks.map((t) => [t.pulp_href, t]));
        for (const href of batch) {
          const task = byHref.get(href);
          if (task && FINAL_STATES.has(task.state)) this.settle(href, task);
          else if (!task && this.missing(href)) continue;
          else this.reschedule(href);
        }
      }
    } finally {
      this.polling = false;
      this.schedule();
    }
  }

  private reschedule(href: string, error?: Error): void {
    const now = Date.now();
    for (const entry of this.pending.get(href) ?? []) {
      entry.interval = Math.min(entry.interval * this.backoff, this.maxDelayMs);
      entry.due = now + entry.interval;
    }
    const expired = (this.pending.get(href) ?? []).filter((e) => e.deadline <= now);
    if (expired.length) {
      this.pending.delete(href);
      const reason = error ? `: ${error.message}` : "";
      for (const e of expired) e.reject(new Error(`timed out waiting for task ${href}${reason}`));
    }
  }

  /** A task Pulp no longer lists (purged, deleted) three polls in a row: give up on it. */
  private missing(href: string): boolean {
    const waiters = this.pending.get(href) ?? [];
    for (const w of waiters) w.misses += 1;
    if (!waiters.some((w) => w.misses >= 3)) return false;
    this.pending.delete(href);
    for (const w of waiters) w.reject(new Error(`task ${href} no longer exists in Pulp`));
    return true;
  }

  private settle(href: string, task: TaskRecord): void {
    const waiters = this.pending.get(href) ?? [];
    this.pending.delete(href);
    for (const w of waiters) {
      if (task.state === "completed" || task.state === "skipped") w.resolve(task);
      else w.reject(new TaskFailedError(task, taskErrorText(task)));
    }
  }

  /** Current state of tasks (one bulk call per batch); used to re-attach to recorded tasks. */
  async states(hrefs: string[]): Promise<Map<string, TaskRecord>> {
    const found = new Map<string, TaskRecord>();
    for (let i = 0; i < hrefs.length; i += this.batchSize) {
      for (const task of await this.options.listTasks(hrefs.slice(i, i + this.batchSize))) found.set(task.pulp_href, task);
    }
    return found;
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/** Pulp's own error text for a failed/canceled task (credentials in URLs redacted). */
function taskErrorText(task: TaskRecord): string {
  const raw = task.error?.description ?? task.error?.reason;
  const text = raw === undefined ? undefined : redactString(raw);
  return text ? `task ${task.state}: ${text}` : `task ${task.state}`;
}
