// Console reporter of the package sync: the engine's, with a repository's snapshot in its status.
import { type ConsoleReporterOptions, consoleReporter } from "../engine/reporter";
import type { SyncReporter } from "./run";
import type { RepoResult } from "./types";

export function syncReporter(options: Omit<ConsoleReporterOptions<RepoResult>, "status">): SyncReporter {
  return consoleReporter<RepoResult>({ ...options, status: statusOf });
}

function statusOf(result: RepoResult): string {
  if (!result.changed) return `unchanged${result.version ? ` (snapshot ${result.version})` : ""}`;
  return `changed${result.version ? ` → snapshot ${result.version}` : ""}`;
}
