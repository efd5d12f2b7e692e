// Opens (or refreshes) the pull request proposing a kayobe-config change, through the REST API
// (`POST /repos/{owner}/{repo}/pulls`) with @actions/github's Octokit.
import { getOctokit } from "@actions/github";

export interface PullRequestOptions {
  token: string;
  /** `owner/name`. */
  repository: string;
  /** Branch holding the change (in the same repository). */
  head: string;
  base: string;
  title: string;
  body: string;
  /** REST API root; default `$GITHUB_API_URL`, else https://api.github.com. */
  apiUrl?: string | undefined;
}

export interface PullRequestResult {
  number: number;
  url: string;
  /** False when a pull request for the branch already existed and was updated. */
  created: boolean;
}

export function parseRepository(repository: string): { owner: string; repo: string } {
  const m = /^([A-Za-z0-9-_.]+)\/([A-Za-z0-9-_.]+)$/.exec(repository);
  if (!m) throw new Error(`invalid repository ${JSON.stringify(repository)}: expected owner/name`);
  return { owner: m[1]!, repo: m[2]! };
}

/** GitHub answers 422 "A pull request already exists for owner:branch." for a second PR. */
function isAlreadyExists(error: unknown): boolean {
  const e = error as { status?: number; response?: { data?: { errors?: { message?: string }[] } } };
  return (
    e.status === 422 &&
    (e.response?.data?.errors ?? []).some((item) => /pull request already exists/i.test(item.message ?? ""))
  );
}

export async function openOrUpdatePullRequest(options: PullRequestOptions): Promise<PullRequestResult> {
  const { owner, repo } = parseRepository(options.repository);
  const baseUrl = (options.apiUrl || process.env["GITHUB_API_URL"] || "https://api.github.com").replace(/\/+$/, "");
  const octokit = getOctokit(options.token, { baseUrl });
  const { head, base, title, body } = options;
  try {
    const { data } = await octokit.rest.pulls.create({ owner, repo, head, base, title, body });
    return { number: data.number, url: data.html_url, created: true };
  } catch (error) {
    if (!isAlreadyExists(error)) throw error;
  }
  const { data: open } = await octokit.rest.pulls.list({ owner, repo, head: `${owner}:${head}`, base, state: "open" });
  const existing = open[0];
  if (!existing) throw new Error(`GitHub reports a pull request for ${owner}:${head} already exists, but none is open`);
  const { data } = await octokit.rest.pulls.update({ owner, repo, pull_number: existing.number, title, body });
  return { number: data.number, url: data.html_url, created: false };
}
