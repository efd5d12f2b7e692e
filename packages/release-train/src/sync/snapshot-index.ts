// Lookup tables over one bulk read of Pulp, so planning never needs a per-object GET.
import type {
  ContentGuardRecord,
  DistributionRecord,
  PublicationRecord,
  PulpSnapshot,
  RemoteRecord,
  RepositoryRecord,
} from "./types";

export class SnapshotIndex {
  readonly remotes = new Map<string, RemoteRecord>();
  readonly repositories = new Map<string, RepositoryRecord>();
  readonly guards = new Map<string, ContentGuardRecord>();
  readonly distributionsByName = new Map<string, DistributionRecord>();
  /** Oldest first (Pulp lists publications newest first). */
  readonly publicationsByVersion = new Map<string, PublicationRecord[]>();
  readonly distributionsByPublication = new Map<string, DistributionRecord[]>();

  constructor(readonly snapshot: PulpSnapshot) {
    for (const r of snapshot.remotes) this.remotes.set(r.name, r);
    for (const r of snapshot.repositories) this.repositories.set(r.name, r);
    for (const g of snapshot.contentGuards) this.guards.set(g.name, g);
    for (const d of snapshot.distributions) {
      this.distributionsByName.set(d.name, d);
      if (d.publication) push(this.distributionsByPublication, d.publication, d);
    }
    for (const p of snapshot.publications) push(this.publicationsByVersion, p.repository_version, p);
    for (const list of this.publicationsByVersion.values()) list.sort(byCreated);
  }

  publicationsOf(versionHref: string): PublicationRecord[] {
    return this.publicationsByVersion.get(versionHref) ?? [];
  }

  distributionsOf(publicationHref: string): DistributionRecord[] {
    return this.distributionsByPublication.get(publicationHref) ?? [];
  }

  /** Publications of every version of a repository, grouped by version. */
  versionsWithPublications(repositoryHref: string): [string, PublicationRecord[]][] {
    return [...this.publicationsByVersion].filter(([version]) => version.startsWith(repositoryHref));
  }

  /** `<content origin>/pulp/content/` as seen in any distribution's base_url. */
  contentRoot(): string | undefined {
    for (const d of this.snapshot.distributions) {
      const suffix = `${d.base_path}/`;
      if (d.base_url?.endsWith(suffix)) return d.base_url.slice(0, -suffix.length);
    }
    return undefined;
  }
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function byCreated(a: PublicationRecord, b: PublicationRecord): number {
  return a.pulp_created < b.pulp_created ? -1 : a.pulp_created > b.pulp_created ? 1 : 0;
}
