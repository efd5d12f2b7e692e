// Write new versions into a kayobe-config checkout and, with a token, propose them as a pull
// request against the checked-out branch of the checkout's own GitHub repository (as
// actions/checkout leaves it) — what the action's `kayobe-config` / `github-token` inputs do.
import { git } from "../github/git";
import { type ProposeResult, proposeKayobeUpdate } from "./propose";
import { updateKayobeConfig } from "./pulp-repo-versions";

/** `owner/name` of a GitHub remote URL (https, ssh or scp-like; `.git` optional). */
export function githubRepositoryOf(url: string): string {
  const m = /^(?:https?:\/\/(?:[^@/]+@)?[^/]+\/|ssh:\/\/git@[^/]+\/|git@[^:]+:)([^/]+\/[^/]+?)(?:\.git)?\/?$/.exec(url);
  if (!m?.[1]) throw new Error(`kayobe-config: cannot tell the GitHub repository of remote ${JSON.stringify(url)}`);
  return m[1];
}

export async function proposeFromCheckout(
  checkoutDir: string,
  versions: Record<string, string>,
  options: { version: string; token?: string | undefined; apiUrl?: string | undefined },
): Promise<ProposeResult> {
  if (!options.token) return { ...(await updateKayobeConfig(checkoutDir, versions)) };
  const [remote, base] = await Promise.all([
    git(checkoutDir, ["remote", "get-url", "origin"]),
    git(checkoutDir, ["rev-parse", "--abbrev-ref", "HEAD"]),
  ]);
  if (base === "HEAD") throw new Error(`kayobe-config: ${checkoutDir} is not on a branch; check out the branch to update`);
  return proposeKayobeUpdate({
    checkoutDir,
    versions,
    branch: `release-train/pulp-repo-versions-${options.version}`,
    pullRequest: { token: options.token, repository: githubRepositoryOf(remote), base, apiUrl: options.apiUrl },
  });
}
