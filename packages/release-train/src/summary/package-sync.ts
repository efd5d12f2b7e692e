// Job summary of a package-snapshot run: one row per repository, failures first.
import type { SyncRunResult } from "../sync/run";
import { formatDuration, table } from "./markdown";

export function packageSyncSummary(run: SyncRunResult): string {
  const failed = run.failed.length;
  const changed = run.results.filter((r) => r.changed && !r.error).length;
  const title = `### Package snapshots → ${run.target}${run.dryRun ? " (dry run)" : ""}, version ${run.version}`;
  const counts = `${run.results.length} repositories: ${changed} ${run.dryRun ? "to change" : "changed"}, ${run.results.length - changed - failed} unchanged, ${failed} failed.`;
  const rows = [...run.results]
    .sort((a, b) => Number(Boolean(b.error)) - Number(Boolean(a.error)) || a.shortName.localeCompare(b.shortName))
    .map((r) => [
      r.error ? `❌ ${r.shortName}` : r.shortName,
      r.kind,
      r.error ? "" : r.changed ? "yes" : "no",
      r.newRepositoryVersion ? versionNumber(r.newRepositoryVersion) : "",
      r.version,
      r.distributionUrl ? `[${r.distributionUrl}](${r.distributionUrl})` : "",
      run.dryRun ? r.actions.join(", ") : formatDuration(r.durationMs),
      r.error,
    ]);
  const header = ["Repository", "Type", "Changed", "New repo version", "Snapshot", "Distribution", run.dryRun ? "Planned" : "Duration", "Error"];
  return `${title}\n\n${counts}\n\n${table(header, rows)}\n`;
}

function versionNumber(href: string): string {
  const n = /\/versions\/(\d+)\/$/.exec(href)?.[1];
  return n ? `v${n}` : href;
}
