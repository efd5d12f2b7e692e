import type { ApiContext, CallOptions } from "../context";
import type { TaskHref } from "../hrefs";
import { type Task, taskSchema } from "../schemas/tasks";
import { type TaskHandle, type WaitOptions, waitAll } from "../task-wait";
import { ReadResource } from "./base";

export const TASKS_PATH = "tasks/";

export interface PurgeBody {
  finished_before?: string;
  states?: ("completed" | "failed" | "canceled" | "skipped")[];
}

export class TasksApi extends ReadResource<typeof taskSchema, TaskHref> {
  constructor(ctx: ApiContext) {
    super(ctx, TASKS_PATH, taskSchema);
  }

  /** Poll until final, backing off 250 ms → 5 s; see WaitOptions. */
  wait(href: TaskHref, opts?: WaitOptions): Promise<Task> {
    return this.ctx.waitTask(href, opts);
  }

  /** Wait for many dispatched tasks (hrefs or handles) in parallel. */
  waitAll(tasks: readonly (TaskHandle | TaskHref)[], opts?: WaitOptions): Promise<Task[]> {
    return waitAll(
      tasks.map((t) => (typeof t === "string" ? this.ctx.handle(t) : t)),
      opts,
    );
  }

  handle(href: TaskHref): TaskHandle {
    return this.ctx.handle(href);
  }

  /** `PATCH {state: canceled}` → the task, usually `canceling`; 409 if already finished. */
  cancel(href: TaskHref, opts?: CallOptions): Promise<Task> {
    return this.ctx.send(taskSchema, "PATCH", href, { state: "canceled" }, opts);
  }

  /** Delete a finished task record (409 while running). */
  delete(href: TaskHref, opts?: CallOptions): Promise<void> {
    return this.ctx.call("DELETE", href, undefined, opts);
  }

  purge(body: PurgeBody = {}, opts?: CallOptions): Promise<TaskHandle> {
    return this.ctx.dispatch("POST", `${TASKS_PATH}purge/`, body, opts);
  }
}
