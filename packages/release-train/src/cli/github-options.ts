// Options of the commands that call GitHub.
import { Option } from "commander";
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
