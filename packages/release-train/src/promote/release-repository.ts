// The release repository `stackhpc/<image>` (a container repository, not a push repository) and its
// private distribution, created on first promotion. Kept small: the container-publish flow makes
// them for every image; promotion only needs them for the images it copies into.
import { asHref, type PulpClient } from "@release-train/pulp-client";
import type { ItemContext } from "../engine";
import { createOrFind, idempotentTask } from "./pulp-tasks";

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
    // A create whose response was lost (or that raced another run) finds the repository by name.
    const find = async () => (await pulp.repositories.container.findOne({ name: state.name }))?.pulp_href;
    const { value, created } = await createOrFind(find, async () => (await pulp.repositories.container.create({ name: state.name })).pulp_href);
    href = value;
    if (created) ctx.did(`created repository ${state.name}`);
  }
  if (!state.distributionHref) {
    const repository = href;
    const existing = async () => (await pulp.distributions.container.findOne({ name: state.name }))?.pulp_href;
    // A create whose dispatch was lost may have made the distribution: look before dispatching again.
    await idempotentTask(ctx, "distribution", async () => {
      const made = await existing();
      if (made) return (await pulp.distributions.container.update(asHref(made), { private: true, repository: asHref(repository) } as never)).href;
      return (await pulp.distributions.container.create({ name: state.name, base_path: state.name, repository: asHref(repository), private: true } as never)).href;
    });
    ctx.did(`created private distribution ${state.name}`);
  } else if (state.distributionPrivate === false || state.distributionRepository !== href) {
    const patch = { private: true, repository: href };
    const dist = state.distributionHref;
    await idempotentTask(ctx, "distribution", async () => (await pulp.distributions.container.update(asHref(dist), patch as never)).href);
    ctx.did(`made distribution ${state.name} private${state.distributionRepository !== href ? " and pointed it at the release repository" : ""}`);
  }
  return href;
}
