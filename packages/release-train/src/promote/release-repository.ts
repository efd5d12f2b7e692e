// The release repository `stackhpc/<image>` (a container repository, not a push repository) and its
// private distribution, created on first promotion. Kept small: the container-publish flow makes
// them for every image; promotion only needs them for the images it copies into.
import { asHref, type PulpClient } from "@release-train/pulp-client";
import type { ItemContext } from "../engine";
import { idempotentTask } from "./pulp-tasks";

export interface ReleaseRepositoryState {
  name: string;
  repositoryHref?: string | undefined;
  distributionHref?: string | undefined;
  distributionPrivate?: boolean | undefined;
  distributionRepository?: string | undefined;
}

/** Returns the repository href; creates the repository / distribution or makes it private as needed. */
export async function ensureReleaseRepository(pulp: PulpClient, state: ReleaseRepositoryState, ctx: ItemContext): Promise<string> {
  let href = state.repositoryHref;
  if (!href) {
    ctx.step("repository");
    // A create that raced another run (or a dropped response) finds the repository by name.
    const existing = await pulp.repositories.container.findOne({ name: state.name });
    href = existing?.pulp_href ?? (await pulp.repositories.container.create({ name: state.name })).pulp_href;
    if (!existing) ctx.did(`created repository ${state.name}`);
  }
  if (!state.distributionHref) {
    const repository = href;
    await idempotentTask(ctx, "distribution", async () => (await pulp.distributions.container.create({ name: state.name, base_path: state.name, repository: asHref(repository), private: true } as never)).href);
    ctx.did(`created private distribution ${state.name}`);
  } else if (state.distributionPrivate === false || state.distributionRepository !== href) {
    const patch = { private: true, repository: href };
    const dist = state.distributionHref;
    await idempotentTask(ctx, "distribution", async () => (await pulp.distributions.container.update(asHref(dist), patch as never)).href);
    ctx.did(`made distribution ${state.name} private${state.distributionRepository !== href ? " and pointed it at the release repository" : ""}`);
  }
  return href;
}
