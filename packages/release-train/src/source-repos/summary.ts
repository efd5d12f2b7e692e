// Job summaries of the source-repository flows (engine's summaryMarkdown: failures first).
import { summaryMarkdown } from "../engine";
import type { TargetResult } from "./sync";
import type { TagAndReleaseResult } from "./tag-and-release";
import type { UpstreamSyncResult } from "./upstream-sync";

const count = (items: { status: string }[], status: string) => items.filter((i) => i.status === status).length;

export function upstreamSyncSummary(result: UpstreamSyncResult): string {
  const r = result.results;
  const md = summaryMarkdown({
    title: `### Upstream sync of ${result.repository} from ${result.upstream}${result.dryRun ? " (dry run)" : ""}`,
    counts: `${r.length} series: ${count(r, "opened")} opened, ${count(r, "skipped")} skipped, ${count(r, "failed")} failed.`,
    header: ["Series", "Result", "Upstream", "Downstream", "Pull request", "Detail"],
    items: r,
    row: (s) => [s.series, s.status, `${s.upstreamBranch}${s.upstreamSha ? ` ${s.upstreamSha.slice(0, 10)}` : ""}`, s.downstreamBranch, s.pullRequest ? `[#${s.pullRequest.number}](${s.pullRequest.url})` : "", s.reason],
  });
  return result.warnings.length > 0 ? `${md}\n${result.warnings.map((w) => `> [!WARNING]\n> ${w}`).join("\n\n")}\n` : md;
}

export function sourceRepoSyncSummary(targets: TargetResult[], dryRun: boolean): string {
  return summaryMarkdown({
    title: `### Source repository sync${dryRun ? " (dry run)" : ""}`,
    counts:
      `${targets.length} branches: ${count(targets, "opened")} opened, ${count(targets, "updated")} updated, ` +
      `${count(targets, "up-to-date") + count(targets, "pending")} up to date or pending review, ${count(targets, "would-open")} would change, ` +
      `${count(targets, "missing-branch")} missing, ${count(targets, "failed")} failed.`,
    header: ["Repository", "Branch", "Result", "Files", "Pull request", "Error"],
    items: targets,
    row: (t) => [
      t.repository,
      t.branch,
      t.status,
      t.files.filter((f) => f.change !== "unchanged").map((f) => `${f.change} ${f.path}`).join(", "),
      t.pullRequest ? `[#${t.pullRequest.number}](${t.pullRequest.url})` : "",
      t.error,
    ],
    compare: (a, b) => a.repository.localeCompare(b.repository) || a.branch.localeCompare(b.branch),
  });
}

export function tagAndReleaseSummary(result: TagAndReleaseResult): string {
  const what = result.created ? (result.dryRun ? "would create" : "created") : "already tagged";
  const release = result.release ? `Release: ${result.release.action}${result.release.url ? ` (${result.release.url})` : ""}.` : "";
  return `### Tag and release of ${result.downstreamBranch}\n\n${what} \`${result.tag}\` on ${result.commit.slice(0, 12)} (upstream ${result.upstreamTag} via ${result.upstreamRef}). ${release}\n\n<details><summary>Release notes</summary>\n\n${result.notes}\n</details>\n`;
}
