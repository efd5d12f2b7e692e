// One run's tasks: dispatch through the flow's callback, record the href in the state file, wait
// through the shared TaskWatcher. What makes a re-run (or a retry) safe:
// - a recorded task still running is re-attached to; with `reuseCompleted` a recorded completed one
//   is the step's result (a sync that finished before a crash is not dispatched again);
// - before a dispatch is sent its intent is recorded; a dispatch whose answer was lost (crash between
//   request and record, dropped connection, timeout) is looked for among Pulp's tasks — by the
//   resource it locks and its name, created since the intent — before anything is sent again;
// - a write that may have reached Pulp is only repeated once nothing of it was found;
// - a task that failed is dispatched again up to `retries` times (Pulp's error text kept).
import { mayHaveBeenApplied } from "@release-train/pulp-client";
import type { DispatchIntent, StateFile } from "./state-file";
import { FINAL_STATES, TaskFailedError, type TaskRecord, type TaskWatcher } from "./task-watcher";

export type TaskOrigin = "dispatched" | "re-attached" | "reused" | "found";

/** Lists tasks locking any of `resources`, created at or after `since` (one request, all pages). */
export type FindTasks = (query: { resources: string[]; since: string }) => Promise<TaskRecord[]>;

export interface TaskRunOptions {
  /** First poll delay for this task (long tasks such as syncs: ~1 s). */
  initialDelayMs?: number | undefined;
  /**
   * A recorded task of this step that completed is the step's result (no new dispatch). `true` for
   * steps whose outcome does not depend on anything that may have changed since (a sync of the
   * same run); a check for steps whose result must still fit (the publication is of the version
   * now wanted); never for a patch computed from current state.
   */
  reuseCompleted?: boolean | ((task: TaskRecord) => Promise<boolean>);
  /** How Pulp's task list shows this dispatch: the resource it locks and part of its name. */
  lookup?: { resource: string; name?: string } | undefined;
  /** What the task creates, by natural key (e.g. a distribution by name): found = the step is done. */
  find?: (() => Promise<string | undefined>) | undefined;
  /** The dispatch has the same effect when repeated (a PATCH of fields): resend after a lost answer. */
  repeatable?: boolean;
  /** Dispatches after a failed task (default: the runner's). */
  retries?: number | undefined;
  /** Called with the task's href before waiting (so a timeout still reports which task it was). */
  onTask?: ((href: string, origin: TaskOrigin) => void) | undefined;
  log?: ((line: string) => void) | undefined;
}

export interface TaskRun {
  task: TaskRecord;
  origin: TaskOrigin;
}

export interface TaskRunnerOptions {
  watcher: TaskWatcher;
  state: StateFile;
  /** State-file scope (package sync: the target). */
  scope: string;
  /** State-file keys of this run's items: their recorded tasks and intents are looked up in bulk. */
  keys: string[];
  /** Needed to reconcile intents (without it a lost dispatch is reported, never repeated blindly). */
  findTasks?: FindTasks | undefined;
  /** Dispatches after a failed task (default 2). */
  retries?: number | undefined;
  /** How far Pulp's clock may be behind the runner's (default 10 s). */
  clockSkewMs?: number | undefined;
}

export class TaskRunner {
  private readonly recorded: Map<string, TaskRecord>;
  /** Tasks the bulk intent lookup found, not yet claimed. */
  private readonly candidates: TaskRecord[];
  private readonly claimed = new Set<string>();
  private readonly retries: number;
  private readonly skewMs: number;

  private constructor(
    private readonly options: TaskRunnerOptions,
    recorded: Map<string, TaskRecord>,
    candidates: TaskRecord[],
  ) {
    this.recorded = recorded;
    this.candidates = candidates;
    this.retries = options.retries ?? 2;
    this.skewMs = options.clockSkewMs ?? 10_000;
    for (const href of recorded.keys()) this.claimed.add(href);
  }

  /** One bulk lookup of the recorded tasks and one of the tasks unanswered intents may have made. */
  static async open(options: TaskRunnerOptions): Promise<TaskRunner> {
    const hrefs = options.state.tasksOf(options.keys, options.scope);
    const recorded = hrefs.length ? await options.watcher.states(hrefs) : new Map<string, TaskRecord>();
    const intents = options.state.intentsOf(options.keys, options.scope).map((i) => i.intent);
    const skew = options.clockSkewMs ?? 10_000;
    let candidates: TaskRecord[] = [];
    if (intents.length && options.findTasks) {
      const since = new Date(Math.min(...intents.map((i) => Date.parse(i.dispatching))) - skew).toISOString();
      candidates = await options.findTasks({ resources: [...new Set(intents.map((i) => i.resource))], since });
    }
    return new TaskRunner(options, recorded, candidates);
  }

  /** Dispatch (or re-attach / reuse / find) the task of `step` for item `key` and wait for it. */
  async run(key: string, step: string, dispatch: () => Promise<string>, options: TaskRunOptions = {}): Promise<TaskRun> {
    const { state, scope, watcher } = this.options;
    const wait = (href: string) => watcher.wait(href, { initialDelayMs: options.initialDelayMs });
    let failure: TaskFailedError | undefined;

    let href = state.get(key, scope, step);
    let known = href ? this.recorded.get(href) : undefined;
    const intent = state.intent(key, scope, step);
    if (!href && intent) {
      known = await this.reconcile(intent);
      href = known?.pulp_href;
      if (href) await state.record(key, scope, step, href);
      else await state.clear(key, scope, step);
    }
    if (href && known) {
      this.recorded.delete(href);
      if (!FINAL_STATES.has(known.state)) {
        options.onTask?.(href, "re-attached");
        try {
          return { task: await wait(href), origin: "re-attached" };
        } catch (error) {
          if (!(error instanceof TaskFailedError)) throw error;
          failure = error;
        }
      } else if (known.state === "completed" && (await reusable(known, options.reuseCompleted))) {
        options.onTask?.(href, "reused");
        return { task: known, origin: "reused" };
      }
    }

    const retries = options.retries ?? this.retries;
    // Whether an answer was lost in this step: a later refusal may be that attempt's doing.
    const history = { lost: false };
    for (let attempt = failure ? 1 : 0; ; attempt++) {
      if (failure) {
        // A step with a natural key whose task failed (e.g. "name must be unique" because a lost
        // first attempt made it after all): what it was to make may exist anyway.
        const found = await options.find?.();
        if (found) return { task: foundTask(found), origin: "found" };
        if (attempt > retries) throw failure;
        options.log?.(`${step}: ${failure.message}; dispatching again (${attempt}/${retries})`);
      }
      const sent = await this.dispatchOnce(key, step, dispatch, options, history);
      if ("found" in sent) return sent.found;
      options.onTask?.(sent.href, "dispatched");
      try {
        return { task: await wait(sent.href), origin: "dispatched" };
      } catch (error) {
        if (!(error instanceof TaskFailedError)) throw error;
        failure = error;
      }
    }
  }

  /**
   * Record the intent, send the dispatch, record its href. When the answer is lost after the request
   * may have reached Pulp: look for the task (or, with `find`, the object), and only send again when
   * nothing was found.
   */
  private async dispatchOnce(
    key: string,
    step: string,
    dispatch: () => Promise<string>,
    options: TaskRunOptions,
    history: { lost: boolean },
  ): Promise<{ href: string } | { found: TaskRun }> {
    const { state, scope } = this.options;
    for (let attempt = 0; ; attempt++) {
      const intent: DispatchIntent | undefined = options.lookup
        ? { dispatching: new Date().toISOString(), ...options.lookup }
        : undefined;
      if (intent) await state.record(key, scope, step, intent);
      try {
        const href = await dispatch();
        this.claimed.add(href);
        await state.record(key, scope, step, href);
        return { href };
      } catch (error) {
        const ambiguous = mayHaveBeenApplied(error);
        // After a lost answer, a refusal of the resend (e.g. 400, the name is taken) may be the first
        // attempt's doing: look once more before failing.
        if (!ambiguous && !history.lost) {
          if (intent) await state.clear(key, scope, step);
          throw error;
        }
        const earlier = await this.findEarlier(intent, options);
        if (earlier) {
          if ("href" in earlier) await state.record(key, scope, step, earlier.href);
          return earlier;
        }
        if (!ambiguous || attempt >= 3 || (!intent && !options.find && !options.repeatable)) throw error;
        history.lost = true;
        options.log?.(`${step}: ${(error as Error).message}; nothing of it reached Pulp, sending again`);
      }
    }
  }

  /** What a dispatch whose answer was lost made: its task (by intent) or its object (by `find`). */
  private async findEarlier(intent: DispatchIntent | undefined, options: TaskRunOptions): Promise<{ href: string } | { found: TaskRun } | undefined> {
    if (intent && this.options.findTasks) {
      const task = await this.reconcile(intent, true);
      if (task) return { href: task.pulp_href };
    }
    if (options.find) {
      const found = await options.find();
      if (found) return { found: { task: foundTask(found), origin: "found" } };
    }
    return undefined;
  }

  /** The task an intent made, if Pulp has it: newest unclaimed task on its resource since its time. */
  private async reconcile(intent: DispatchIntent, fresh = false): Promise<TaskRecord | undefined> {
    const since = new Date(Date.parse(intent.dispatching) - this.skewMs).toISOString();
    const pool =
      fresh && this.options.findTasks ? await this.options.findTasks({ resources: [intent.resource], since }) : this.candidates;
    const open = pool.filter(
      (t) =>
        !this.claimed.has(t.pulp_href) &&
        (!intent.name || t.name?.includes(intent.name)) &&
        (!t.pulp_created || Date.parse(t.pulp_created) >= Date.parse(since)),
    );
    // Cores that record PRNs instead of hrefs: only a query for this one resource can tell.
    if (!fresh && open.some((t) => locks(t, intent.resource) === undefined)) return this.reconcile(intent, true);
    const match = open
      .filter((t) => fresh || locks(t, intent.resource))
      .sort((a, b) => Date.parse(b.pulp_created ?? "0") - Date.parse(a.pulp_created ?? "0"))[0];
    if (match) this.claimed.add(match.pulp_href);
    return match;
  }
}

async function reusable(task: TaskRecord, reuse: TaskRunOptions["reuseCompleted"]): Promise<boolean> {
  return typeof reuse === "function" ? reuse(task) : Boolean(reuse);
}

/** Whether a task's `reserved_resources_record` holds `href` (exclusive or `shared:`); undefined = cannot tell. */
function locks(task: TaskRecord, href: string): boolean | undefined {
  const record = task.reserved_resources_record;
  if (!record?.some((r) => r.includes("/"))) return undefined;
  return record.some((r) => r === href || r === `shared:${href}`);
}

/** A step's result when its object already exists: a completed pseudo-task that created it. */
function foundTask(href: string): TaskRecord {
  return { pulp_href: "", state: "completed", created_resources: [href] };
}
