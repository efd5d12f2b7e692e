// SyncPulp over @release-train/pulp-client. Lists use large pages so a whole object type is one or
// two requests; writes return task hrefs that the batched TaskWatcher waits on.
import { asHref, type PulpClient, PulpHttpError, type Query } from "@release-train/pulp-client";
import { findTasks, listTasks } from "../engine/pulp-tasks";
import type { SyncPulp } from "./pulp-port";
import type { PublicationKind, RepoKind } from "./types";

/** Objects per list request: Pulp has no maximum page size (guide §4). */
const PAGE = { pageSize: 1000 };

export function pulpPort(client: PulpClient): SyncPulp {
  const publications = (kind: PublicationKind) =>
    kind === "rpm" ? client.publications.rpm : kind === "deb-apt" ? client.publications.debApt : client.publications.debVerbatim;
  // The client's typed bodies are stricter than the plan's generic records; the plan builds them from
  // the same field names, so they are passed through as-is.
  type Body = Record<string, unknown> & { name: string; url: string };
  return {
    listRemotes: (kind) => client.remotes[kind].listAll({}, PAGE),
    listRepositories: (kind) => client.repositories[kind].listAll({}, PAGE),
    listPublications: (kind) => publications(kind).listAll({}, PAGE),
    listDistributions: (kind) => client.distributions[kind].listAll({}, PAGE),
    findContentGuards: (names) => client.contentGuards.any.listAll({ name__in: names } as Query, PAGE),
    listTasks: listTasks(client),
    findTasks: findTasks(client),
    getRepository: (kind, href) => client.repositories[kind].get(asHref(href)),
    findDistribution: (kind, name) => client.distributions[kind].findOne({ name }),

    createRemote: (kind, body) => client.remotes[kind as RepoKind].create(body as Body as never),
    updateRemote: async (href, patch) => (await client.remotes.rpm.update(asHref(href), patch as never)).href,
    createRepository: (kind, body) => client.repositories[kind].create(body as never),
    sync: async (href, body) => (await client.repositories.rpm.sync(asHref(href), body as never)).href,
    createPublication: async (kind, body) => (await publications(kind).create(body as never)).href,
    getPublication: async (kind, href) => ({ ...(await publications(kind).get(asHref(href))), kind }),
    // Gone already (a retried DELETE whose first answer was lost) is what was wanted.
    deletePublication: (href) =>
      client.publications.rpm.delete(asHref(href)).catch((error: unknown) => {
        if (!(error instanceof PulpHttpError && error.status === 404)) throw error;
      }),
    createDistribution: async (kind, body) => (await client.distributions[kind].create(body as never)).href,
    getDistribution: (href) => client.distributions.rpm.get(asHref(href)),
    updateDistribution: async (href, patch) => (await client.distributions.rpm.update(asHref(href), patch as never)).href,
  };
}
