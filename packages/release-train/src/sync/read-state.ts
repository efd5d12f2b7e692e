// One bulk read of everything the planner needs: list calls per object type, in parallel, instead
// of a GET per repository/remote/publication/distribution.
import type { SyncPulp } from "./pulp-port";
import type { PublicationKind, PulpSnapshot, RepoKind } from "./types";

export async function readSnapshot(pulp: SyncPulp, kinds: Set<RepoKind>, guardNames: string[]): Promise<PulpSnapshot> {
  const list = [...kinds];
  const publicationKinds: PublicationKind[] = list.flatMap((k) => (k === "rpm" ? ["rpm"] : ["deb-apt", "deb-verbatim"]) as PublicationKind[]);
  const [remotes, repositories, publications, distributions, contentGuards] = await Promise.all([
    Promise.all(list.map((k) => pulp.listRemotes(k))),
    Promise.all(list.map((k) => pulp.listRepositories(k))),
    Promise.all(publicationKinds.map((k) => pulp.listPublications(k))),
    Promise.all(list.map((k) => pulp.listDistributions(k))),
    guardNames.length ? pulp.findContentGuards(guardNames) : Promise.resolve([]),
  ]);
  return {
    remotes: remotes.flat(),
    repositories: repositories.flat(),
    // Tagged with their kind: a verbatim and an apt publication of one version are different snapshots.
    publications: publications.flatMap((list, i) => list.map((p) => ({ ...p, kind: publicationKinds[i] as PublicationKind }))),
    distributions: distributions.flat(),
    contentGuards,
  };
}
