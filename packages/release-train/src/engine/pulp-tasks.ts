// The engine's task queries over a PulpClient, shared by every flow (package sync, container sync,
// promotion): bulk task states for the TaskWatcher and the task search the TaskRunner reconciles a
// lost dispatch with. One place, so every flow re-attaches and reconciles the same way.
import type { PulpClient, Query } from "@release-train/pulp-client";
import { StateFile } from "./state-file";
import { type TaskRecord, TaskWatcher } from "./task-watcher";
import { type FindTasks, TaskRunner } from "./tasks";

/** Objects per list request: Pulp has no maximum page size (guide §4). */
const PAGE = { pageSize: 1000 };

/** The states of `hrefs` (one request per 1000). */
export function listTasks(client: PulpClient) {
  return async (hrefs: string[]): Promise<TaskRecord[]> =>
    hrefs.length ? ((await client.tasks.listAll({ pulp_href__in: hrefs } as Query, PAGE)) as TaskRecord[]) : [];
}

/** Tasks locking any of `resources` created since `since`. Pulp 3.24 cannot filter tasks by creation time: newest first, stop at the first older one. */
export function findTasks(client: PulpClient): FindTasks {
  return async ({ resources, since }) => {
    const found: TaskRecord[] = [];
    if (!resources.length) return found;
    const query = { reserved_resources__in: resources, ordering: "-pulp_created" } as Query;
    const from = Date.parse(since);
    for await (const task of client.tasks.list(query, PAGE)) {
      if (Date.parse(task.pulp_created) < from) break;
      found.push(task as TaskRecord);
    }
    return found;
  };
}

export interface Polling {
  initialDelayMs?: number | undefined;
  maxDelayMs?: number | undefined;
  timeoutMs?: number | undefined;
}

/** A TaskWatcher and a TaskRunner (with `findTasks`) over `client` for one run's items. */
export async function openPulpTasks(
  client: PulpClient,
  options: { stateFile?: string | undefined; scope: string; keys: string[]; polling?: Polling | undefined; retries?: number | undefined },
) {
  const state = await StateFile.open(options.stateFile);
  const watcher = new TaskWatcher({
    listTasks: listTasks(client),
    initialDelayMs: options.polling?.initialDelayMs ?? 200,
    maxDelayMs: options.polling?.maxDelayMs ?? 2000,
    timeoutMs: options.polling?.timeoutMs,
  });
  const tasks = await TaskRunner.open({ watcher, state, scope: options.scope, keys: options.keys, findTasks: findTasks(client), retries: options.retries });
  return { watcher, tasks };
}
