// Lookup tables over one bulk read of Pulp, so planning never needs a per-object GET.
import type {
  ContentGuardRecord,
  DistributionRecord,
  PublicationRecord,
  PulpSnapshot,
  RemoteRecord,
  RepositoryRecord,
  RepoSpec,
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

  /** Publications of a version; with `publish`, only those made the way it asks (kind, Deb mode flags). */
  publicationsOf(versionHref: string, publish?: RepoSpec["publish"]): PublicationRecord[] {
    const all = this.publicationsByVersion.get(versionHref) ?? [];
    return publish ? all.filter((p) => publicationMatches(p, publish)) : all;
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

/** Whether a publication is what `publish` would make: same kind and, for apt, the same mode flags. */
export function publicationMatches(pub: PublicationRecord, publish: NonNullable<RepoSpec["publish"]>): boolean {
  if (pub.kind && pub.kind !== publish.kind) return false;
  if (publish.kind !== "deb-apt") return true;
  return Boolean(pub.simple) === Boolean(publish.body.simple) && Boolean(pub.structured) === Boolean(publish.body.structured);
}

/** Publications that are interchangeable (duplicates of each other) share this key. */
export function publicationFlavour(pub: PublicationRecord): string {
  return `${pub.kind ?? "?"}:${pub.simple ? "simple" : ""}:${pub.structured ? "structured" : ""}`;
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function byCreated(a: PublicationRecord, b: PublicationRecord): number {
  return a.pulp_created < b.pulp_created ? -1 : a.pulp_created > b.pulp_created ? 1 : 0;
}
