// Log output of a run. In GitHub Actions: the plan and one `::group::` per item (lines buffered per
// item so concurrent items never interleave) and an `::error` annotation per failure. Elsewhere:
// one progress line per finished item. The flow supplies the status text of a result.
import { escapeData, escapeProperty } from "../github/workflow-commands";
import type { ItemResult } from "./apply";

export interface Progress {
  done: number;
  total: number;
}

export interface Reporter<R extends ItemResult = ItemResult> {
  /** The plan, once, before anything is written. */
  plan?(text: string): void;
  start?(key: string): void;
  /** An item entered a step (sync, publish, …). */
  step?(key: string, step: string): void;
  /** A log line of an item, as it happens. */
  line?(key: string, line: string): void;
  /** An item finished; `log` is all its lines. */
  done?(key: string, result: R, log: string[], progress: Progress): void;
  /** The run is over (stop timers, clear live lines). */
  close?(): void;
}

export interface ConsoleReporterOptions<R extends ItemResult> {
  /** GitHub Actions mode: groups and annotations. */
  actions: boolean;
  write?: ((text: string) => void) | undefined;
  /** One-word-or-so status of a finished item, e.g. `changed → snapshot 20251124T200000`. */
  status?(result: R): string;
}

export function consoleReporter<R extends ItemResult>(options: ConsoleReporterOptions<R>): Reporter<R> {
  const write = options.write ?? ((text: string) => process.stdout.write(text));
  const status = options.status ?? defaultStatus;
  return {
    plan(text) {
      if (options.actions) write(`::group::${text.split("\n")[0]}\n${text}\n::endgroup::\n`);
      else write(`${text}\n\n`);
    },
    done(key, result, log, progress) {
      const text = result.error ? "FAILED" : status(result);
      const seconds = (result.durationMs / 1000).toFixed(1);
      if (options.actions) {
        write(`::group::${key}: ${text} (${seconds} s)\n`);
        for (const line of log) write(`${line}\n`);
        write("::endgroup::\n");
        if (result.error) write(`::error title=${escapeProperty(key)}::${escapeData(result.error)}\n`);
      } else {
        const width = String(progress.total).length;
        write(`[${String(progress.done).padStart(width)}/${progress.total}] ${key}: ${text} (${seconds} s)\n`);
        if (result.error) write(`    ${result.error}\n`);
      }
    },
  };
}

function defaultStatus(result: ItemResult): string {
  return result.changed ? "changed" : "unchanged";
}
