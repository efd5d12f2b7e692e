// The narrow set of Pulp operations the sync needs. `client-adapter.ts` implements it over
// @release-train/pulp-client; tests may wrap it to count or fail calls.
import type {
  ContentGuardRecord,
  DistributionRecord,
  PublicationKind,
  PublicationRecord,
  RemoteRecord,
  RepoKind,
  RepositoryRecord,
  TaskRecord,
} from "./types";

export interface SyncPulp {
  listRemotes(kind: RepoKind): Promise<RemoteRecord[]>;
  listRepositories(kind: RepoKind): Promise<RepositoryRecord[]>;
  listPublications(kind: PublicationKind): Promise<PublicationRecord[]>;
  listDistributions(kind: RepoKind): Promise<DistributionRecord[]>;
  /** Resolve guards of any type by name (generic `/contentguards/` list). */
  findContentGuards(names: string[]): Promise<ContentGuardRecord[]>;
  /** Tasks by href in one list call (`pulp_href__in`). */
  listTasks(hrefs: string[]): Promise<TaskRecord[]>;
  /** Tasks locking any of `resources` created since `since` (`reserved_resources__in`, `pulp_created__gte`). */
  findTasks(query: { resources: string[]; since: string }): Promise<TaskRecord[]>;
  getRepository(kind: RepoKind, href: string): Promise<RepositoryRecord>;
  findDistribution(kind: RepoKind, name: string): Promise<DistributionRecord | undefined>;

  createRemote(kind: RepoKind, body: Record<string, unknown>): Promise<RemoteRecord>;
  /** Returns the task href. */
  updateRemote(href: string, patch: Record<string, unknown>): Promise<string>;
  createRepository(kind: RepoKind, body: Record<string, unknown>): Promise<RepositoryRecord>;
  /** Dispatch a sync; returns the task href. */
  sync(repositoryHref: string, body: Record<string, unknown>): Promise<string>;
  createPublication(kind: PublicationKind, body: Record<string, unknown>): Promise<string>;
  getPublication(kind: PublicationKind, href: string): Promise<PublicationRecord>;
  deletePublication(href: string): Promise<void>;
  createDistribution(kind: RepoKind, body: Record<string, unknown>): Promise<string>;
  getDistribution(href: string): Promise<DistributionRecord>;
  updateDistribution(href: string, patch: Record<string, unknown>): Promise<string>;
}
