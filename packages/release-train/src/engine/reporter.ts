// Log output of a run, in three modes with the same words:
// - GitHub Actions: the plan and one `::group::` per item (its lines buffered so concurrent items
//   never interleave) and an `::error` annotation per failure;
// - a terminal: every item's lines as they happen, and below them a live line per item in flight
//   (its step and elapsed time), redrawn every second;
// - a pipe or file: the same lines as plain text, nothing redrawn.
// The flow supplies the status text of a finished result.
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
  /** Live progress lines (default: stdout is a terminal and not Actions). */
  tty?: boolean | undefined;
  write?: ((text: string) => void) | undefined;
  /** Status of a finished item, e.g. `changed → snapshot 20251124T200000`. */
  status?(result: R): string;
  /** Redraw interval of the live lines (default 1 s). */
  refreshMs?: number | undefined;
}

export function consoleReporter<R extends ItemResult>(options: ConsoleReporterOptions<R>): Reporter<R> {
  const write = options.write ?? ((text: string) => process.stdout.write(text));
  const status = options.status ?? defaultStatus;
  if (options.actions) return actionsReporter(write, status);
  const tty = options.tty ?? Boolean(process.stdout.isTTY);
  const live = tty ? new LiveLines(write, options.refreshMs ?? 1000) : undefined;
  const print = (text: string) => (live ? live.print(text) : write(text));
  return {
    plan(text) {
      print(`${text}\n\n`);
    },
    start(key) {
      live?.set(key, "starting");
    },
    step(key, step) {
      live?.set(key, step);
    },
    line(key, line) {
      print(`  ${key}: ${line}\n`);
    },
    done(key, result, _log, progress) {
      live?.remove(key);
      const width = String(progress.total).length;
      const text = result.error ? "FAILED" : status(result);
      print(`[${String(progress.done).padStart(width)}/${progress.total}] ${key}: ${text} (${seconds(result.durationMs)})\n`);
      if (result.error) print(`    ${result.error}\n`);
    },
    close() {
      live?.close();
    },
  };
}

function actionsReporter<R extends ItemResult>(write: (text: string) => void, status: (result: R) => string): Reporter<R> {
  return {
    plan(text) {
      write(`::group::${text.split("\n")[0]}\n${text}\n::endgroup::\n`);
    },
    done(key, result, log) {
      write(`::group::${key}: ${result.error ? "FAILED" : status(result)} (${seconds(result.durationMs)})\n`);
      for (const line of log) write(`${line}\n`);
      write("::endgroup::\n");
      if (result.error) write(`::error title=${escapeProperty(key)}::${escapeData(result.error)}\n`);
    },
  };
}

/** The block of live lines under the log on a terminal: one per item in flight. */
class LiveLines {
  private readonly active = new Map<string, { step: string; since: number; started: number }>();
  private drawn = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly write: (text: string) => void,
    refreshMs: number,
  ) {
    this.timer = setInterval(() => this.redraw(), refreshMs);
    this.timer.unref();
  }

  set(key: string, step: string): void {
    const now = Date.now();
    const current = this.active.get(key);
    this.active.set(key, { step, since: now, started: current?.started ?? now });
    this.redraw();
  }

  remove(key: string): void {
    this.active.delete(key);
    this.redraw();
  }

  /** Text above the live block: clear the block, write, draw it again. */
  print(text: string): void {
    this.write(`${this.clear()}${text}`);
    this.redraw();
  }

  close(): void {
    clearInterval(this.timer);
    const text = this.clear();
    if (text) this.write(text);
  }

  private clear(): string {
    const text = this.drawn ? `\x1b[${this.drawn}F\x1b[J` : "";
    this.drawn = 0;
    return text;
  }

  private redraw(): void {
    const now = Date.now();
    const lines = [...this.active].map(
      ([key, s]) => `  … ${key}: ${s.step} (${seconds(now - s.since)} in step, ${seconds(now - s.started)} in all)`,
    );
    const text = `${this.clear()}${lines.map((l) => `${l}\n`).join("")}`;
    if (text) this.write(text);
    this.drawn = lines.length;
  }
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function defaultStatus(result: ItemResult): string {
  return result.changed ? "changed" : "unchanged";
}
