// After the builds: kolla-image-tags.yml in the kayobe-config checkout gets the pushed tags
// (rewritten in place; with a token committed on a branch, pushed and proposed as a pull request
// against the checked-out branch), and the container sync workflow is dispatched for what was pushed.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { getOctokit } from "@actions/github";
import { commitOnBranch, git, pushBranch } from "../github/git";
import { openOrUpdatePullRequest, type PullRequestResult, parseRepository } from "../github/pulls";
import { githubRepositoryOf } from "../kayobe/from-checkout";
import { table } from "../engine";
import { type DistroBuild, ImageTagsError, type ImageTagsUpdate, KOLLA_IMAGE_TAGS_FILE, updateKollaImageTags } from "./image-tags-file";
import type { DistroResult } from "./run";

export const IMAGE_TAGS_PR_TITLE = "Update Kolla container image tags";

/** What each distro pushed, as kolla-image-tags.yml records it. */
export function distroBuilds(results: DistroResult[]): DistroBuild[] {
  return results
    .map((r) => ({ distro: r.distro, tag: r.tag, images: r.images.filter((i) => i.pushed).map((i) => i.name), complete: r.complete }))
    .filter((b) => b.images.length > 0);
}

export interface ImageTagsProposal extends ImageTagsUpdate {
  file: string;
  branch?: string;
  commit?: string;
  pullRequest?: PullRequestResult;
}

function describe(update: ImageTagsUpdate): string {
  const rows = update.changes.map((c) => [`\`${c.prefix}\``, c.distro, c.from ?? "(new)", c.to ?? "(removed: follows openstack)"]);
  return [`Updates \`${KOLLA_IMAGE_TAGS_FILE}\` with the images just pushed.`, "", table(["Prefix", "Distro", "Old", "New"], rows), "", "Proposed by release-train kolla-build."].join("\n");
}

export async function proposeImageTags(
  checkoutDir: string,
  builds: DistroBuild[],
  options: { branchSuffix: string; token?: string | undefined; apiUrl?: string | undefined; repository?: string | undefined },
): Promise<ImageTagsProposal> {
  const file = join(checkoutDir, KOLLA_IMAGE_TAGS_FILE);
  const source = await readFile(file, "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") throw new ImageTagsError(`${file} does not exist: is ${checkoutDir} a kayobe-config checkout?`);
    throw error;
  });
  const update = updateKollaImageTags(source, builds);
  const result: ImageTagsProposal = { ...update, file };
  if (!update.changed) return result;
  await writeFile(file, update.text);
  if (!options.token) return result;
  const [remote, base] = await Promise.all([git(checkoutDir, ["remote", "get-url", "origin"]), git(checkoutDir, ["rev-parse", "--abbrev-ref", "HEAD"])]);
  if (base === "HEAD") throw new Error(`kayobe-config: ${checkoutDir} is not on a branch; check out the branch to update`);
  const branch = `release-train/kolla-image-tags-${options.branchSuffix}`;
  const lines = update.changes.map((c) => `${c.prefix}.${c.distro}: ${c.from ?? "(new)"} -> ${c.to ?? "(removed)"}`);
  const commit = await commitOnBranch({ cwd: checkoutDir, branch, message: `${IMAGE_TAGS_PR_TITLE}\n\n${lines.join("\n")}\n`, paths: [KOLLA_IMAGE_TAGS_FILE] });
  result.branch = branch;
  if (commit) result.commit = commit;
  await pushBranch(checkoutDir, branch);
  result.pullRequest = await openOrUpdatePullRequest({
    token: options.token,
    repository: options.repository ?? githubRepositoryOf(remote),
    base,
    head: branch,
    title: IMAGE_TAGS_PR_TITLE,
    body: describe(update),
    apiUrl: options.apiUrl,
  });
  return result;
}

export interface DispatchOptions {
  token: string;
  /** `owner/name` of the release-train repository. */
  repository: string;
  workflow: string;
  ref: string;
  /** More workflow inputs (strings), e.g. `{"sync-old-images": "false"}`. */
  inputs?: Record<string, string> | undefined;
  apiUrl?: string | undefined;
}

/** Container sync's `filter` for exactly these images: anchored names, OR-ed (searched regexes). */
export function syncFilter(results: DistroResult[]): string {
  const names = [...new Set(results.flatMap((r) => r.images.filter((i) => i.pushed).map((i) => i.name)))].sort();
  return names.map((n) => `^${n.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`).join(" ");
}

export async function dispatchContainerSync(filter: string, options: DispatchOptions): Promise<void> {
  const { owner, repo } = parseRepository(options.repository);
  const baseUrl = (options.apiUrl || process.env["GITHUB_API_URL"] || "https://api.github.com").replace(/\/+$/, "");
  const octokit = getOctokit(options.token, { baseUrl });
  await octokit.rest.actions.createWorkflowDispatch({ owner, repo, workflow_id: options.workflow, ref: options.ref, inputs: { ...options.inputs, filter } });
}
