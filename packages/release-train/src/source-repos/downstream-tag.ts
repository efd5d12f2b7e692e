// Derives the downstream tag of a fork's release branch, the way StackHPC's os-downstream-tag.py
// does (stackhpc/naming-things-is-hard), with its edge cases kept:
// - the upstream ref is the first that exists of <up>/stable/<R>, <up>/unmaintained/<R>, the tag
//   <R>-eol, <up>/<R> (so `master` resolves to <up>/master);
// - the upstream tag is the nearest tag reachable from the merge base of that ref and the
//   downstream branch, ignoring names ending in a lowercase letter (`zed-eol`, `xena-em`) but
//   keeping release candidates (`13.0.0.0rc1` ends in a digit);
// - downstream tags themselves are never taken for the upstream tag: the Python script can pick a
//   lightweight `stackhpc/…` tag sitting on the merge base and derive `stackhpc/stackhpc/….1`;
// - n = 1 + the highest `<prefix><upstream tag>.<n>` (numeric, not lexical: .10 > .9), from 1;
// - nothing is tagged when that highest tag already points at the branch head (annotated tags
//   are peeled to their commit before comparing, which the script does not do).
import { git } from "../github/git";

export interface DownstreamTagOptions {
  /** Checkout with both remotes configured. */
  repo: string;
  /** Release series, e.g. `2025.1`, `zed` or `master`. */
  release: string;
  prefix?: string;
  upstreamRemote?: string;
  downstreamRemote?: string;
  /** Fetch both remotes (branches and tags) first; default true. */
  fetch?: boolean;
  /** Derive and report only: no tag is created or pushed. */
  dryRun?: boolean;
  /** Push a created tag to the downstream remote. */
  push?: boolean;
  /** Progress lines (the plan), printed before any write. */
  log?: (line: string) => void;
}

export interface DownstreamTagResult {
  /** The new tag, or the existing one on the branch head. */
  tag: string;
  /** True when a new tag is (with dryRun: would be) created. */
  created: boolean;
  upstreamTag: string;
  /** The upstream ref that was used, e.g. `origin/stable/2025.1` or `zed-eol`. */
  upstreamRef: string;
  downstreamBranch: string;
  /** Commit the tag points at (the downstream branch head). */
  commit: string;
  mergeBase: string;
  /** Highest existing `<prefix><upstreamTag>.<n>` before this run. */
  previousTag?: string;
  pushed: boolean;
  dryRun: boolean;
}

export class DownstreamTagError extends Error {
  override name = "DownstreamTagError";
}

async function commitOf(repo: string, ref: string): Promise<string | undefined> {
  try {
    return await git(repo, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
  } catch {
    return undefined;
  }
}

/** Candidate upstream refs in the order os-downstream-tag.py tries them. */
export function upstreamRefCandidates(release: string, upstreamRemote: string): string[] {
  return [
    `refs/remotes/${upstreamRemote}/stable/${release}`,
    `refs/remotes/${upstreamRemote}/unmaintained/${release}`,
    `refs/tags/${release}-eol`,
    `refs/remotes/${upstreamRemote}/${release}`,
  ];
}

const shortRef = (ref: string) => ref.replace(/^refs\/(remotes|tags|heads)\//, "");

/** `<prefix><upstreamTag>.<n>` tags, highest n first. */
export async function downstreamTags(repo: string, prefix: string, upstreamTag: string): Promise<string[]> {
  const base = `${prefix}${upstreamTag}`;
  const listed = (await git(repo, ["tag", "--list", `${base}.*`])).split("\n").filter(Boolean);
  const patch = (tag: string) => Number(tag.slice(base.length + 1));
  return listed.filter((tag) => /^\d+$/.test(tag.slice(base.length + 1))).sort((a, b) => patch(b) - patch(a));
}

export function nextDownstreamTag(prefix: string, upstreamTag: string, highest: string | undefined): string {
  const n = highest === undefined ? 0 : Number(highest.slice(`${prefix}${upstreamTag}.`.length));
  return `${prefix}${upstreamTag}.${n + 1}`;
}

async function fetchRemote(repo: string, remote: string): Promise<void> {
  try {
    await git(repo, ["fetch", "--quiet", "--tags", remote]);
  } catch (error) {
    throw new DownstreamTagError(`cannot fetch remote ${remote}: ${(error as Error).message}`);
  }
}

export async function deriveDownstreamTag(options: DownstreamTagOptions): Promise<DownstreamTagResult> {
  const { repo, release } = options;
  const prefix = options.prefix ?? "stackhpc/";
  const upstreamRemote = options.upstreamRemote ?? "origin";
  const downstreamRemote = options.downstreamRemote ?? "stackhpc";
  const log = options.log ?? (() => {});
  const dryRun = options.dryRun ?? false;

  if (options.fetch ?? true) {
    await fetchRemote(repo, upstreamRemote);
    if (downstreamRemote !== upstreamRemote) await fetchRemote(repo, downstreamRemote);
  }

  let upstreamRef: string | undefined;
  let upstreamCommit: string | undefined;
  for (const candidate of upstreamRefCandidates(release, upstreamRemote)) {
    upstreamCommit = await commitOf(repo, candidate);
    if (upstreamCommit) {
      upstreamRef = shortRef(candidate);
      break;
    }
  }
  if (!upstreamRef || !upstreamCommit) {
    const tried = upstreamRefCandidates(release, upstreamRemote).map(shortRef).join(", ");
    throw new DownstreamTagError(`no upstream branch or tag for release ${release}: none of ${tried} exists`);
  }

  const downstreamBranch = `stackhpc/${release}`;
  const downstreamRef = `refs/remotes/${downstreamRemote}/${downstreamBranch}`;
  const commit = await commitOf(repo, downstreamRef);
  if (!commit) {
    throw new DownstreamTagError(`downstream branch ${downstreamBranch} not found on remote ${downstreamRemote}`);
  }

  let mergeBase: string;
  try {
    mergeBase = await git(repo, ["merge-base", upstreamCommit, commit]);
  } catch {
    throw new DownstreamTagError(`${upstreamRef} and ${downstreamRemote}/${downstreamBranch} share no history`);
  }

  let upstreamTag: string;
  try {
    upstreamTag = await git(repo, ["describe", "--tags", "--abbrev=0", "--exclude=*[a-z]", `--exclude=${prefix}*`, mergeBase]);
  } catch {
    throw new DownstreamTagError(
      `no upstream tag reachable from the merge base ${mergeBase.slice(0, 12)} of ${upstreamRef} and ` +
        `${downstreamRemote}/${downstreamBranch} (tags ending in a lowercase letter are ignored)`,
    );
  }
  log(`upstream ${upstreamRef} ${upstreamCommit.slice(0, 12)}, downstream ${downstreamRemote}/${downstreamBranch} ${commit.slice(0, 12)}`);
  log(`merge base ${mergeBase.slice(0, 12)}, nearest upstream tag ${upstreamTag}`);

  const [highest] = await downstreamTags(repo, prefix, upstreamTag);
  const base = { upstreamTag, upstreamRef, downstreamBranch, commit, mergeBase, dryRun, pushed: false };
  if (highest !== undefined && (await commitOf(repo, `refs/tags/${highest}`)) === commit) {
    log(`${downstreamBranch} ${commit.slice(0, 12)} is already tagged ${highest}`);
    return { ...base, tag: highest, created: false, previousTag: highest };
  }
  const tag = nextDownstreamTag(prefix, upstreamTag, highest);
  if (await commitOf(repo, `refs/tags/${tag}`)) {
    throw new DownstreamTagError(`${tag} already exists but is not a well-formed downstream tag here; delete it and retry`);
  }
  log(`${dryRun ? "would create" : "creating"} tag ${tag} on ${commit.slice(0, 12)}${highest ? ` (previous ${highest})` : ""}`);
  const result: DownstreamTagResult = { ...base, tag, created: true, ...(highest ? { previousTag: highest } : {}) };
  if (dryRun) return result;
  await git(repo, ["tag", tag, commit]);
  if (options.push) {
    await git(repo, ["push", "--quiet", downstreamRemote, `refs/tags/${tag}`]);
    result.pushed = true;
  }
  return result;
}
