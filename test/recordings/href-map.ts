/**
 * Translation between the hrefs of a recording (real Pulp's UUIDs, task ids, version numbers)
 * and the hrefs the emulator hands out for the same objects. Mappings are learned from responses
 * (recorded body ↔ emulator body, walked in parallel) and applied to what is sent next.
 */

/** Pulp API hrefs in bodies and paths: `/pulp/api/v3/…/` (some task fields use `/api/v3/…`). */
const HREF = /^\/(?:pulp\/)?api\/v3\/\S*\/$/;

export function isHref(value: unknown): value is string {
  return typeof value === "string" && HREF.test(value);
}

/**
 * Fields holding hrefs that do not identify one object of the recording: lock records list
 * collections ("/api/v3/distributions/"), workers and users differ per server. Learning from
 * them would map a collection onto an object and corrupt every derived href.
 */
const NOT_IDENTITIES = new Set([
  "reserved_resources_record",
  "worker",
  "created_by",
  "online_workers",
  "online_content_apps",
  "versions",
]);

export class HrefMap {
  private readonly map = new Map<string, string>();

  get size(): number {
    return this.map.size;
  }

  /** The emulator href already learned for a recorded one (exact match only). */
  get(recorded: string): string | undefined {
    return this.map.get(recorded);
  }

  has(recorded: string): boolean {
    return this.map.has(recorded);
  }

  set(recorded: string, actual: string): void {
    this.map.set(recorded, actual);
  }

  /**
   * The emulator href for a recorded href: learned exactly, or derived from the longest learned
   * prefix (clients build `<repository>versions/<n>/` themselves, guide §18 #14). Unknown → as is.
   */
  translate(recorded: string): string {
    const exact = this.map.get(recorded);
    if (exact) return exact;
    let best: [string, string] | undefined;
    for (const [from, to] of this.map) {
      if (from.endsWith("/") && recorded.startsWith(from) && (!best || from.length > best[0].length)) {
        best = [from, to];
      }
    }
    return best ? best[1] + recorded.slice(best[0].length) : recorded;
  }

  /** Whether `translate` can say anything about this href (exactly or via a prefix). */
  knows(recorded: string): boolean {
    return this.translate(recorded) !== recorded || this.map.has(recorded);
  }

  /** Deep copy of a request body with every href translated. */
  translateBody<T>(body: T): T {
    if (isHref(body)) return this.translate(body) as T;
    if (Array.isArray(body)) return body.map((v) => this.translateBody(v)) as T;
    if (body && typeof body === "object") {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(body)) out[k] = this.translateBody(v);
      return out as T;
    }
    return body;
  }

  /**
   * A recorded request path (path + query) for the emulator: the path itself and every query
   * value that is an href (`repository_version=%2Fpulp%2F…`) are translated; order is kept.
   */
  translatePath(pathAndQuery: string): string {
    const q = pathAndQuery.indexOf("?");
    const path = q < 0 ? pathAndQuery : pathAndQuery.slice(0, q);
    const translatedPath = isHref(path) ? this.translate(path) : path;
    if (q < 0) return translatedPath;
    const params = new URLSearchParams(pathAndQuery.slice(q + 1));
    const out = new URLSearchParams();
    for (const [k, v] of params) {
      const values = v.split(",").map((part) => (isHref(part) ? this.translate(part) : part));
      out.append(k, values.join(","));
    }
    // URLSearchParams encodes "," as %2C; Pulp's `__in` filters read either form, keep it readable.
    return `${translatedPath}?${out.toString().replace(/%2C/g, ",")}`;
  }

  /**
   * Learn from a pair of bodies: wherever the recording has an href and the emulator has one at
   * the same place, remember it (the first sighting wins; later disagreements are for the
   * comparison to report). Objects are walked by key, arrays by index.
   */
  learn(recorded: unknown, actual: unknown): void {
    if (isHref(recorded)) {
      if (isHref(actual) && !this.map.has(recorded)) this.map.set(recorded, actual);
      return;
    }
    if (Array.isArray(recorded) && Array.isArray(actual)) {
      for (const [i, r] of recorded.entries()) this.learn(r, actual[i]);
      return;
    }
    if (isPlainObject(recorded) && isPlainObject(actual)) {
      // The object's own href first, so nested references to it resolve consistently.
      if ("pulp_href" in recorded) this.learn(recorded["pulp_href"], actual["pulp_href"]);
      for (const [k, v] of Object.entries(recorded)) {
        if (k !== "pulp_href" && !NOT_IDENTITIES.has(k)) this.learn(v, actual[k]);
      }
    }
  }
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
