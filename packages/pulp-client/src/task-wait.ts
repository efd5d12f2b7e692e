import { PulpTaskError, PulpTimeoutError } from "./errors";
import type { AnyHref, TaskHref } from "./hrefs";
import { sleep } from "./retry";
import { FINAL_TASK_STATES, type Task } from "./schemas/tasks";

export interface WaitOptions {
  /** Give up after this long (default: wait forever). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** First poll interval (default 250 ms); grows ×2 per poll up to pollMaxMs (default 5 s). */
  pollMinMs?: number;
  pollMaxMs?: number;
  /** Called with every polled state (progress logging). */
  onPoll?: (task: Task) => void;
}

/** A dispatched Pulp task: wait for it now or later. */
export class TaskHandle {
  constructor(
    readonly href: TaskHref,
    private readonly waiter: (opts?: WaitOptions) => Promise<Task>,
  ) {}

  /** Resolves with the completed task; rejects with PulpTaskError (failed/canceled) or PulpTimeoutError. */
  wait(opts?: WaitOptions): Promise<Task> {
    return this.waiter(opts);
  }
}

/** Hrefs the task created (new repository version, publication, distribution…), placeholders dropped. */
export function createdResources(task: Task): AnyHref[] {
  return task.created_resources.filter((h): h is AnyHref => typeof h === "string");
}

/**
 * The first created resource whose href contains `fragment` (e.g. `"/publications/rpm/rpm/"`):
 * a `mirror_complete` sync creates a version *and* a publication.
 */
export function createdResource<H extends AnyHref>(task: Task, fragment: string): H | undefined {
  return createdResources(task).find((h) => h.includes(fragment)) as H | undefined;
}

export async function waitForTask(
  fetchTask: (signal: AbortSignal | undefined) => Promise<Task>,
  href: TaskHref,
  opts: WaitOptions = {},
): Promise<Task> {
  const min = opts.pollMinMs ?? 250;
  const max = opts.pollMaxMs ?? 5_000;
  const timeoutMs = opts.timeoutMs;
  const timeout = timeoutMs !== undefined ? AbortSignal.timeout(timeoutMs) : undefined;
  const signals = [opts.signal, timeout].filter((s): s is AbortSignal => s !== undefined);
  const signal = signals.length > 0 ? AbortSignal.any(signals) : undefined;
  let delay = min;
  let last: Task | undefined;
  try {
    for (;;) {
      last = await fetchTask(signal);
      opts.onPoll?.(last);
      if (FINAL_TASK_STATES.has(last.state)) break;
      await sleep(delay, signal);
      delay = Math.min(max, delay * 2);
    }
  } catch (err) {
    if (timeout?.aborted && !opts.signal?.aborted) {
      throw new PulpTimeoutError(
        `Task ${href} not finished after ${timeoutMs} ms (last state: ${last?.state ?? "unknown"})`,
        timeoutMs ?? 0,
      );
    }
    throw err;
  }
  if (last.state === "failed" || last.state === "canceled") {
    throw new PulpTaskError(href, last.state, last.error?.description ?? undefined, last);
  }
  return last;
}

/** Wait for every task; all are awaited before the first failure (in input order) is thrown. */
export async function waitAll(handles: readonly TaskHandle[], opts?: WaitOptions): Promise<Task[]> {
  const settled = await Promise.allSettled(handles.map((h) => h.wait(opts)));
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
  if (failed) throw failed.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<Task>).value);
}
