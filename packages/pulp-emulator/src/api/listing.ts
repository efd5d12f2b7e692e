import { HttpError } from "./errors";

/** Query parameters every list accepts without filtering (core `BaseFilterSet`). */
const IGNORED = new Set(["limit", "offset", "ordering", "fields", "exclude_fields", "minimal", "page_size"]);

const PAGE_SIZE = 100;

/** A filter: keep the item when it returns true for the (raw, possibly repeated) query value(s). */
export type Filter<T> = ((item: T, value: string, all: string[]) => boolean) & {
  /** Validates the value once, so a bad value is a 400 even when nothing is listed. */
  prepare?: (value: string) => void;
};
export type FilterSet<T> = Record<string, Filter<T>>;

/** Apply filters from the query; an unknown parameter is a 400 as in core's `BaseFilterSet.is_valid`. */
export function applyFilters<T>(items: T[], query: URLSearchParams, filters: FilterSet<T>): T[] {
  const unknown = [...new Set(query.keys())].filter((k) => !IGNORED.has(k) && !(k in filters));
  if (unknown.length > 0) throw new HttpError(400, { errors: unknown.map((k) => `Invalid Filter: '${k}'`) });
  let out = items;
  for (const key of new Set(query.keys())) {
    const filter = filters[key];
    if (!filter) continue;
    const all = query.getAll(key);
    const value = all[all.length - 1] ?? "";
    filter.prepare?.(value);
    out = out.filter((item) => filter(item, value, all));
  }
  return out;
}

/** Sort by `?ordering=a,-b` over serialized objects (null sorts first, as in PostgreSQL ASC NULLS LAST reversed). */
export function applyOrdering(items: Record<string, unknown>[], query: URLSearchParams, allowed: readonly string[]): Record<string, unknown>[] {
  const ordering = query.get("ordering");
  if (!ordering) return items;
  const keys = ordering.split(",").map((s) => s.trim()).filter(Boolean);
  for (const k of keys) {
    if (!allowed.includes(k.replace(/^-/, ""))) {
      throw new HttpError(400, { ordering: [`Select a valid choice. ${k} is not one of the available choices.`] });
    }
  }
  return [...items].sort((a, b) => {
    for (const k of keys) {
      const desc = k.startsWith("-");
      const f = desc ? k.slice(1) : k;
      const c = compare(a[f === "pk" ? "pulp_href" : f], b[f === "pk" ? "pulp_href" : f]);
      if (c !== 0) return desc ? -c : c;
    }
    return 0;
  });
}

export function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return 1;
  if (b === null || b === undefined) return -1;
  if (typeof a === "number" && typeof b === "number") return a - b;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

/** Restrict fields per `?fields=` / `?exclude_fields=`. */
export function selectFields(obj: Record<string, unknown>, query: URLSearchParams): Record<string, unknown> {
  const fields = query.getAll("fields").flatMap((f) => f.split(",")).filter(Boolean);
  const exclude = query.getAll("exclude_fields").flatMap((f) => f.split(",")).filter(Boolean);
  let out = obj;
  if (fields.length > 0) out = Object.fromEntries(Object.entries(out).filter(([k]) => fields.includes(k)));
  if (exclude.length > 0) out = Object.fromEntries(Object.entries(out).filter(([k]) => !exclude.includes(k)));
  return out;
}

const toInt = (v: string | null): number | undefined => {
  if (v === null || !/^\s*-?\d+\s*$/.test(v)) return undefined;
  return Number.parseInt(v, 10);
};

/**
 * DRF `LimitOffsetPagination`: invalid/≤0 limit → PAGE_SIZE, invalid/negative offset → 0, absolute
 * `next`/`previous` built from the request URL (previous drops `offset` when it would be ≤ 0).
 */
export function paginate<T>(items: T[], url: URL): { count: number; next: string | null; previous: string | null; results: T[] } {
  const rawLimit = toInt(url.searchParams.get("limit"));
  const limit = rawLimit === undefined || rawLimit <= 0 ? PAGE_SIZE : rawLimit;
  const rawOffset = toInt(url.searchParams.get("offset"));
  const offset = rawOffset === undefined || rawOffset < 0 ? 0 : rawOffset;
  const count = items.length;
  const withParams = (set: Record<string, string | null>): string => {
    const u = new URL(url.toString());
    for (const [k, v] of Object.entries(set)) {
      if (v === null) u.searchParams.delete(k);
      else u.searchParams.set(k, v);
    }
    return u.toString();
  };
  const next = offset + limit >= count ? null : withParams({ limit: String(limit), offset: String(offset + limit) });
  let previous: string | null = null;
  if (offset > 0) {
    previous = offset - limit <= 0 ? withParams({ limit: String(limit), offset: null }) : withParams({ limit: String(limit), offset: String(offset - limit) });
  }
  return { count, next, previous, results: items.slice(offset, offset + limit) };
}

// ---- reusable filter builders over a field getter ----

type Getter<T> = (item: T) => unknown;

const asText = (v: unknown): string => (v === null || v === undefined ? "" : String(v));

/** `x`, `x__in`, `x__contains`, `x__icontains`, `x__startswith`, `x__iexact` for a string field. */
export function textFilters<T>(name: string, get: Getter<T>, lookups = ["", "in", "contains", "icontains", "startswith", "iexact"]): FilterSet<T> {
  const out: FilterSet<T> = {};
  for (const l of lookups) {
    const key = l ? `${name}__${l}` : name;
    out[key] = (item, value) => {
      const v = asText(get(item));
      switch (l) {
        case "":
          return v === value;
        case "in":
          return value.split(",").includes(v);
        case "contains":
          return v.includes(value);
        case "icontains":
          return v.toLowerCase().includes(value.toLowerCase());
        case "startswith":
          return v.startsWith(value);
        default:
          return v.toLowerCase() === value.toLowerCase();
      }
    };
  }
  return out;
}

/** `x`, `x__gt`, `x__gte`, `x__lt`, `x__lte`, `x__range` for numbers or ISO timestamps. */
export function rangeFilters<T>(name: string, get: Getter<T>, numeric: boolean): FilterSet<T> {
  const parse = (v: string): number => {
    const n = numeric ? Number(v) : Date.parse(v);
    if (Number.isNaN(n)) throw new HttpError(400, { [name]: [numeric ? "Enter a number." : "Enter a valid date/time."] });
    return n;
  };
  const val = (item: T): number => {
    const v = get(item);
    return v === null || v === undefined ? Number.NaN : numeric ? Number(v) : Date.parse(String(v));
  };
  return {
    [name]: (i, v) => val(i) === parse(v),
    [`${name}__gt`]: (i, v) => val(i) > parse(v),
    [`${name}__gte`]: (i, v) => val(i) >= parse(v),
    [`${name}__lt`]: (i, v) => val(i) < parse(v),
    [`${name}__lte`]: (i, v) => val(i) <= parse(v),
    [`${name}__range`]: (i, v) => {
      const [a, b] = v.split(",");
      if (a === undefined || b === undefined) throw new HttpError(400, { [`${name}__range`]: ["Enter a list of values."] });
      const x = val(i);
      return x >= parse(a) && x <= parse(b);
    },
  };
}

/** `pulp_label_select=key=value,other!=x,present` (core `LabelSelectFilter`). */
export function labelSelect(labels: Record<string, unknown>, value: string): boolean {
  for (const term of value.split(",").map((t) => t.trim()).filter(Boolean)) {
    const m = /^([^!=~]+)(!=|=|~)(.*)$/.exec(term);
    if (!m) {
      if (term.startsWith("!")) {
        if (term.slice(1) in labels) return false;
      } else if (!(term in labels)) return false;
      continue;
    }
    const [, key = "", op, want = ""] = m;
    const have = labels[key];
    if (op === "=" && have !== want) return false;
    if (op === "!=" && (have === undefined || have === want)) return false;
    if (op === "~" && (typeof have !== "string" || !have.includes(want))) return false;
  }
  return true;
}
