import type * as z from "zod";
import type { ApiContext, CallOptions } from "./context";
import { PulpMultipleMatchError } from "./errors";
import type { Query } from "./http";
import { paginated } from "./schemas/common";

export interface ListOptions extends CallOptions {
  /** Objects per request (default 100, Pulp's page size). */
  pageSize?: number;
}

/** Iterate a list endpoint page by page, following `next` until it is null. */
export async function* paginate<S extends z.ZodType>(
  ctx: ApiContext,
  path: string,
  item: S,
  filters: Query = {},
  opts: ListOptions = {},
): AsyncGenerator<z.output<S>> {
  const page = paginated(item);
  let target: string | null = path;
  let query: Query | undefined = { ...filters, limit: opts.pageSize ?? 100, offset: 0 };
  const seen = new Set<string>();
  while (target !== null) {
    const res: z.output<typeof page> = await ctx.get(page, target, query, opts);
    for (const obj of res.results) yield obj as z.output<S>;
    // Stop on an empty page or a repeated link: a broken server must not loop us forever.
    if (res.results.length === 0 || res.next === null || seen.has(res.next)) break;
    seen.add(res.next);
    target = res.next;
    query = undefined;
  }
}

/** `?<filters>&limit=1`: undefined when nothing matches, an error when several do. */
export async function findOne<S extends z.ZodType>(
  ctx: ApiContext,
  path: string,
  item: S,
  filters: Query,
  opts?: CallOptions,
): Promise<z.output<S> | undefined> {
  const res = await ctx.get(paginated(item), path, { ...filters, limit: 1 }, opts);
  if (res.count > 1) throw new PulpMultipleMatchError(path, filters, res.count);
  return res.results[0] as z.output<S> | undefined;
}
