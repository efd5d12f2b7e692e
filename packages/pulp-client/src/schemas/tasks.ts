import * as z from "zod";
import { type AnyHref, hrefSchema, type TaskHref } from "../hrefs";
import { pulpObject } from "./common";

export const TASK_STATES = ["waiting", "skipped", "running", "completed", "failed", "canceled", "canceling"] as const;
export const FINAL_TASK_STATES: ReadonlySet<string> = new Set(["completed", "failed", "canceled", "skipped"]);

export const progressReport = z.looseObject({
  message: z.string(),
  code: z.string(),
  state: z.string(),
  total: z.number().nullish(),
  done: z.number().nullish(),
  suffix: z.string().nullish(),
});

export const taskSchema = z.looseObject({
  ...pulpObject,
  pulp_href: hrefSchema<TaskHref>(),
  // Unknown future states must not break polling: keep the known ones typed but accept any string.
  state: z.union([z.enum(TASK_STATES), z.string()]),
  name: z.string(),
  logging_cid: z.string().nullish(),
  created_by: z.string().nullish(),
  started_at: z.string().nullable(),
  finished_at: z.string().nullable(),
  error: z.looseObject({ description: z.string().nullish(), traceback: z.string().nullish() }).nullable(),
  worker: z.string().nullish(),
  parent_task: z.string().nullish(),
  child_tasks: z.array(z.string()).optional(),
  task_group: z.string().nullish(),
  progress_reports: z.array(progressReport).optional(),
  // `[null]` placeholders while the task runs (guide §12).
  created_resources: z.array(hrefSchema<AnyHref>().nullable()),
  reserved_resources_record: z.array(z.string().nullable()).optional(),
});
export type Task = z.infer<typeof taskSchema>;
