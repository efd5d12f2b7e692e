// The audit record of a promotion run: who ran it, when, from which pins, and what moved from
// which guard or digest to which — in the job summary and as a JSON file the workflow uploads.
import { execFile } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { promisify } from "node:util";
import type { PromotionResult } from "./types";

const run = promisify(execFile);

export interface AuditSource {
  /** kayobe-config checkout the pins came from, with its commit and branch when it is a git checkout. */
  kayobeConfig?: { path: string; commit?: string | undefined; branch?: string | undefined } | undefined;
  /** An explicit map was given instead. */
  explicit?: boolean | undefined;
  filter?: string | undefined;
}

export interface AuditRecord {
  kind: PromotionResult["kind"];
  mode: PromotionResult["mode"];
  checkMode: boolean;
  who: { actor: string; workflowRun?: string | undefined };
  startedAt: string;
  finishedAt: string;
  pulpUrl: string;
  source: AuditSource;
  counts: Record<string, number>;
  moves: { item: string; object: string; from: string | null; to: string | null; status: string; tasks: string[] }[];
  missing: { item: string; note?: string | undefined }[];
  failed: { item: string; error: string }[];
}

/** Commit and branch of a checkout (undefined fields when it is not a git checkout). */
export async function describeCheckout(path: string): Promise<NonNullable<AuditSource["kayobeConfig"]>> {
  const git = async (args: string[]) => {
    try {
      return (await run("git", ["-C", path, ...args])).stdout.trim();
    } catch {
      return undefined;
    }
  };
  const [commit, branch] = await Promise.all([git(["rev-parse", "HEAD"]), git(["rev-parse", "--abbrev-ref", "HEAD"])]);
  return { path, commit, branch: branch === "HEAD" ? undefined : branch };
}

export function auditRecord(result: PromotionResult, context: { pulpUrl: string; source: AuditSource; env?: NodeJS.ProcessEnv }): AuditRecord {
  const env = context.env ?? process.env;
  const actor = env["GITHUB_ACTOR"] ?? env["USER"] ?? env["LOGNAME"] ?? "unknown";
  const workflowRun =
    env["GITHUB_SERVER_URL"] && env["GITHUB_REPOSITORY"] && env["GITHUB_RUN_ID"]
      ? `${env["GITHUB_SERVER_URL"]}/${env["GITHUB_REPOSITORY"]}/actions/runs/${env["GITHUB_RUN_ID"]}`
      : undefined;
  const counts: Record<string, number> = {};
  for (const item of result.items) counts[item.status] = (counts[item.status] ?? 0) + 1;
  return {
    kind: result.kind,
    mode: result.mode,
    checkMode: result.dryRun,
    who: { actor, ...(workflowRun ? { workflowRun } : {}) },
    startedAt: result.startedAt,
    finishedAt: result.finishedAt,
    pulpUrl: context.pulpUrl,
    source: context.source,
    counts,
    moves: result.items.flatMap((item) => item.moves.map((m) => ({ item: item.name, ...m, status: item.status, tasks: item.tasks }))),
    missing: result.missing.map((m) => ({ item: m.name, note: m.note })),
    failed: result.failed.map((f) => ({ item: f.name, error: f.error ?? "" })),
  };
}

export async function writeAuditFile(file: string, record: AuditRecord): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(record, null, 2)}\n`);
}
