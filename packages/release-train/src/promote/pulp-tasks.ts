// The engine's task machinery over a PulpClient, shared by both promotion flows.
import { type PulpClient, PulpConnectionError, PulpHttpError, PulpTimeoutError, type Query } from "@release-train/pulp-client";
import { type ItemContext, StateFile, TaskFailedError, type TaskRecord, type TaskRun, TaskRunner, TaskWatcher } from "../engine";

export interface Polling {
  initialDelayMs?: number | undefined;
  maxDelayMs?: number | undefined;
  timeoutMs?: number | undefined;
}

const PAGE = { pageSize: 1000 };

export function listTasks(pulp: PulpClient) {
  return async (hrefs: string[]): Promise<TaskRecord[]> =>
    hrefs.length ? ((await pulp.tasks.listAll({ pulp_href__in: hrefs } as Query, PAGE)) as TaskRecord[]) : [];
}

export async function openTasks(pulp: PulpClient, options: { stateFile?: string | undefined; scope: string; keys: string[]; polling?: Polling | undefined }) {
  const state = await StateFile.open(options.stateFile);
  const watcher = new TaskWatcher({
    listTasks: listTasks(pulp),
    initialDelayMs: options.polling?.initialDelayMs ?? 200,
    maxDelayMs: options.polling?.maxDelayMs ?? 2000,
    timeoutMs: options.polling?.timeoutMs,
  });
  const tasks = await TaskRunner.open({ watcher, state, scope: options.scope, keys: options.keys });
  return { watcher, tasks };
}

/** A failure that may go away on a second try: a failed task, a refused or dropped request. */
export function transient(error: unknown): boolean {
  if (error instanceof TaskFailedError || error instanceof PulpConnectionError || error instanceof PulpTimeoutError) return true;
  return error instanceof PulpHttpError && (error.status >= 500 || error.status === 429);
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface IdempotentTaskOptions {
  attempts?: number | undefined;
  /**
   * After a dispatch whose response was lost, the task may exist anyway: a task of this run still
   * running on the item's repository is waited for instead of dispatching a second one.
   */
  inflight?: (() => Promise<string | undefined>) | undefined;
}

/**
 * A step whose task is idempotent in effect (a guard patch, a tag copy, a tag removal, a
 * distribution update) is tried again when its task fails or its dispatch is refused or dropped, up
 * to `attempts` times: a lost worker or a 503 should not fail the night. Every failure's own text
 * is logged; the last one fails the item.
 */
export async function idempotentTask(ctx: ItemContext, step: string, dispatch: () => Promise<string>, options: IdempotentTaskOptions = {}): Promise<TaskRun> {
  const attempts = options.attempts ?? 4;
  let lostResponse = false;
  for (let attempt = 1; ; attempt++) {
    try {
      return await ctx.task(step, async () => {
        const running = lostResponse ? await options.inflight?.() : undefined;
        if (running) {
          ctx.log(`${step}: the lost dispatch did reach Pulp: waiting for its task ${running}`);
          return running;
        }
        return dispatch();
      });
    } catch (error) {
      if (!transient(error) || attempt >= attempts) throw error;
      lostResponse = error instanceof PulpConnectionError || error instanceof PulpTimeoutError;
      ctx.log(`${step}: ${(error as Error).message}; trying again (attempt ${attempt + 1} of ${attempts})`);
      await pause(100 * 2 ** attempt);
    }
  }
}

/** Creates an object, or finds it when the create's outcome is unknown (dropped, refused) or raced. */
export async function createOrFind<T>(find: () => Promise<T | undefined>, create: () => Promise<T>, attempts = 4): Promise<{ value: T; created: boolean }> {
  for (let attempt = 1; ; attempt++) {
    const found = attempt > 1 ? await find() : undefined;
    if (found) return { value: found, created: false };
    try {
      return { value: await create(), created: true };
    } catch (error) {
      const conflict = error instanceof PulpHttpError && error.status === 400 && /unique/i.test(error.message);
      if (!(transient(error) || conflict) || attempt >= attempts) throw error;
      await pause(100 * 2 ** attempt);
    }
  }
}

/** The newest waiting/running task holding `resource` (one list call). */
export async function runningTaskOn(pulp: PulpClient, resource: string): Promise<string | undefined> {
  const tasks = await pulp.tasks.listAll({ reserved_resources: resource, state__in: ["waiting", "running"] } as Query, PAGE);
  return tasks[0]?.pulp_href;
}
