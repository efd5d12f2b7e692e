// The release repository `stackhpc/<image>` (a container repository, not a push repository) and its
// private distribution: one function for both flows that need them. Container publish
// (sync-container-repos --target ark) ensures them for every image; promotion for the images it
// copies into. Lost answers are the engine's and the client's to reconcile: the repository create
// looks itself up by name (pulp-client), the distribution create is found by name (`find`), a patch
// is repeatable.
import type { ItemContext } from "../engine/apply";
import type { ContainerPulp } from "./pulp-port";

export interface ReleaseRepositoryState {
  name: string;
  repositoryHref?: string | undefined;
  distributionHref?: string | undefined;
  distributionPrivate?: boolean | undefined;
  distributionRepository?: string | null | undefined;
}

/** What ensuring the release repository and its private distribution would change (plan lines). */
export function releaseRepositoryChanges(state: ReleaseRepositoryState): string[] {
  const out: string[] = [];
  if (!state.repositoryHref) out.push("create repository");
  if (!state.distributionHref) out.push("create private distribution");
  else {
    if (state.distributionPrivate !== true) out.push("make distribution private");
    if (!state.repositoryHref || state.distributionRepository !== state.repositoryHref) out.push("point the distribution at the release repository");
  }
  return out;
}

/** Returns the repository href; creates the repository / distribution or makes it private as needed. */
export async function ensureReleaseRepository(pulp: ContainerPulp, state: ReleaseRepositoryState, ctx: ItemContext): Promise<string> {
  let href = state.repositoryHref;
  ctx.step("release-repository");
  if (!href) {
    href = (await pulp.createRepository({ name: state.name })).pulp_href;
    ctx.did(`created repository ${state.name}`);
  }
  const repository = href;
  if (!state.distributionHref) {
    const name = state.name;
    // A create whose answer was lost (or a distribution made since the plan was read): found by its
    // unique name, it is pointed at the repository and made private by the patch below if needed.
    const find = async () => (await pulp.findDistribution(name))?.pulp_href;
    const run = await ctx.task("release-distribution", () => pulp.createDistribution({ name, base_path: name, repository, private: true }), {
      initialDelayMs: 200,
      find,
    });
    if (run.origin !== "found") {
      ctx.did(`created private distribution ${name}`);
      return href;
    }
    const found = await pulp.findDistribution(name);
    if (!found || (found.private === true && found.repository === repository)) {
      ctx.did(`created private distribution ${name}`);
      return href;
    }
    return patchDistribution(pulp, { ...state, distributionHref: found.pulp_href, distributionPrivate: found.private, distributionRepository: found.repository }, repository, ctx);
  }
  return patchDistribution(pulp, state, repository, ctx);
}

async function patchDistribution(pulp: ContainerPulp, state: ReleaseRepositoryState, repository: string, ctx: ItemContext): Promise<string> {
  const patch: Record<string, unknown> = {};
  if (state.distributionPrivate !== true) patch["private"] = true;
  if (state.distributionRepository !== repository) patch["repository"] = repository;
  if (!Object.keys(patch).length || !state.distributionHref) return repository;
  const href = state.distributionHref;
  await ctx.task("release-distribution", () => pulp.updateDistribution(href, patch), { initialDelayMs: 200, repeatable: true });
  ctx.did(`updated distribution ${state.name} (${Object.keys(patch).join(", ")})`);
  return repository;
}
