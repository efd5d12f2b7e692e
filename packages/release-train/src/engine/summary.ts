// Job summaries: a title, a counts line and one table row per item (failures first), appended to
// `--summary-file` / $GITHUB_STEP_SUMMARY or printed. A summary that cannot be written is a warning:
// the run's work and its outputs are what count, not the report of them.
import { appendFile } from "node:fs/promises";
import type { ItemResult } from "./apply";
import { table } from "./markdown";

export interface SummaryTable<T> {
  title: string;
  /** Sentence under the title, e.g. `10 repositories: 3 changed, 7 unchanged, 0 failed.` */
  counts: string;
  header: string[];
  items: readonly T[];
  row(item: T): (string | number | undefined)[];
  /** Secondary order after failures first (default: input order). */
  compare?(a: T, b: T): number;
}

/** Markdown for a run: failed items first, then `compare` order. */
export function summaryMarkdown<T extends Pick<ItemResult, "error">>(summary: SummaryTable<T>): string {
  const rows = [...summary.items]
    .sort((a, b) => Number(Boolean(b.error)) - Number(Boolean(a.error)) || (summary.compare?.(a, b) ?? 0))
    .map((item) => summary.row(item));
  return `${summary.title}\n\n${summary.counts}\n\n${table(summary.header, rows)}\n`;
}

export interface WriteSummaryOptions {
  /** Explicit file (`--summary-file`); default `$GITHUB_STEP_SUMMARY`; neither: print it. */
  file?: string | undefined;
  env?: NodeJS.ProcessEnv;
  write(text: string): void;
}

/** Appends (or prints) the summary; returns a warning instead of throwing when the file cannot be written. */
export async function writeSummary(markdown: string, options: WriteSummaryOptions): Promise<string | undefined> {
  const file = options.file ?? (options.env ?? process.env).GITHUB_STEP_SUMMARY;
  if (!file) {
    options.write(`\n${markdown}`);
    return undefined;
  }
  try {
    await appendFile(file, `${markdown}\n`);
    return undefined;
  } catch (error) {
    return `could not write the job summary to ${file}: ${(error as Error).message}`;
  }
}
