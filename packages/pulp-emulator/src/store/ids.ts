import { randomUUID } from "node:crypto";

export const API_ROOT = "/pulp/api/v3/";

export const uuid = (): string => randomUUID();
export const nowIso = (): string => new Date().toISOString().replace(/(\.\d{3})Z$/, "$1000Z");

let counter = 0;
/** Monotonic sequence: a stable tiebreak for objects created in the same millisecond. */
export const nextSeq = (): number => ++counter;

/** Strip scheme+host from an absolute URL and URL-decode, so hrefs compare as Pulp's resolver does. */
export function normalizeHref(value: string): string {
  let v = value.trim();
  const m = /^https?:\/\/[^/]+(\/.*)$/.exec(v);
  if (m?.[1]) v = m[1];
  try {
    v = decodeURIComponent(v);
  } catch {
    // keep as is: an undecodable href simply will not resolve
  }
  return v;
}
