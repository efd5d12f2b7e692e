// One run's tasks: dispatch through the flow's callback, record the href in the state file, wait
// through the shared TaskWatcher — or, on a re-run of the same run, re-attach to a recorded task
// that is still running (and, where the step allows it, take a recorded completed task as done).
import type { StateFile } from "./state-file";
import { FINAL_STATES, type TaskRecord, type TaskWatcher } from "./task-watcher";

export type TaskOrigin = "dispatched" | "re-attached" | "reused";

export interface TaskRunOptions {
  /** First poll delay for this task (long tasks such as syncs: ~1 s). */
  initialDelayMs?: number | undefined;
  /**
   * A recorded task of this step that completed is the step's result (no new dispatch). Only for
   * steps whose outcome does not depend on anything that may have changed since (a sync of the
   * same run), never for a patch computed from current state.
   */
  reuseCompleted?: boolean;
  /** Called with the task's href before waiting (so a timeout still reports which task it was). */
  onTask?: ((href: string, origin: TaskOrigin) => void) | undefined;
}

export interface TaskRun {
  task: TaskRecord;
  origin: TaskOrigin;
}

export class TaskRunner {
  private constructor(
    readonly watcher: TaskWatcher,
    readonly state: StateFile,
    /** State-file scope (package sync: the target). */
    readonly scope: string,
    /** Recorded tasks of this run as Pulp lists them now (one bulk lookup at start). */
    private readonly recorded: Map<string, TaskRecord>,
  ) {}

  /** Looks every recorded task of `keys` up in bulk, so each item knows what to re-attach to. */
  static async open(options: { watcher: TaskWatcher; state: StateFile; scope: string; keys: string[] }): Promise<TaskRunner> {
    const hrefs = options.state.tasksOf(options.keys, options.scope);
    const recorded = hrefs.length ? await options.watcher.states(hrefs) : new Map<string, TaskRecord>();
    return new TaskRunner(options.watcher, options.state, options.scope, recorded);
  }

  /** Dispatch (or re-attach / reuse) the task of `step` for item `key` and wait for it. */
  async run(key: string, step: string, dispatch: () => Promise<string>, options: TaskRunOptions = {}): Promise<TaskRun> {
    const href = this.state.get(key, this.scope, step);
    const known = href ? this.recorded.get(href) : undefined;
    if (href && known) {
      if (!FINAL_STATES.has(known.state)) {
        options.onTask?.(href, "re-attached");
        return { task: await this.watcher.wait(href, { initialDelayMs: options.initialDelayMs }), origin: "re-attached" };
      }
      if (options.reuseCompleted && known.state === "completed") {
        options.onTask?.(href, "reused");
        return { task: known, origin: "reused" };
      }
    }
    const dispatched = await dispatch();
    await this.state.record(key, this.scope, step, dispatched);
    // A later step of the same item must not mistake this for the recorded one.
    this.recorded.delete(dispatched);
    options.onTask?.(dispatched, "dispatched");
    return { task: await this.watcher.wait(dispatched, { initialDelayMs: options.initialDelayMs }), origin: "dispatched" };
  }
}
