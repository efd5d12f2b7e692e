/**
 * Comparison of an emulator response with the recorded one. The rule: same status; every field
 * of the recorded body present in the emulator's (extra, newer fields are fine); values compared
 * only where they are stable across servers (names, URLs, paths, states, settings, hrefs through
 * the learned mapping) — never uuids, timestamps, workers or progress.
 */
import { isDeepStrictEqual } from "node:util";
import { FINAL_TASK_STATES } from "@release-train/pulp-client";
import { type HrefMap, isHref, isPlainObject } from "./href-map";

/** Fields whose value is an href identifying another object: compared through the mapping. */
const HREF_FIELDS = new Set([
  "pulp_href",
  "repository",
  "publication",
  "repository_version",
  "remote",
  "content_guard",
  "latest_version_href",
  "versions_href",
  "base_version",
  "task",
]);

/** Fields whose recorded value must be reproduced exactly. */
const STABLE_FIELDS = new Set([
  "name",
  "description",
  "url",
  "base_path",
  "state",
  "count",
  "policy",
  "tls_validation",
  "proxy_url",
  "ca_cert",
  "client_cert",
  "pulp_labels",
  "hidden_fields",
  "upstream_name",
  "include_tags",
  "exclude_tags",
  "distributions",
  "components",
  "architectures",
  "private",
  "simple",
  "structured",
  "manifest",
  "relative_path",
  "autopublish",
  "retain_repo_versions",
  "retain_package_versions",
  "ca_certificate",
  "number",
]);

/** Fields whose value differs per run but whose presence (null or not) is meaningful. */
const NULLNESS_FIELDS = new Set(["started_at", "finished_at", "error"]);

/** Fields never compared nor walked: they describe the server, the run or its timing. */
const VOLATILE_FIELDS = new Set([
  "progress_reports",
  "reserved_resources_record",
  "logging_cid",
  "worker",
  "created_by",
  "online_workers",
  "online_content_apps",
  "versions",
  "storage",
  "database_connection",
  "redis_connection",
  "content_settings",
]);

export interface CompareContext {
  hrefs: HrefMap;
  /** Recorded upstream URL → URL the replay used instead (local fixture servers). */
  urls: Map<string, string>;
  /** Field names the emulated API version defines; a recorded field outside it may be absent. */
  knownFields?: Set<string> | undefined;
  /** Emulator hrefs of objects the harness created itself: only presence and state are compared. */
  seeded?: Set<string>;
  /** The recorded body is an intermediate task poll: its state/results are not comparable. */
  transientTask?: boolean;
}

/** Differences between a recorded and an emulator response ([] = equivalent). */
export function compareResponse(
  recorded: { status: number; body: unknown },
  actual: { status: number; body: unknown },
  ctx: CompareContext,
): string[] {
  if (recorded.status !== actual.status) {
    const detail = typeof actual.body === "string" ? actual.body : JSON.stringify(actual.body);
    return [`status ${actual.status} instead of ${recorded.status}: ${truncate(detail ?? "", 200)}`];
  }
  if (recorded.body === null || recorded.body === undefined || typeof recorded.body === "string") return [];
  const diffs: string[] = [];
  compareValue("", recorded.body, actual.body, ctx, diffs, false);
  return diffs;
}

function compareValue(
  where: string,
  rec: unknown,
  act: unknown,
  ctx: CompareContext,
  diffs: string[],
  seeded: boolean,
): void {
  if (isPlainObject(rec)) {
    if (!isPlainObject(act)) {
      diffs.push(`${where || "/"}: expected an object, got ${short(act)}`);
      return;
    }
    // An intermediate task state (running, canceling): state and results are not comparable.
    if ("state" in rec && "created_resources" in rec && !FINAL_TASK_STATES.has(String(rec["state"]))) {
      ctx = { ...ctx, transientTask: true };
    }
    const href = rec["pulp_href"];
    const isSeeded =
      seeded || (typeof href === "string" && (ctx.seeded?.has(ctx.hrefs.translate(href)) ?? false));
    for (const [key, value] of Object.entries(rec)) {
      const at = `${where}/${key}`;
      // Core 3.14 left a canceled task's finished_at null; 3.16+ (so the emulated 3.24) set it (guide §12, §16).
      if (key === "finished_at" && value === null && rec["state"] === "canceled" && act["state"] === "canceled") continue;
      if (!(key in act)) {
        if (ctx.knownFields && !ctx.knownFields.has(key)) continue; // another Pulp version's field
        diffs.push(`${at}: missing`);
        continue;
      }
      compareField(at, key, value, act[key], ctx, diffs, isSeeded);
    }
    return;
  }
  if (Array.isArray(rec) && Array.isArray(act)) {
    rec.forEach((r, i) => {
      compareValue(`${where}/${i}`, r, act[i], ctx, diffs, seeded);
    });
  }
}

function compareField(
  at: string,
  key: string,
  rec: unknown,
  act: unknown,
  ctx: CompareContext,
  diffs: string[],
  seeded: boolean,
): void {
  if (VOLATILE_FIELDS.has(key)) return;
  if (key === "state") {
    if (!ctx.transientTask && rec !== act) diffs.push(`${at}: ${short(act)} instead of ${short(rec)}`);
    return;
  }
  if (key === "created_resources") {
    if (ctx.transientTask || !Array.isArray(rec)) return;
    const expected = rec.map((h) => (isHref(h) ? ctx.hrefs.translate(h) : h));
    if (!Array.isArray(act) || act.length !== rec.length) {
      diffs.push(`${at}: ${short(act)} instead of ${short(expected)}`);
      return;
    }
    expected.forEach((h, i) => {
      if (h !== null && act[i] !== h && !(isHref(act[i]) && sameKind(h, act[i] as string))) {
        diffs.push(`${at}/${i}: ${short(act[i])} instead of ${short(h)}`);
      }
    });
    return;
  }
  if (NULLNESS_FIELDS.has(key)) {
    if (!ctx.transientTask && (rec === null) !== (act === null)) diffs.push(`${at}: ${short(act)} instead of ${short(rec)}`);
    return;
  }
  if (key === "next" || key === "previous") {
    if ((rec === null) !== (act === null)) diffs.push(`${at}: ${short(act)} instead of ${short(rec)}`);
    return;
  }
  if (key === "results") {
    if (!Array.isArray(act)) {
      diffs.push(`${at}: expected an array, got ${short(act)}`);
      return;
    }
    compareValue(at, rec, act, ctx, diffs, seeded);
    return;
  }
  if (key === "base_url" || key === "registry_path") {
    // The host is the server's; the path after it is what clients rely on.
    const strip = key === "base_url" ? stripHost : (u: string) => u.replace(/^[^/]*/, "");
    if (typeof rec === "string" && typeof act === "string" && strip(rec) !== strip(act)) {
      diffs.push(`${at}: ${short(act)} instead of ${short(rec)}`);
    }
    return;
  }
  if (seeded) return;
  if (HREF_FIELDS.has(key)) {
    if (rec === null || act === null) {
      if (rec !== act) diffs.push(`${at}: ${short(act)} instead of ${short(rec)}`);
      return;
    }
    if (isHref(rec)) {
      const expected = ctx.hrefs.translate(rec);
      if (!isHref(act)) diffs.push(`${at}: ${short(act)} is not an href`);
      else if (ctx.hrefs.knows(rec) ? act !== expected : !sameKind(rec, act)) {
        diffs.push(`${at}: ${short(act)} instead of ${short(expected)}`);
      }
    }
    return;
  }
  if (STABLE_FIELDS.has(key)) {
    const expected = key === "url" && typeof rec === "string" ? (ctx.urls.get(rec) ?? rec) : rec;
    if (!isDeepStrictEqual(expected, act)) diffs.push(`${at}: ${short(act)} instead of ${short(expected)}`);
    return;
  }
  // Anything else: only that the recorded structure is there.
  if (isPlainObject(rec)) compareValue(at, rec, act, ctx, diffs, seeded);
}

/** `/pulp/api/v3/repositories/rpm/rpm/<a>/versions/1/` vs `…/<b>/versions/1/`: same collection. */
function sameKind(a: string, b: string): boolean {
  const shape = (h: string) =>
    h
      .replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, "<id>")
      .replace(/\/\d+\//g, "/<n>/")
      // The container content-redirect guard moved from the plugin to core (container 2.9, guide §2, §16).
      .replace("/contentguards/container/content_redirect/", "/contentguards/core/content_redirect/");
  return shape(a) === shape(b);
}

function stripHost(u: string): string {
  return u.replace(/^[a-z]+:\/\/[^/]*/i, "");
}

function short(v: unknown): string {
  return truncate(JSON.stringify(v) ?? "undefined", 120);
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}
