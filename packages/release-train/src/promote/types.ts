// Results shared by package and container promotion (and their audit record and summary).
import type { ItemResult } from "../engine";
import type { GuardsPlan } from "./guards/ensure";

export type PromotionKind = "packages" | "containers";
/** promote: development → release; demote: release → development (rollback). */
export type PromotionMode = "promote" | "demote";

/** One thing that moved (or would move): a distribution's guard, or a tag's digest. */
export interface Move {
  /** Distribution name, or `stackhpc/<image>:<tag>`. */
  object: string;
  /** Guard name or manifest digest before (null: none / absent). */
  from: string | null;
  /** Guard name or manifest digest after (null: removed). */
  to: string | null;
}

export type ItemStatus = "promoted" | "demoted" | "skipped" | "missing" | "failed" | "planned";

export interface PromotionItemResult extends ItemResult {
  /** short_name or image. */
  name: string;
  status: ItemStatus;
  moves: Move[];
  /** Why the item was skipped / what is missing (shown in the summary). */
  note?: string | undefined;
}

export interface PromotionResult {
  kind: PromotionKind;
  mode: PromotionMode;
  dryRun: boolean;
  planText: string;
  guards?: GuardsPlan | undefined;
  items: PromotionItemResult[];
  failed: PromotionItemResult[];
  /** Items whose source (distribution or tag) does not exist (only with allow-missing). */
  missing: PromotionItemResult[];
  /** Notes for the log and summary (e.g. pinned short_names not in the configuration). */
  notes: string[];
  startedAt: string;
  finishedAt: string;
}

/** Thrown before any write when sources are missing and allow-missing is off. */
export class MissingSourcesError extends Error {
  override name = "MissingSourcesError";
  constructor(
    readonly what: string,
    readonly missing: string[],
  ) {
    super(`${missing.length} ${what} not found in Ark (nothing was written; use allow-missing to promote the rest):\n${missing.map((m) => `  - ${m}`).join("\n")}`);
  }
}

export function statusLine(result: PromotionItemResult): string {
  if (result.error) return "FAILED";
  const moved = result.moves.length;
  if (result.status === "skipped") return `skipped${result.note ? ` (${result.note})` : ""}`;
  if (result.status === "missing") return `missing (${result.note ?? "not in Ark"})`;
  return `${result.status}${moved ? ` (${moved} change${moved === 1 ? "" : "s"})` : ""}`;
}

/** Dispatches after a failed task (promotion's steps are idempotent in effect): a lost worker should not fail the night. */
export const PROMOTION_RETRIES = 3;
