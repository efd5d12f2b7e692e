// Options of the commands that call GitHub.
import { type Command, Option } from "commander";
import { createGitHubClient, type GitHub } from "../github/client";
import { UsageError } from "./errors";

export interface GitHubCliOptions {
  githubToken?: string;
  githubApiUrl?: string;
  writeIntervalMs?: string;
}

export const githubTokenOption = () => new Option("--github-token <token>", "GitHub token").env("GITHUB_TOKEN");
export const githubApiUrlOption = () => new Option("--github-api-url <url>", "GitHub REST API root").env("GITHUB_API_URL");
export const writeIntervalOption = () =>
  new Option("--write-interval-ms <ms>", "minimum spacing of content-creating requests (GitHub asks for about 1 s)").default("1000");

export function githubFrom(options: GitHubCliOptions, what: string): GitHub {
  if (!options.githubToken) throw new UsageError(`--github-token (or GITHUB_TOKEN) is required to ${what}`);
  const interval = Number(options.writeIntervalMs ?? "1000");
  if (!Number.isFinite(interval) || interval < 0) throw new UsageError("--write-interval-ms must be a number of milliseconds ≥ 0");
  return createGitHubClient({ token: options.githubToken, apiUrl: options.githubApiUrl, writeIntervalMs: interval });
}

/** `--concurrency` as a positive integer. */
export function concurrencyFrom(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--concurrency must be a positive integer, got ${JSON.stringify(value)}`);
  return n;
}

/** `--json`, `--summary-file` and the GitHub connection options of a command that calls GitHub. */
export function withGitHubRunOptions(command: Command): Command {
  return command
    .option("--json", "print the result as JSON")
    .option("--summary-file <path>", "append the Markdown summary here (default $GITHUB_STEP_SUMMARY)")
    .addOption(githubTokenOption())
    .addOption(githubApiUrlOption())
    .addOption(writeIntervalOption());
}

/** The checkout and remotes of the downstream-tag commands (os-downstream-tag.py's defaults). */
export function withCheckoutOptions(command: Command): Command {
  return command
    .requiredOption("--repo <checkout>", "git checkout with the upstream and downstream remotes")
    .requiredOption("--release <series>", "release series, e.g. 2025.1, zed or master")
    .option("--prefix <prefix>", "downstream tag prefix", "stackhpc/")
    .option("--upstream-remote <name>", "remote of the upstream repository", "origin")
    .option("--downstream-remote <name>", "remote of the fork", "stackhpc");
}

export interface CheckoutCliOptions {
  repo: string;
  release: string;
  prefix: string;
  upstreamRemote: string;
  downstreamRemote: string;
  dryRun?: boolean;
}

/** The library options the checkout options map to. */
export const checkoutFrom = (o: CheckoutCliOptions) => ({
  repo: o.repo,
  release: o.release,
  prefix: o.prefix,
  upstreamRemote: o.upstreamRemote,
  downstreamRemote: o.downstreamRemote,
  dryRun: o.dryRun ?? false,
});
