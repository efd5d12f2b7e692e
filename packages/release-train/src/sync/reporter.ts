// Log output of a run: in GitHub Actions one `::group::` per repository (lines are buffered per
// repository so concurrent repositories never interleave); on a terminal one progress line each.
import { escapeData, escapeProperty } from "../github/workflow-commands";
import type { SyncReporter } from "./run";
import type { RepoResult } from "./types";

export function consoleReporter(options: { actions: boolean; write?: (text: string) => void }): SyncReporter {
  const write = options.write ?? ((text: string) => process.stdout.write(text));
  return {
    plan(text) {
      if (options.actions) write(`::group::${text.split("\n")[0]}\n${text}\n::endgroup::\n`);
      else write(`${text}\n\n`);
    },
    done(result, log, progress) {
      const status = statusOf(result);
      const seconds = (result.durationMs / 1000).toFixed(1);
      if (options.actions) {
        write(`::group::${result.shortName}: ${status} (${seconds} s)\n`);
        for (const line of log) write(`${line}\n`);
        write("::endgroup::\n");
        if (result.error) write(`::error title=${escapeProperty(result.shortName)}::${escapeData(result.error)}\n`);
      } else {
        const width = String(progress.total).length;
        write(`[${String(progress.done).padStart(width)}/${progress.total}] ${result.shortName}: ${status} (${seconds} s)\n`);
        if (result.error) write(`    ${result.error}\n`);
      }
    },
  };
}

function statusOf(result: RepoResult): string {
  if (result.error) return "FAILED";
  if (!result.changed) return `unchanged${result.version ? ` (snapshot ${result.version})` : ""}`;
  return `changed${result.version ? ` → snapshot ${result.version}` : ""}`;
}
