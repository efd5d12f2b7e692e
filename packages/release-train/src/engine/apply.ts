// Bounded keep-going apply: every item runs its steps (remote, sync, publish, … — named by the
// flow) with at most `concurrency` items in flight; a failing item records its error and the step
// it failed in, and never stops the others. The caller fails the run when any result has `error`.
import pLimit from "p-limit";
import type { Reporter } from "./reporter";
import type { TaskRun, TaskRunner, TaskRunOptions } from "./tasks";

/** What every flow's per-item result carries (flows extend it with their own fields). */
export interface ItemResult {
  /** True when anything was written. */
  changed: boolean;
  /** What was written, in order (also the item's log lines that changed something). */
  actions: string[];
  /** Task hrefs this item dispatched or re-attached to. */
  tasks: string[];
  durationMs: number;
  /** `<step>: <Pulp's text>` when the item failed. */
  error?: string;
  /** The step the item failed in (e.g. `sync`, `publish`, `distribute`). */
  failedStep?: string;
}

/** Handed to a flow's per-item function: log, mark steps, run tasks. */
export interface ItemContext {
  readonly key: string;
  /** A log line (buffered per item, so concurrent items never interleave). */
  log(line: string): void;
  /** Record a write: marks the result changed, adds the action and logs it. */
  did(action: string): void;
  /** Enter a step: shown in progress and named in the error if the item fails in it. */
  step(name: string): void;
  /** Dispatch (or re-attach to / reuse) a task for `step`, wait for it; its href joins `tasks`. */
  task(step: string, dispatch: () => Promise<string>, options?: TaskRunOptions): Promise<TaskRun>;
}

export interface ApplyOptions<I, R extends ItemResult> {
  /** Items in flight at once (default 8). */
  concurrency?: number | undefined;
  /** Stable item key: state-file item and reporter name (package sync: short_name). */
  key(item: I): string;
  /** The item's result before anything happened; `apply` fills it in (kept when it throws). */
  init(item: I): R;
  apply(item: I, result: R, ctx: ItemContext): Promise<void>;
  /** Needed only when items run tasks. */
  tasks?: TaskRunner | undefined;
  /** State-file key of an item (default: `key`). Package sync: `<version>/<short_name>`. */
  stateKey?(item: I): string;
  reporter?: Reporter<R> | undefined;
}

export async function applyItems<I, R extends ItemResult>(items: readonly I[], options: ApplyOptions<I, R>): Promise<R[]> {
  const limit = pLimit(options.concurrency ?? 8);
  const total = items.length;
  let done = 0;
  return Promise.all(
    items.map((item) =>
      limit(async () => {
        const key = options.key(item);
        const result = options.init(item);
        const lines: string[] = [];
        const started = Date.now();
        let current: string | undefined;
        const log = (line: string) => {
          lines.push(line);
          options.reporter?.line?.(key, line);
        };
        const ctx: ItemContext = {
          key,
          log,
          did(action) {
            result.changed = true;
            result.actions.push(action);
            log(action);
          },
          step(name) {
            current = name;
            options.reporter?.step?.(key, name);
          },
          async task(step, dispatch, taskOptions) {
            if (!options.tasks) throw new Error("applyItems: `tasks` is needed to run tasks");
            ctx.step(step);
            const stateKey = options.stateKey?.(item) ?? key;
            const run = await options.tasks.run(stateKey, step, dispatch, {
              log,
              ...taskOptions,
              onTask(href, origin) {
                result.tasks.push(href);
                if (origin === "re-attached") log(`${step}: re-attached to running task ${href}`);
                if (origin === "reused") log(`${step}: completed earlier in this run (task ${href}), not dispatched again`);
                taskOptions?.onTask?.(href, origin);
              },
            });
            if (run.origin === "found") log(`${step}: its answer was lost, but Pulp has ${run.task.created_resources?.[0]}`);
            return run;
          },
        };
        options.reporter?.start?.(key);
        try {
          await options.apply(item, result, ctx);
        } catch (error) {
          const text = errorText(error);
          result.error = current ? `${current}: ${text}` : text;
          if (current) result.failedStep = current;
          log(`FAILED: ${result.error}`);
        }
        result.durationMs = Date.now() - started;
        done += 1;
        options.reporter?.done?.(key, result, lines, { done, total });
        return result;
      }),
    ),
  );
}

/** Pulp's own error text: the client's HTTP errors carry the response's detail or field errors. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
