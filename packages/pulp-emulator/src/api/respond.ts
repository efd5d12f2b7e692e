import type { ApiRequest, ApiResponse } from "./request";
import { type Filter, type FilterSet, applyFilters, applyOrdering, compare, paginate, selectFields } from "./listing";

export interface ListOptions<T> {
  filters: FilterSet<T>;
  serialize(item: T): Record<string, unknown>;
  /** Default ordering over serialized objects, e.g. `-pulp_created`, `name`; input order otherwise. */
  ordering?: string;
}

/** Filter → order → paginate → select fields: the common list pipeline. */
export function listResponse<T>(req: ApiRequest, items: T[], opts: ListOptions<T>): ApiResponse {
  const filtered = applyFilters(items, req.url.searchParams, opts.filters);
  let rows = filtered.map((i) => opts.serialize(i));
  if (opts.ordering) {
    const desc = opts.ordering.startsWith("-");
    const key = opts.ordering.replace(/^-/, "");
    rows = rows
      .map((r, i) => ({ r, i }))
      .sort((a, b) => {
        const c = compare(a.r[key], b.r[key]);
        return (desc ? -c : c) || (desc ? b.i - a.i : a.i - b.i);
      })
      .map((x) => x.r);
  }
  const allowed = rows[0] ? [...Object.keys(rows[0]), "pk", "pulp_id"] : ["pk", "pulp_id", "pulp_created", "name"];
  rows = applyOrdering(rows, req.url.searchParams, allowed);
  const page = paginate(rows, req.url);
  return { status: 200, body: { ...page, results: page.results.map((r) => selectFields(r, req.url.searchParams)) } };
}

export type { Filter };
