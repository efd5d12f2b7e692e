// The Pulp operations container sync needs, over @release-train/pulp-client. Lists use large
// pages so each object type is one request; writes return task hrefs for the shared TaskWatcher.
import { asHref, type PulpClient, type Query } from "@release-train/pulp-client";
import { findTasks, listTasks } from "../engine/pulp-tasks";
import type { TaskRecord } from "../engine/task-watcher";
import type { FindTasks } from "../engine/tasks";

export interface ContainerDistributionRecord {
  pulp_href: string;
  name: string;
  base_path: string;
  repository?: string | null;
  private?: boolean;
}

export interface ContainerRepositoryRecord {
  pulp_href: string;
  name: string;
  latest_version_href?: string | null;
  remote?: string | null;
  pulp_labels?: Record<string, string | null>;
}

export interface ContainerRemoteRecord {
  pulp_href: string;
  name: string;
  url: string;
  upstream_name: string;
  policy?: string;
  include_tags?: string[] | null;
  hidden_fields?: { name: string; is_set: boolean }[];
}

export interface VersionChanges {
  added: { name: string; digest: string }[];
  removed: string[];
}

export interface ContainerPulp {
  listDistributions(): Promise<ContainerDistributionRecord[]>;
  listRepositories(): Promise<ContainerRepositoryRecord[]>;
  listPushRepositories(): Promise<ContainerRepositoryRecord[]>;
  listRemotes(): Promise<ContainerRemoteRecord[]>;
  listTasks(hrefs: string[]): Promise<TaskRecord[]>;
  /** Reconciles a dispatch whose answer was lost (the TaskRunner's `findTasks`). */
  findTasks: FindTasks;
  findRepository(name: string): Promise<ContainerRepositoryRecord | undefined>;
  findDistribution(name: string): Promise<ContainerDistributionRecord | undefined>;
  createRepository(body: Record<string, unknown>): Promise<ContainerRepositoryRecord>;
  /** Task hrefs from here on. */
  updateRepository(href: string, patch: Record<string, unknown>): Promise<string>;
  createRemote(body: Record<string, unknown>): Promise<ContainerRemoteRecord>;
  updateRemote(href: string, patch: Record<string, unknown>): Promise<string>;
  sync(repositoryHref: string, body: Record<string, unknown>): Promise<string>;
  createDistribution(body: Record<string, unknown>): Promise<string>;
  updateDistribution(href: string, patch: Record<string, unknown>): Promise<string>;
  /** Tags a repository version added (with their manifests' digests) and removed. */
  versionChanges(versionHref: string): Promise<VersionChanges>;
}

const PAGE = { pageSize: 1000 };

export function containerPort(client: PulpClient): ContainerPulp {
  const tags = (filters: Record<string, string>) => client.content.containerTags.listAll(filters as Query, PAGE);
  return {
    listDistributions: async () => (await client.distributions.container.listAll({}, PAGE)) as ContainerDistributionRecord[],
    listRepositories: async () => (await client.repositories.container.listAll({}, PAGE)) as ContainerRepositoryRecord[],
    listPushRepositories: async () => (await client.repositories.containerPush.listAll({}, PAGE)) as ContainerRepositoryRecord[],
    listRemotes: async () => (await client.remotes.container.listAll({}, PAGE)) as ContainerRemoteRecord[],
    listTasks: listTasks(client),
    findTasks: findTasks(client),
    findRepository: async (name) => (await client.repositories.container.findOne({ name })) as ContainerRepositoryRecord | undefined,
    findDistribution: async (name) => (await client.distributions.container.findOne({ name })) as ContainerDistributionRecord | undefined,
    createRepository: async (body) => (await client.repositories.container.create(body as never)) as ContainerRepositoryRecord,
    updateRepository: async (href, patch) => (await client.repositories.container.update(asHref(href), patch as never)).href,
    createRemote: async (body) => (await client.remotes.container.create(body as never)) as ContainerRemoteRecord,
    updateRemote: async (href, patch) => (await client.remotes.container.update(asHref(href), patch as never)).href,
    sync: async (href, body) => (await client.repositories.container.sync(asHref(href), body as never)).href,
    createDistribution: async (body) => (await client.distributions.container.create(body as never)).href,
    updateDistribution: async (href, patch) => (await client.distributions.container.update(asHref(href), patch as never)).href,
    async versionChanges(versionHref) {
      const [added, removed] = await Promise.all([tags({ repository_version_added: versionHref }), tags({ repository_version_removed: versionHref })]);
      const manifests = added.length
        ? await client.content.containerManifests.listAll({ pulp_href__in: added.map((t) => t.tagged_manifest) } as Query, PAGE)
        : [];
      const digestOf = new Map(manifests.map((m) => [m.pulp_href as string, m.digest]));
      return {
        added: added.map((t) => ({ name: t.name, digest: digestOf.get(t.tagged_manifest) ?? "" })).sort((a, b) => a.name.localeCompare(b.name)),
        removed: removed.map((t) => t.name).sort(),
      };
    },
  };
}
