// Thin wrappers over the git CLI for the kayobe-config proposal: branch, commit, push. Pushing
// relies on the checkout's configured remote and credentials (e.g. actions/checkout's); nothing
// here handles tokens.
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

export class GitError extends Error {
  override name = "GitError";
}

export interface GitIdentity {
  name: string;
  email: string;
}

export const DEFAULT_IDENTITY: GitIdentity = {
  name: "release-train",
  email: "release-train@users.noreply.github.com",
};

export async function git(cwd: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await run("git", args, { cwd, maxBuffer: 16 * 1024 * 1024 });
    return stdout.trim();
  } catch (error) {
    const e = error as { stderr?: string; message: string; code?: unknown };
    if (e.code === "ENOENT") throw new GitError("git is not installed (or not on PATH): the kayobe-config proposal needs it");
    throw new GitError(`git ${args[0]} failed in ${cwd}: ${(e.stderr || e.message).trim()}`);
  }
}

/** Fail before any write when git is missing (a flow that will commit calls this first). */
export async function requireGit(cwd: string): Promise<void> {
  await git(cwd, ["--version"]);
}

export interface CommitOnBranchOptions {
  cwd: string;
  branch: string;
  message: string;
  /** Paths (relative to cwd) to stage. */
  paths: string[];
  identity?: GitIdentity;
}

/**
 * Points `branch` at the current HEAD, checks it out (keeping working-tree edits) and commits
 * `paths`. Returns the new commit, or undefined when the paths hold no change.
 */
export async function commitOnBranch(options: CommitOnBranchOptions): Promise<string | undefined> {
  const { cwd, branch, message, paths } = options;
  const identity = options.identity ?? DEFAULT_IDENTITY;
  await git(cwd, ["check-ref-format", "--branch", branch]);
  await git(cwd, ["checkout", "-B", branch]);
  await git(cwd, ["add", "--", ...paths]);
  const staged = await git(cwd, ["diff", "--cached", "--name-only"]);
  if (staged === "") return undefined;
  await git(cwd, [
    "-c",
    `user.name=${identity.name}`,
    "-c",
    `user.email=${identity.email}`,
    "commit",
    "--quiet",
    "-m",
    message,
  ]);
  return git(cwd, ["rev-parse", "HEAD"]);
}

/**
 * Pushes HEAD to `branch` on `remote`. Forced: the branch belongs to the release train, and a
 * reused branch name means "replace the previous proposal" (its pull request is then updated).
 */
export async function pushBranch(cwd: string, branch: string, remote = "origin"): Promise<void> {
  await git(cwd, ["push", "--quiet", "--force", remote, `HEAD:refs/heads/${branch}`]);
}
