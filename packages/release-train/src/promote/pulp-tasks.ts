// The engine's task machinery over a PulpClient, shared by both promotion flows.
import type { PulpClient, Query } from "@release-train/pulp-client";
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

/**
 * A step whose task is idempotent (a guard patch, a tag copy, a tag removal) is dispatched again
 * when its task fails, up to `attempts` times in all: a worker lost mid-task should not fail the
 * night. Pulp's own text of every failure is logged; the last one fails the item.
 */
export async function idempotentTask(ctx: ItemContext, step: string, dispatch: () => Promise<string>, attempts = 3): Promise<TaskRun> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await ctx.task(step, dispatch);
    } catch (error) {
      if (!(error instanceof TaskFailedError) || attempt >= attempts) throw error;
      ctx.log(`${step}: ${error.message}; dispatching again (attempt ${attempt + 1} of ${attempts})`);
    }
  }
}
