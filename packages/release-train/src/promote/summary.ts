// Job summary of a promotion: the counts, one row per change (failures first), the plan as a diff
// in check mode, and the audit line (who, when, from which pins).
import { summaryMarkdown } from "../engine";
import type { AuditRecord } from "./audit";
import type { PromotionItemResult, PromotionResult } from "./types";

export function promotionSummary(result: PromotionResult, audit: AuditRecord): string {
  const what = result.kind === "packages" ? "Package snapshot" : "Container image";
  const title = `### ${what} ${result.mode === "promote" ? "promotion" : "demotion"}${result.dryRun ? " (check mode: nothing written)" : ""}`;
  const counts = Object.entries(audit.counts)
    .map(([status, n]) => `${n} ${status}`)
    .join(", ");
  const table = summaryMarkdown<PromotionItemResult>({
    title,
    counts: `${result.items.length} ${result.kind === "packages" ? "snapshots" : "images"}: ${counts || "none"}.`,
    header: ["Item", "Status", "Object", "From", "To", "Note / error"],
    items: result.items.flatMap((item) => (item.moves.length ? item.moves.map((m) => ({ ...item, moves: [m] })) : [item])),
    compare: (a, b) => a.name.localeCompare(b.name),
    row: (r) => [
      r.error ? `❌ ${r.name}` : r.name,
      r.status,
      r.moves[0]?.object,
      r.moves[0] ? (r.moves[0].from ?? "—") : "",
      r.moves[0] ? (r.moves[0].to ?? "(removed)") : "",
      r.error ?? r.note,
    ],
  });
  const source = audit.source.kayobeConfig
    ? `kayobe-config${audit.source.kayobeConfig.branch ? ` ${audit.source.kayobeConfig.branch}` : ""}${audit.source.kayobeConfig.commit ? ` @ ${audit.source.kayobeConfig.commit.slice(0, 12)}` : ""} (${audit.source.kayobeConfig.path})`
    : "an explicit map";
  const who = `Run by **${audit.who.actor}**${audit.who.workflowRun ? ` ([workflow run](${audit.who.workflowRun}))` : ""} from ${audit.startedAt} to ${audit.finishedAt} against ${audit.pulpUrl}; pins from ${source}${audit.source.filter ? `, filter \`${audit.source.filter}\`` : ""}.`;
  const plan = result.dryRun ? `\n<details><summary>Plan</summary>\n\n\`\`\`diff\n${diffOf(result.planText)}\n\`\`\`\n</details>\n` : "";
  const notes = result.notes.length ? `\n${result.notes.map((n) => `> ${n}`).join("\n")}\n` : "";
  return `${table}\n${who}\n${notes}${plan}`;
}

/** Plan lines as a diff: `~`/`+` changes become `+`, missing `!` become `-`. */
function diffOf(plan: string): string {
  return plan
    .split("\n")
    .map((line) => line.replace(/^ {2}[~+] /, "+ ").replace(/^ {2}! /, "- ").replace(/^ {2}= /, "  "))
    .join("\n");
}
