// source-repo-sync: for every repository and branch the render gives, compare the rendered files
// with the branch (contents API) and, where they differ, put them on the work branch
// `<branch>-workflows` and open one pull request. Re-runs converge: an up-to-date work branch
// with its pull request is left alone, a stale one (base moved, or content differs) is reset to
// the base and rewritten (its open pull request follows), and a pull request is only created
// when none is open — so an interrupted run resumes without duplicates.
import { createTwoFilesPatch } from "diff";
import { applyItems, type ItemContext, type ItemResult, type Reporter } from "../engine";
import { type GitHub, githubMessage, statusOf } from "../github/client";
import type { SourceReposConfig } from "./config";
import { type BranchFiles, type RenderOptions, renderAll } from "./render";
import { isWorkflowRefusal } from "./upstream-sync";

export interface SourceRepoSyncOptions extends Omit<RenderOptions, "defaultBranches"> {
  github: GitHub;
  config: SourceReposConfig;
  owner: string;
  labels?: string[];
  dryRun?: boolean;
  concurrency?: number;
  /** Only these repositories (names); default all. */
  only?: string[];
  reporter?: Reporter<TargetResult>;
  /** Called once with the plan text, before any write. */
  onPlan?: (text: string) => void;
}

export type FileChange = "create" | "update" | "unchanged";

export interface TargetResult extends ItemResult {
  repository: string;
  branch: string;
  status: "up-to-date" | "opened" | "updated" | "pending" | "would-open" | "missing-branch" | "failed";
  files: { path: string; change: FileChange }[];
  /** Unified diffs of changed files (dry run). */
  diffs: string[];
  pullRequest?: { number: number; url: string };
}

export interface SourceRepoSyncResult {
  dryRun: boolean;
  targets: TargetResult[];
  failed: TargetResult[];
}

export const DEFAULT_WORKFLOW_LABELS = ["stackhpc-ci", "workflows"];
export const workBranchOf = (branch: string) => `${branch}-workflows`;

type Existing = Map<string, { sha: string; content: string }>;

async function branchSha(github: GitHub, owner: string, repo: string, branch: string): Promise<string | undefined> {
  try {
    return (await github.rest.git.getRef({ owner, repo, ref: `heads/${branch}` })).data.object.sha;
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw error;
  }
}

async function readFiles(github: GitHub, owner: string, repo: string, ref: string, paths: string[]): Promise<Existing> {
  const out: Existing = new Map();
  for (const path of paths) {
    try {
      const { data } = await github.rest.repos.getContent({ owner, repo, path, ref });
      if (!Array.isArray(data) && data.type === "file" && "content" in data) {
        out.set(path, { sha: data.sha, content: Buffer.from(data.content, "base64").toString("utf8") });
      }
    } catch (error) {
      if (statusOf(error) !== 404) throw error;
    }
  }
  return out;
}

async function ensureLabels(github: GitHub, owner: string, repo: string, labels: string[], known: Map<string, Promise<Set<string>>>): Promise<void> {
  let names = known.get(repo);
  if (!names) {
    names = github.paginate(github.rest.issues.listLabelsForRepo, { owner, repo, per_page: 100 }).then((all) => new Set(all.map((l) => l.name.toLowerCase())));
    known.set(repo, names);
  }
  const have = await names;
  for (const name of labels) {
    if (have.has(name.toLowerCase())) continue;
    try {
      await github.rest.issues.createLabel({ owner, repo, name });
    } catch (error) {
      // Created meanwhile by another branch of the same repository.
      if (statusOf(error) !== 422) throw error;
    }
    have.add(name.toLowerCase());
  }
}

function plan(targets: BranchFiles[], defaults: Map<string, string>): string {
  const lines = targets.map((t) => `  ${t.repository} ${t.branch}${t.isDefault ? " (default)" : ""}: ${t.files.map((f) => f.path).join(", ")}`);
  return `source-repo-sync: ${targets.length} branch(es) in ${defaults.size} repositories\n${lines.join("\n")}`;
}

async function syncTarget(options: SourceRepoSyncOptions, target: BranchFiles, result: TargetResult, ctx: ItemContext, labelCache: Map<string, Promise<Set<string>>>): Promise<void> {
  const { github, owner } = options;
  const repo = target.repository;
  ctx.step("read");
  const baseSha = await branchSha(github, owner, repo, target.branch);
  if (!baseSha) {
    result.status = "missing-branch";
    ctx.log(`branch ${target.branch} does not exist; skipped`);
    return;
  }
  const paths = target.files.map((f) => f.path);
  const current = await readFiles(github, owner, repo, target.branch, paths);
  result.files = target.files.map((f) => ({ path: f.path, change: !current.has(f.path) ? "create" : current.get(f.path)!.content === f.content ? "unchanged" : "update" }));
  const changed = target.files.filter((f) => current.get(f.path)?.content !== f.content);
  const work = workBranchOf(target.branch);
  if (changed.length === 0) {
    result.status = "up-to-date";
    ctx.log("up to date");
    return;
  }
  result.diffs = changed.map((f) => createTwoFilesPatch(`a/${f.path}`, `b/${f.path}`, current.get(f.path)?.content ?? "", f.content, target.branch, work));
  if (options.dryRun) {
    result.status = "would-open";
    ctx.log(`would update ${changed.map((f) => f.path).join(", ")} through ${work}`);
    return;
  }

  ctx.step("work branch");
  const workSha = await branchSha(github, owner, repo, work);
  let onWork: Existing = new Map();
  let fresh = false;
  if (workSha) {
    const { data: cmp } = await github.rest.repos.compareCommitsWithBasehead({ owner, repo, basehead: `${target.branch}...${work}` });
    onWork = await readFiles(github, owner, repo, work, paths);
    fresh = cmp.behind_by === 0 && target.files.every((f) => onWork.get(f.path)?.content === f.content);
  }
  if (!fresh) {
    if (workSha) {
      await github.rest.git.updateRef({ owner, repo, ref: `heads/${work}`, sha: baseSha, force: true });
      ctx.did(`reset stale ${work} to ${target.branch}`);
    } else {
      await github.rest.git.createRef({ owner, repo, ref: `refs/heads/${work}`, sha: baseSha });
      ctx.did(`created ${work}`);
    }
    ctx.step("commit");
    for (const file of changed) {
      const existing = current.get(file.path);
      try {
        await github.rest.repos.createOrUpdateFileContents({
          owner,
          repo,
          path: file.path,
          branch: work,
          message: `feat: automatic update of ${file.path} on ${target.branch}`,
          content: Buffer.from(file.content).toString("base64"),
          ...(existing ? { sha: existing.sha } : {}),
        });
      } catch (error) {
        if (isWorkflowRefusal(error)) {
          throw new Error(`writing ${file.path} needs a token with the workflows permission (classic PAT: \`workflow\` scope; GitHub App: Workflows read and write): ${githubMessage(error)}`);
        }
        throw error;
      }
      ctx.did(`${existing ? "updated" : "created"} ${file.path}`);
    }
  } else {
    ctx.log(`${work} already holds the rendered files`);
  }

  ctx.step("pull request");
  const labels = options.labels ?? DEFAULT_WORKFLOW_LABELS;
  const { data: open } = await github.rest.pulls.list({ owner, repo, state: "open", head: `${owner}:${work}`, base: target.branch });
  let pr: { number: number; html_url: string; labels: { name: string }[] } | undefined = open[0];
  if (pr) {
    result.status = fresh ? "pending" : "updated";
    ctx.log(`pull request #${pr.number} is open`);
  } else {
    const body = [
      `Brings ${target.branch} in line with the source-repositories configuration (release-train source-repo-sync):`,
      "",
      ...result.files.filter((f) => f.change !== "unchanged").map((f) => `- ${f.change} \`${f.path}\``),
    ].join("\n");
    pr = (await github.rest.pulls.create({ owner, repo, head: work, base: target.branch, title: `Update workflows and community files on ${target.branch}`, body })).data;
    result.status = "opened";
    ctx.did(`opened pull request #${pr!.number}`);
  }
  result.pullRequest = { number: pr!.number, url: pr!.html_url };
  ctx.step("labels");
  const missing = labels.filter((l) => !pr!.labels.some((have) => have.name.toLowerCase() === l.toLowerCase()));
  if (missing.length > 0) {
    await ensureLabels(github, owner, repo, missing, labelCache);
    await github.rest.issues.addLabels({ owner, repo, issue_number: pr!.number, labels: missing });
  }
}

export async function sourceRepoSync(options: SourceRepoSyncOptions): Promise<SourceRepoSyncResult> {
  const { github, owner } = options;
  const repos = options.config.repositories.filter((r) => !options.only || options.only.includes(r.name));
  // Default branches first (one read per repository), then the render needs them.
  const defaults = new Map<string, string>();
  await applyItems(repos, {
    key: (r) => r.name,
    concurrency: options.concurrency ?? 4,
    init: () => ({ changed: false, actions: [], tasks: [], durationMs: 0 }),
    apply: async (r) => {
      try {
        defaults.set(r.name, (await github.rest.repos.get({ owner, repo: r.name })).data.default_branch);
      } catch (error) {
        if (statusOf(error) !== 404) throw error;
      }
    },
  });
  const config = { ...options.config, repositories: repos };
  const targets = renderAll(config, { ...options, defaultBranches: Object.fromEntries(defaults) });
  const missingRepos = repos.filter((r) => !defaults.has(r.name));
  options.onPlan?.(plan(targets, defaults));
  const labelCache = new Map<string, Promise<Set<string>>>();
  const results = await applyItems(targets, {
    key: (t) => `${t.repository} ${t.branch}`,
    concurrency: options.concurrency ?? 4,
    reporter: options.reporter,
    init: (t): TargetResult => ({ changed: false, actions: [], tasks: [], durationMs: 0, repository: t.repository, branch: t.branch, status: "failed", files: [], diffs: [] }),
    apply: async (t, result, ctx) => {
      if (!defaults.has(t.repository)) {
        throw new Error(`repository ${owner}/${t.repository} not found (or the token cannot read it)`);
      }
      await syncTarget(options, t, result, ctx, labelCache);
    },
  });
  for (const r of results) if (r.error) r.status = "failed";
  // Repositories that do not exist give no targets from the render's point of view; report them.
  for (const r of missingRepos) {
    if (!results.some((t) => t.repository === r.name)) {
      results.push({ changed: false, actions: [], tasks: [], durationMs: 0, repository: r.name, branch: "", status: "failed", files: [], diffs: [], error: `repository ${owner}/${r.name} not found (or the token cannot read it)` });
    }
  }
  return { dryRun: options.dryRun ?? false, targets: results, failed: results.filter((r) => r.status === "failed") };
}
