// How the CLI reports failures: configuration problems all at once (plus GitHub annotations when
// running in Actions), other known errors as one line, exit code 1.
import { ConfigError, formatGithubAnnotations, formatProblems } from "../config/errors";

/** Errors whose message is meant for the user (no stack trace needed). */
export class UsageError extends Error {
  override name = "UsageError";
}

export function reportError(error: unknown, stderr: NodeJS.WritableStream = process.stderr): void {
  if (error instanceof ConfigError) {
    stderr.write(`${error.message}:\n${formatProblems(error)}\n`);
    // GitHub reads workflow commands from stderr as well as stdout; keep stdout for JSON.
    if (process.env["GITHUB_ACTIONS"] === "true") stderr.write(`${formatGithubAnnotations(error)}\n`);
  } else if (error instanceof Error) {
    stderr.write(`release-train: ${error.name === "Error" ? "" : `${error.name}: `}${error.message}\n`);
    if (process.env["RELEASE_TRAIN_DEBUG"] && error.stack) stderr.write(`${error.stack}\n`);
  } else {
    stderr.write(`release-train: ${String(error)}\n`);
  }
}

/** Wraps a command action so that any error is reported and sets exit code 1. */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (error) {
      reportError(error);
      process.exitCode = 1;
    }
  };
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
