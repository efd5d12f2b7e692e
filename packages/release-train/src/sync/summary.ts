// Job summary of a package-snapshot run: one row per repository, failures first.
import { formatDuration } from "../engine/markdown";
import { summaryMarkdown } from "../engine/summary";
import type { SyncRunResult } from "./run";
import type { RepoResult } from "./types";

export function packageSyncSummary(run: SyncRunResult): string {
  const failed = run.failed.length;
  const changed = run.results.filter((r) => r.changed && !r.error).length;
  return summaryMarkdown<RepoResult>({
    title: `### Package snapshots → ${run.target}${run.dryRun ? " (dry run)" : ""}, version ${run.version}`,
    counts: `${run.results.length} repositories: ${changed} ${run.dryRun ? "to change" : "changed"}, ${run.results.length - changed - failed} unchanged, ${failed} failed.`,
    header: ["Repository", "Type", "Changed", "New repo version", "Snapshot", "Distribution", run.dryRun ? "Planned" : "Duration", "Error"],
    items: run.results,
    compare: (a, b) => a.shortName.localeCompare(b.shortName),
    row: (r) => [
      r.error ? `❌ ${r.shortName}` : r.shortName,
      r.kind,
      r.error ? "" : r.changed ? "yes" : "no",
      r.newRepositoryVersion ? versionNumber(r.newRepositoryVersion) : "",
      r.version,
      r.distributionUrl ? `[${r.distributionUrl}](${r.distributionUrl})` : "",
      run.dryRun ? r.actions.join(", ") : formatDuration(r.durationMs),
      r.error,
    ],
  });
}

function versionNumber(href: string): string {
  const n = /\/versions\/(\d+)\/$/.exec(href)?.[1];
  return n ? `v${n}` : href;
}
