// Tag-and-release, on push to `stackhpc/<release>`: mirror upstream's tags into the fork, derive
// and push the downstream tag, write release notes from `git log` since the previous downstream
// tag, and create or update the GitHub release for it (idempotent: a re-run changes nothing).
import { type GitHub, statusOf } from "../github/client";
import { git } from "../github/git";
import { parseRepository } from "../github/pulls";
import { type DownstreamTagOptions, type DownstreamTagResult, deriveDownstreamTag } from "./downstream-tag";

/** GitHub's limit on a release body. */
const MAX_BODY = 125_000;

export interface TagAndReleaseOptions extends DownstreamTagOptions {
  github?: GitHub;
  /** `owner/name` of the fork. */
  repository?: string;
  /** Push the upstream remote's tags to the downstream remote first. */
  pushUpstreamTags?: boolean;
}

export interface TagAndReleaseResult extends DownstreamTagResult {
  upstreamTagsPushed: string[];
  notes: string;
  release?: { id: number; url: string; action: "created" | "updated" | "unchanged" | "would-create" | "would-update" };
}

/** Upstream tags the downstream remote lacks, pushed (tags only, no branches). */
export async function pushUpstreamTags(repo: string, upstreamRemote: string, downstreamRemote: string, dryRun: boolean): Promise<string[]> {
  const names = async (remote: string) =>
    new Set(
      (await git(repo, ["ls-remote", "--tags", "--refs", remote]))
        .split("\n")
        .filter(Boolean)
        .map((l) => l.split("\t")[1]!.replace(/^refs\/tags\//, "")),
    );
  const upstream = await names(upstreamRemote);
  const downstream = await names(downstreamRemote);
  const missing = [...upstream].filter((t) => !downstream.has(t)).sort();
  if (missing.length === 0 || dryRun) return missing;
  await git(repo, ["fetch", "--quiet", upstreamRemote, ...missing.map((t) => `+refs/tags/${t}:refs/tags/${t}`)]);
  // In chunks: one push of thousands of refs can exceed what a server accepts at once.
  for (let i = 0; i < missing.length; i += 200) {
    await git(repo, ["push", "--quiet", downstreamRemote, ...missing.slice(i, i + 200).map((t) => `refs/tags/${t}:refs/tags/${t}`)]);
  }
  return missing;
}

/** Markdown notes: commits since the previous downstream tag (or the upstream tag), merges left out. */
export async function releaseNotes(repo: string, tag: DownstreamTagResult, prefix: string): Promise<string> {
  let since: string | undefined;
  try {
    since = await git(repo, ["describe", "--tags", "--abbrev=0", `--match=${prefix}*`, `--exclude=${tag.tag}`, `${tag.commit}^`]);
  } catch {
    since = undefined;
  }
  const from = since ?? tag.upstreamTag;
  const log = await git(repo, ["log", "--no-merges", "--format=- %s (%h)", `${from}..${tag.commit}`]);
  const heading = `${tag.tag} of ${tag.downstreamBranch}, based on upstream ${tag.upstreamTag}.`;
  const body = `${heading}\n\n## Changes since ${from}\n\n${log || "- no new commits (merges only)"}\n`;
  return body.length > MAX_BODY ? `${body.slice(0, MAX_BODY - 40)}\n\n… (truncated)\n` : body;
}

export async function publishRelease(
  github: GitHub,
  repository: string,
  tag: string,
  body: string,
  dryRun: boolean,
): Promise<NonNullable<TagAndReleaseResult["release"]>> {
  const { owner, repo } = parseRepository(repository);
  let existing: { id: number; html_url: string; name: string | null; body?: string | null | undefined } | undefined;
  try {
    existing = (await github.rest.repos.getReleaseByTag({ owner, repo, tag })).data;
  } catch (error) {
    if (statusOf(error) !== 404) throw error;
  }
  if (!existing) {
    if (dryRun) return { id: 0, url: "", action: "would-create" };
    const { data } = await github.rest.repos.createRelease({ owner, repo, tag_name: tag, name: tag, body });
    return { id: data.id, url: data.html_url, action: "created" };
  }
  if (existing.name === tag && existing.body === body) return { id: existing.id, url: existing.html_url, action: "unchanged" };
  if (dryRun) return { id: existing.id, url: existing.html_url, action: "would-update" };
  const { data } = await github.rest.repos.updateRelease({ owner, repo, release_id: existing.id, name: tag, body });
  return { id: data.id, url: data.html_url, action: "updated" };
}

export async function tagAndRelease(options: TagAndReleaseOptions): Promise<TagAndReleaseResult> {
  const dryRun = options.dryRun ?? false;
  const upstreamRemote = options.upstreamRemote ?? "origin";
  const downstreamRemote = options.downstreamRemote ?? "stackhpc";
  const prefix = options.prefix ?? "stackhpc/";
  const log = options.log ?? (() => {});
  let upstreamTagsPushed: string[] = [];
  if (options.pushUpstreamTags ?? true) {
    upstreamTagsPushed = await pushUpstreamTags(options.repo, upstreamRemote, downstreamRemote, dryRun);
    if (upstreamTagsPushed.length > 0) log(`${dryRun ? "would push" : "pushed"} ${upstreamTagsPushed.length} upstream tag(s) to ${downstreamRemote}`);
  }
  const tag = await deriveDownstreamTag({ ...options, push: !dryRun });
  const notes = await releaseNotes(options.repo, tag, prefix);
  const result: TagAndReleaseResult = { ...tag, upstreamTagsPushed, notes };
  if (options.github && options.repository) {
    result.release = await publishRelease(options.github, options.repository, tag.tag, notes, dryRun);
    log(`release ${tag.tag}: ${result.release.action}${result.release.url ? ` ${result.release.url}` : ""}`);
  }
  return result;
}
