// The whole kayobe-config step: rewrite pulp-repo-versions.yml, then (optionally) commit it on a
// branch, push, and open or refresh a pull request.
import { commitOnBranch, type GitIdentity, pushBranch, requireGit } from "../github/git";
import { openOrUpdatePullRequest, type PullRequestResult } from "../github/pulls";
import { table } from "../engine/markdown";
import { PULP_REPO_VERSIONS_FILE, updateKayobeConfig, type VersionsUpdate, versionVariable } from "./pulp-repo-versions";

export interface ProposeOptions {
  checkoutDir: string;
  versions: Record<string, string>;
  /** Commit and push on `branch` (implied by `pullRequest`). */
  commit?: boolean;
  branch: string;
  remote?: string;
  identity?: GitIdentity;
  pullRequest?: { token: string; repository: string; base: string; apiUrl?: string | undefined };
}

export interface ProposeResult extends VersionsUpdate {
  file: string;
  branch?: string;
  commit?: string;
  pullRequest?: PullRequestResult;
}

export const PULL_REQUEST_TITLE = "Update Pulp package repository versions";

/** Each variable the update changes, old → new (as reviewers and the commit log read it). */
function changes(update: Pick<VersionsUpdate, "updated" | "added">): { variable: string; from: string; to: string }[] {
  return [
    ...update.updated.map((u) => ({ variable: versionVariable(u.shortName), from: u.from || "(empty)", to: u.to })),
    ...update.added.map((a) => ({ variable: versionVariable(a.shortName), from: "(new)", to: a.version })),
  ];
}

/** Markdown body listing each change, so reviewers see what promotion will pick up. */
export function describeUpdate(update: Pick<VersionsUpdate, "updated" | "added">): string {
  const rows = changes(update).map((c) => [`\`${c.variable}\``, c.from, c.to]);
  return [
    `Updates \`${PULP_REPO_VERSIONS_FILE}\` with new package repository snapshots.`,
    "",
    table(["Variable", "Old", "New"], rows),
    "",
    "Proposed by release-train.",
  ].join("\n");
}

function commitMessage(update: Pick<VersionsUpdate, "updated" | "added">): string {
  const lines = changes(update).map((c) => `${c.variable}: ${c.from} -> ${c.to}`);
  return `${PULL_REQUEST_TITLE}\n\n${lines.join("\n")}\n`;
}

export async function proposeKayobeUpdate(options: ProposeOptions): Promise<ProposeResult> {
  if (options.commit || options.pullRequest) await requireGit(options.checkoutDir);
  const update = await updateKayobeConfig(options.checkoutDir, options.versions);
  const result: ProposeResult = { ...update };
  if (!update.changed || !(options.commit || options.pullRequest)) return result;

  const body = describeUpdate(update);
  const commit = await commitOnBranch({
    cwd: options.checkoutDir,
    branch: options.branch,
    message: commitMessage(update),
    paths: [PULP_REPO_VERSIONS_FILE],
    ...(options.identity ? { identity: options.identity } : {}),
  });
  result.branch = options.branch;
  if (commit) result.commit = commit;
  await pushBranch(options.checkoutDir, options.branch, options.remote);
  if (options.pullRequest) {
    result.pullRequest = await openOrUpdatePullRequest({
      ...options.pullRequest,
      head: options.branch,
      title: PULL_REQUEST_TITLE,
      body,
    });
  }
  return result;
}
