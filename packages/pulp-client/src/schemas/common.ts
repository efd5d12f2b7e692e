import * as z from "zod";
import { type AnyHref, hrefSchema, type TaskHref } from "../hrefs";

export const labels = z.record(z.string(), z.string());

/** Fields every Pulp object has. `prn` exists from core 3.63. */
export const pulpObject = {
  pulp_href: hrefSchema<AnyHref>(),
  pulp_created: z.string(),
  prn: z.string().optional(),
};

/** DRF LimitOffsetPagination page; `next`/`previous` are absolute URLs. */
export function paginated<T extends z.ZodType>(item: T) {
  return z.looseObject({
    count: z.number().int().nonnegative(),
    next: z.string().nullable(),
    previous: z.string().nullable(),
    results: z.array(item),
  });
}
export interface Page<T> {
  count: number;
  next: string | null;
  previous: string | null;
  results: T[];
}

/** 202 body: `{"task": "<href>"}`. */
export const asyncResponse = z.looseObject({ task: hrefSchema<TaskHref>() });
export type AsyncResponse = z.infer<typeof asyncResponse>;

/** 202 body of a few endpoints that spawn several tasks. */
export const taskGroupResponse = z.looseObject({ task_group: z.string() });
