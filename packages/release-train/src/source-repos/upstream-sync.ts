// Weekly upstream sync of a fork, one release series at a time, through the REST API only (as
// StackHPC's workflow does with `gh api`): compare `stackhpc/<series>` with upstream
// `stable/<series>` (or master); when upstream is ahead, create `upstream/<series>-<date>` at the
// upstream commit in the fork (forks share objects, so no history is pushed) and open a pull
// request; create a missing downstream branch at the upstream commit.
import { applyItems, type ItemContext, type ItemResult, type Reporter } from "../engine";
import { type GitHub, githubMessage, statusOf } from "../github/client";
import { parseRepository } from "../github/pulls";

export interface UpstreamSyncOptions {
  github: GitHub;
  /** The fork, `owner/name`. */
  repository: string;
  /** Upstream, `owner/name`. */
  upstream: string;
  series: string[];
  /** `{series}` is replaced; `master` always maps to `master`. */
  upstreamBranchPattern?: string;
  downstreamBranchPattern?: string;
  labels?: string[];
  /** UTC date of the sync branch name; default today. */
  date?: Date;
  dryRun?: boolean;
  concurrency?: number;
  /** Days of inactivity after which to warn about GitHub's 60-day schedule disablement. */
  inactivityWarningDays?: number;
  now?: Date;
  reporter?: Reporter<SeriesResult>;
}

export type SeriesStatus = "opened" | "skipped" | "failed";

export interface SeriesResult extends ItemResult {
  series: string;
  status: SeriesStatus;
  /** Why skipped or failed, or what was done. */
  reason: string;
  upstreamBranch: string;
  downstreamBranch: string;
  upstreamSha?: string;
  aheadBy?: number;
  syncBranch?: string;
  pullRequest?: { number: number; url: string };
  /** The downstream branch was missing and has been created at the upstream commit. */
  createdDownstreamBranch?: boolean;
}

export interface UpstreamSyncResult {
  repository: string;
  upstream: string;
  dryRun: boolean;
  results: SeriesResult[];
  warnings: string[];
}

export const DEFAULT_SYNC_LABELS = ["automated", "synchronisation"];

/** Upstream's branch for a series: the pattern, except that `master` is upstream's master. */
export function upstreamBranchFor(pattern: string, series: string): string {
  return series === "master" ? "master" : pattern.replaceAll("{series}", series);
}

export const downstreamBranchFor = (pattern: string, series: string): string => pattern.replaceAll("{series}", series);

const isoDate = (d: Date) => d.toISOString().slice(0, 10);

export class WorkflowPermissionError extends Error {
  override name = "WorkflowPermissionError";
}

/** What GitHub says when a token may not touch `.github/workflows`. */
export function isWorkflowRefusal(error: unknown): boolean {
  return /without [`']?workflows?[`']? (permission|scope)/i.test(githubMessage(error));
}

function workflowPermissionMessage(branch: string, files: string[], scopes: string | undefined): string {
  const held = scopes === undefined ? "" : ` (the token's scopes: ${scopes || "none"})`;
  return (
    `creating ${branch} would add upstream changes to ${files.slice(0, 3).join(", ")}${files.length > 3 ? ` and ${files.length - 3} more` : ""}, ` +
    `and GitHub refuses that without the workflows permission${held}: use a token with it ` +
    "(a classic PAT with the `workflow` scope, or a GitHub App token with Workflows: read and write; " +
    "the Actions GITHUB_TOKEN can never have it)"
  );
}

async function getRefSha(github: GitHub, owner: string, repo: string, branch: string): Promise<string | undefined> {
  try {
    const { data } = await github.rest.git.getRef({ owner, repo, ref: `heads/${branch}` });
    return data.object.sha;
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw error;
  }
}

/** Classic PATs list their scopes in X-OAuth-Scopes; installation tokens send none (undefined). */
async function tokenScopes(github: GitHub, owner: string, repo: string): Promise<{ scopes: string | undefined; defaultBranch: string }> {
  const response = await github.rest.repos.get({ owner, repo });
  return { scopes: response.headers["x-oauth-scopes"] as string | undefined, defaultBranch: response.data.default_branch };
}

export function pullRequestBody(series: string, upstream: string, upstreamBranch: string, compareUrl: string, commits: { sha: string; commit: { message: string; author: { name?: string } | null } }[], total: number): string {
  const shown = commits.slice(-50);
  const lines = shown.map((c) => `- ${c.sha.slice(0, 10)} ${c.commit.message.split("\n")[0]}${c.commit.author?.name ? ` (${c.commit.author.name})` : ""}`);
  return [
    `Synchronise ${series} with ${upstream} \`${upstreamBranch}\`: ${total} new upstream commit${total === 1 ? "" : "s"}.`,
    "",
    `Compare: ${compareUrl}`,
    "",
    ...(total > shown.length ? [`Latest ${shown.length} of ${total}:`, ""] : []),
    ...lines,
    "",
    "Opened by release-train upstream-sync. Merge (do not squash) to keep upstream history.",
  ].join("\n");
}

type SeriesOutcome = Omit<SeriesResult, keyof ItemResult>;

async function syncSeries(options: UpstreamSyncOptions, series: string, scopes: string | undefined, ctx: ItemContext): Promise<SeriesOutcome> {
  const { github, dryRun = false } = options;
  const fork = parseRepository(options.repository);
  const up = parseRepository(options.upstream);
  const upstreamBranch = upstreamBranchFor(options.upstreamBranchPattern ?? "stable/{series}", series);
  const downstreamBranch = downstreamBranchFor(options.downstreamBranchPattern ?? "stackhpc/{series}", series);
  const base = { series, upstreamBranch, downstreamBranch };
  ctx.step("compare");
  const upstreamSha = await getRefSha(github, up.owner, up.repo, upstreamBranch);
  if (!upstreamSha) throw new Error(`${options.upstream} has no branch ${upstreamBranch}`);

  const downstreamSha = await getRefSha(github, fork.owner, fork.repo, downstreamBranch);
  if (!downstreamSha) {
    ctx.log(`${downstreamBranch} is missing; ${dryRun ? "would create" : "creating"} it at ${upstreamSha.slice(0, 12)}`);
    if (dryRun) return { ...base, upstreamSha, status: "skipped", reason: `would create ${downstreamBranch} at upstream ${upstreamSha.slice(0, 12)}`, createdDownstreamBranch: true };
    ctx.step("create branch");
    try {
      await github.rest.git.createRef({ owner: fork.owner, repo: fork.repo, ref: `refs/heads/${downstreamBranch}`, sha: upstreamSha });
    } catch (error) {
      if (isWorkflowRefusal(error)) throw new WorkflowPermissionError(workflowPermissionMessage(downstreamBranch, [".github/workflows/*"], scopes));
      throw error;
    }
    return { ...base, upstreamSha, status: "opened", reason: `created ${downstreamBranch} at upstream ${upstreamSha.slice(0, 12)}`, createdDownstreamBranch: true };
  }

  const { data: compare } = await github.rest.repos.compareCommitsWithBasehead({
    owner: fork.owner,
    repo: fork.repo,
    basehead: `${downstreamBranch}...${up.owner}:${upstreamBranch}`,
    per_page: 100,
  });
  if (compare.ahead_by === 0) {
    return { ...base, upstreamSha, aheadBy: 0, status: "skipped", reason: `${downstreamBranch} already contains ${up.owner}:${upstreamBranch} (${upstreamSha.slice(0, 12)})` };
  }

  const { data: open } = await github.rest.pulls.list({ owner: fork.owner, repo: fork.repo, state: "open", base: downstreamBranch, per_page: 100 });
  const existing = open.find((pr) => pr.head.sha === upstreamSha);
  if (existing) {
    return { ...base, upstreamSha, aheadBy: compare.ahead_by, status: "skipped", reason: `pull request #${existing.number} already proposes ${upstreamSha.slice(0, 12)}`, pullRequest: { number: existing.number, url: existing.html_url } };
  }

  const syncBranch = `upstream/${series}-${isoDate(options.date ?? new Date())}`;
  ctx.step("sync branch");
  const workflowFiles = (compare.files ?? []).map((f) => f.filename).filter((f) => f.startsWith(".github/workflows/"));
  if (workflowFiles.length > 0 && scopes !== undefined && !scopes.split(/,\s*/).includes("workflow")) {
    throw new WorkflowPermissionError(workflowPermissionMessage(syncBranch, workflowFiles, scopes));
  }
  ctx.log(`${up.owner}:${upstreamBranch} is ${compare.ahead_by} commit(s) ahead; ${dryRun ? "would open" : "opening"} a pull request from ${syncBranch}`);
  if (dryRun) return { ...base, upstreamSha, aheadBy: compare.ahead_by, syncBranch, status: "skipped", reason: `would open a pull request from ${syncBranch} (${compare.ahead_by} commits)` };

  try {
    const current = await getRefSha(github, fork.owner, fork.repo, syncBranch);
    if (current === undefined) {
      await github.rest.git.createRef({ owner: fork.owner, repo: fork.repo, ref: `refs/heads/${syncBranch}`, sha: upstreamSha });
    } else if (current !== upstreamSha) {
      // Same day, newer upstream: the branch is ours, move it.
      await github.rest.git.updateRef({ owner: fork.owner, repo: fork.repo, ref: `heads/${syncBranch}`, sha: upstreamSha, force: true });
    }
  } catch (error) {
    if (isWorkflowRefusal(error) || (workflowFiles.length > 0 && [403, 404, 422].includes(statusOf(error) ?? 0))) {
      throw new WorkflowPermissionError(`${workflowPermissionMessage(syncBranch, workflowFiles.length > 0 ? workflowFiles : [".github/workflows/*"], scopes)} (GitHub said: ${githubMessage(error)})`);
    }
    throw error;
  }
  const title = `Synchronise ${series} with upstream`;
  const body = pullRequestBody(series, options.upstream, upstreamBranch, compare.html_url, compare.commits, compare.total_commits);
  let pr: { number: number; html_url: string };
  ctx.step("pull request");
  try {
    pr = (await github.rest.pulls.create({ owner: fork.owner, repo: fork.repo, head: syncBranch, base: downstreamBranch, title, body })).data;
  } catch (error) {
    // A re-run after an interruption: the pull request from this branch exists already.
    if (statusOf(error) !== 422 || !/already exists/i.test(githubMessage(error))) throw error;
    const { data } = await github.rest.pulls.list({ owner: fork.owner, repo: fork.repo, state: "open", head: `${fork.owner}:${syncBranch}`, base: downstreamBranch });
    if (!data[0]) throw error;
    pr = (await github.rest.pulls.update({ owner: fork.owner, repo: fork.repo, pull_number: data[0].number, title, body })).data;
  }
  const labels = options.labels ?? DEFAULT_SYNC_LABELS;
  ctx.step("labels");
  if (labels.length > 0) await github.rest.issues.addLabels({ owner: fork.owner, repo: fork.repo, issue_number: pr.number, labels });
  return { ...base, upstreamSha, aheadBy: compare.ahead_by, syncBranch, status: "opened", reason: `opened #${pr.number} (${compare.ahead_by} commits)`, pullRequest: { number: pr.number, url: pr.html_url } };
}

/** GitHub disables schedules after 60 days without activity in a public repository. */
async function scheduleWarnings(options: UpstreamSyncOptions, defaultBranch: string): Promise<string[]> {
  const { github } = options;
  const fork = parseRepository(options.repository);
  const warnings: string[] = [];
  const threshold = options.inactivityWarningDays ?? 45;
  const now = options.now ?? new Date();
  try {
    const { data } = await github.rest.repos.listCommits({ owner: fork.owner, repo: fork.repo, sha: defaultBranch, per_page: 1 });
    const date = data[0]?.commit.committer?.date ?? data[0]?.commit.author?.date;
    if (date) {
      const days = Math.floor((now.getTime() - new Date(date).getTime()) / 86_400_000);
      if (days >= threshold) {
        warnings.push(
          `${options.repository}: the last commit on ${defaultBranch} is ${days} days old (${date.slice(0, 10)}); GitHub disables scheduled workflows ` +
            `after 60 days without repository activity, so ${days >= 60 ? "this weekly sync may already have stopped" : `this weekly sync will stop in ${60 - days} days`}. Keep it alive by merging a ` +
            `commit to ${defaultBranch} (a source-repo-sync pull request will do), or re-enable it afterwards with ` +
            "`gh workflow enable upstream-sync.yml` (PUT /repos/{owner}/{repo}/actions/workflows/{id}/enable).",
        );
      }
    }
    const { data: workflows } = await github.rest.actions.listRepoWorkflows({ owner: fork.owner, repo: fork.repo, per_page: 100 });
    for (const w of workflows.workflows) {
      if (w.state === "disabled_inactivity") {
        warnings.push(`${options.repository}: workflow ${w.path} is already disabled for inactivity; re-enable it with \`gh workflow enable ${w.path.split("/").pop()}\``);
      }
    }
  } catch (error) {
    warnings.push(`${options.repository}: could not check for schedule disablement: ${githubMessage(error)}`);
  }
  return warnings;
}

export async function upstreamSync(options: UpstreamSyncOptions): Promise<UpstreamSyncResult> {
  const fork = parseRepository(options.repository);
  parseRepository(options.upstream);
  const { scopes, defaultBranch } = await tokenScopes(options.github, fork.owner, fork.repo);
  const up = options.upstreamBranchPattern ?? "stable/{series}";
  const down = options.downstreamBranchPattern ?? "stackhpc/{series}";
  options.reporter?.plan?.(
    `upstream-sync ${options.repository} ← ${options.upstream}${options.dryRun ? " (dry run)" : ""}\n` +
      options.series.map((s) => `  ${s}: ${upstreamBranchFor(up, s)} → ${downstreamBranchFor(down, s)}`).join("\n"),
  );
  const results = await applyItems(options.series, {
    key: (series) => series,
    concurrency: options.concurrency ?? 2,
    reporter: options.reporter,
    init: (series): SeriesResult => ({
      changed: false,
      actions: [],
      tasks: [],
      durationMs: 0,
      series,
      status: "failed",
      reason: "",
      upstreamBranch: upstreamBranchFor(up, series),
      downstreamBranch: downstreamBranchFor(down, series),
    }),
    apply: async (series, result, ctx) => {
      const outcome = await syncSeries(options, series, scopes, ctx);
      Object.assign(result, outcome);
      if (outcome.status === "opened") ctx.did(outcome.reason);
      else ctx.log(outcome.reason);
    },
  });
  for (const r of results) {
    if (r.error) {
      r.status = "failed";
      r.reason = r.error;
    }
  }
  const warnings = await scheduleWarnings(options, defaultBranch);
  return { repository: options.repository, upstream: options.upstream, dryRun: options.dryRun ?? false, results, warnings };
}
