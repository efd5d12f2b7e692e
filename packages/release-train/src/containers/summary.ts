// Job summary and console status of a container sync: one row per image, failures first.
import { formatDuration } from "../engine/markdown";
import { type ConsoleReporterOptions, consoleReporter, type Reporter } from "../engine/reporter";
import { summaryMarkdown } from "../engine/summary";
import type { ContainerSyncResult, ImageResult } from "./run";

const short = (digest: string) => digest.replace(/^sha256:/, "").slice(0, 12);

export function containerSyncSummary(run: ContainerSyncResult): string {
  const failed = run.failed.length;
  const changed = run.images.filter((r) => r.changed && !r.error).length;
  const where = run.target === "ark" ? "Ark: publish" : "test Pulp: mirror from Ark";
  return summaryMarkdown<ImageResult>({
    title: `### Container images → ${where}${run.dryRun ? " (dry run)" : ""}`,
    counts: `${run.images.length} images: ${changed} ${run.dryRun ? "to change" : "changed"}, ${run.images.length - changed - failed} unchanged, ${failed} failed, ${run.notPushed.length} not yet pushed.`,
    header: ["Image", run.dryRun ? "Planned" : "Actions", "Tags added", "Tags removed", "Digests", run.dryRun ? "" : "Duration", "Error"],
    items: run.images,
    compare: (a, b) => a.name.localeCompare(b.name),
    row: (r) => [
      r.error ? `❌ ${r.name}` : r.name,
      r.notPushed ? "not yet pushed" : r.actions.join("; "),
      r.tagsAdded.map((t) => t.name).join(" "),
      r.tagsRemoved.join(" "),
      r.tagsAdded.map((t) => `${t.name}@${short(t.digest)}`).join(" "),
      run.dryRun ? "" : formatDuration(r.durationMs),
      r.error,
    ],
  });
}

export function containerReporter(options: Omit<ConsoleReporterOptions<ImageResult>, "status">): Reporter<ImageResult> {
  return consoleReporter<ImageResult>({
    ...options,
    status: (r) => (r.notPushed ? "not yet pushed" : r.changed ? `changed${r.tagsAdded.length ? ` (+${r.tagsAdded.length} tags)` : ""}` : "unchanged"),
  });
}
