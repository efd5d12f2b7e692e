// The end state of a package-sync night in one Pulp, independent of hrefs (which differ between
// emulators), to compare a faulty or killed night with a fault-free one; plus the checks that
// nothing was made twice and no sync ran twice for one repository.
import type { PulpClient } from "@release-train/pulp-client";

export interface NightState {
  remotes: string[];
  /** `<repository>: v<latest> <type>=<count> …` */
  repositories: string[];
  /** `<distribution> <base_path> → <repository>@v<n> guard=<name>` */
  distributions: string[];
  /** `<repository>@v<n>` → publications of that version (more than one is a duplicate). */
  publications: Record<string, number>;
}

export async function nightState(client: PulpClient): Promise<NightState> {
  const repos = [...(await client.repositories.rpm.listAll()), ...(await client.repositories.deb.listAll())];
  const repoName = new Map(repos.map((r) => [r.pulp_href as string, r.name]));
  const versionName = (href: string) => {
    const m = /^(.*\/)versions\/(\d+)\/$/.exec(href);
    return m ? `${repoName.get(m[1] as string) ?? m[1]}@v${m[2]}` : href;
  };
  const repositories = await Promise.all(
    repos.map(async (r) => {
      const latest = r.latest_version_href as string;
      const version = await client.repositories.rpm.versions(r.pulp_href as never).get(latest as never);
      const present = Object.entries((version.content_summary?.present ?? {}) as Record<string, { count: number }>)
        .map(([type, { count }]) => `${type}=${count}`)
        .sort();
      return `${r.name}: ${versionName(latest).split("@")[1]} ${present.join(" ")}`;
    }),
  );
  const publications: Record<string, number> = {};
  const pubs = [
    ...(await client.publications.rpm.listAll()),
    ...(await client.publications.debApt.listAll()),
    ...(await client.publications.debVerbatim.listAll()),
  ];
  const pubVersion = new Map(pubs.map((p) => [p.pulp_href as string, versionName(p.repository_version as string)]));
  for (const version of pubVersion.values()) publications[version] = (publications[version] ?? 0) + 1;
  const guards = new Map((await client.contentGuards.any.listAll()).map((g) => [g.pulp_href as string, g.name]));
  const dists = [...(await client.distributions.rpm.listAll()), ...(await client.distributions.deb.listAll())];
  const remotes = [...(await client.remotes.rpm.listAll()), ...(await client.remotes.deb.listAll())];
  return {
    remotes: remotes.map((r) => `${r.name} ${r.url} ${r.policy}`).sort(),
    repositories: repositories.sort(),
    distributions: dists
      .map((d) => {
        const guard = d.content_guard ? guards.get(d.content_guard as string) : "none";
        return `${d.name} ${d.base_path} → ${d.publication ? pubVersion.get(d.publication as string) : "nothing"} guard=${guard}`;
      })
      .sort(),
    publications,
  };
}

export interface SyncTaskCount {
  /** Repository name → sync tasks by state. */
  byRepository: Record<string, Record<string, number>>;
  /** Repositories where a sync was dispatched after one had completed (or while one ran). */
  repeated: string[];
}

/** Sync tasks per repository: at most one may complete, and none may follow a completed or running one. */
export async function syncTasks(client: PulpClient): Promise<SyncTaskCount> {
  const repos = [...(await client.repositories.rpm.listAll()), ...(await client.repositories.deb.listAll())];
  const repoName = new Map(repos.map((r) => [r.pulp_href as string, r.name]));
  const tasks = (await client.tasks.listAll({ name__contains: "synchronize" })).sort((a, b) =>
    a.pulp_created < b.pulp_created ? -1 : 1,
  );
  const byRepository: Record<string, Record<string, number>> = {};
  const repeated = new Set<string>();
  const settled = new Map<string, boolean>();
  for (const task of tasks) {
    const href = (task.reserved_resources_record ?? []).find((r): r is string => typeof r === "string" && repoName.has(r)) ?? "?";
    const name = repoName.get(href) ?? href;
    const counts = byRepository[name] ?? {};
    byRepository[name] = counts;
    counts[task.state] = (counts[task.state] ?? 0) + 1;
    // A sync after a completed one (or dispatched while another was not failed) is a repeat.
    if (settled.get(name)) repeated.add(name);
    if (task.state === "completed" || task.state === "running" || task.state === "waiting") settled.set(name, true);
  }
  return { byRepository, repeated: [...repeated].sort() };
}

/** A small seeded PRNG (mulberry32) for reproducible fault injection and kill points. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
