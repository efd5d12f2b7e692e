// The run orchestration (plan → apply, concurrency, failures, re-attach) against a small in-memory
// Pulp model behind the SyncPulp port. End-to-end behaviour against the emulator with real upstream
// repositories is in test/sync-e2e.test.ts.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { SyncPulp } from "../src/sync/pulp-port";
import { syncPackageRepos } from "../src/sync/run";
import type { DistributionRecord, PackageRepoEntry, PublicationRecord, RemoteRecord, RepositoryRecord, TaskRecord } from "../src/sync/types";

/** Minimal Pulp: upstream content is a string per URL; a sync makes a new version when it changed. */
class MemoryPulp implements SyncPulp {
  upstream = new Map<string, string>();
  failing = new Map<string, string>();
  remotes: RemoteRecord[] = [];
  repos: (RepositoryRecord & { content: string; versions: number })[] = [];
  publications: PublicationRecord[] = [];
  distributions: DistributionRecord[] = [];
  tasks = new Map<string, TaskRecord & { doneAt: number }>();
  writes: string[] = [];
  reads = 0;
  taskMs = 20;
  private n = 0;
  private clock = 0;

  private id() {
    return String(++this.n).padStart(4, "0");
  }
  private created() {
    return new Date(Date.UTC(2026, 0, 1, 0, 0, ++this.clock)).toISOString();
  }
  private task(result: () => { created?: string[]; error?: string }): string {
    const href = `/pulp/api/v3/tasks/${this.id()}/`;
    const outcome = result();
    this.tasks.set(href, {
      pulp_href: href,
      state: outcome.error ? "failed" : "completed",
      created_resources: outcome.created ?? [],
      error: outcome.error ? { description: outcome.error } : null,
      doneAt: Date.now() + this.taskMs,
    });
    return href;
  }
  private write(what: string) {
    this.writes.push(what);
  }

  async listRemotes() {
    this.reads++;
    return this.remotes;
  }
  async listRepositories() {
    this.reads++;
    return this.repos.map(({ pulp_href, name, latest_version_href }) => ({ pulp_href, name, latest_version_href }));
  }
  async listPublications(kind: string) {
    this.reads++;
    return kind === "rpm" ? this.publications : [];
  }
  async listDistributions() {
    this.reads++;
    return this.distributions;
  }
  async findContentGuards(names: string[]) {
    this.reads++;
    return names.includes("development") ? [{ pulp_href: "/pulp/api/v3/contentguards/core/rbac/dev/", name: "development" }] : [];
  }
  async listTasks(hrefs: string[]) {
    this.reads++;
    return hrefs.flatMap((h) => {
      const t = this.tasks.get(h);
      if (!t) return [];
      const { doneAt, ...task } = t;
      return [Date.now() >= doneAt ? task : { ...task, state: "running", created_resources: [], error: null }];
    });
  }
  async findTasks() {
    this.reads++;
    return [];
  }
  async getRepository(_kind: string, href: string) {
    this.reads++;
    const { pulp_href, name, latest_version_href } = this.repos.find((r) => r.pulp_href === href)!;
    return { pulp_href, name, latest_version_href };
  }
  async findDistribution(_kind: string, name: string) {
    this.reads++;
    return this.distributions.find((d) => d.name === name);
  }
  async createRemote(_kind: string, body: Record<string, unknown>) {
    this.write(`create remote ${body.name}`);
    const remote = { pulp_href: `/pulp/api/v3/remotes/rpm/rpm/${this.id()}/`, name: String(body.name), url: String(body.url), policy: String(body.policy) };
    this.remotes.push(remote);
    return remote;
  }
  async updateRemote(href: string, patch: Record<string, unknown>) {
    this.write(`update remote ${href}`);
    return this.task(() => {
      Object.assign(this.remotes.find((r) => r.pulp_href === href) as RemoteRecord, patch);
      return {};
    });
  }
  async createRepository(_kind: string, body: Record<string, unknown>) {
    this.write(`create repository ${body.name}`);
    const href = `/pulp/api/v3/repositories/rpm/rpm/${this.id()}/`;
    const repo = { pulp_href: href, name: String(body.name), latest_version_href: `${href}versions/0/`, content: "", versions: 0 };
    this.repos.push(repo);
    return { pulp_href: href, name: repo.name, latest_version_href: repo.latest_version_href };
  }
  async sync(href: string, body: Record<string, unknown>) {
    this.write(`sync ${href}`);
    return this.task(() => {
      const repo = this.repos.find((r) => r.pulp_href === href)!;
      const remote = this.remotes.find((r) => r.pulp_href === body.remote)!;
      const failure = this.failing.get(remote.url);
      if (failure) return { error: failure };
      const content = this.upstream.get(remote.url) ?? "";
      if (content === repo.content) return { created: [] };
      repo.content = content;
      repo.versions += 1;
      repo.latest_version_href = `${href}versions/${repo.versions}/`;
      return { created: [repo.latest_version_href] };
    });
  }
  async createPublication(_kind: string, body: Record<string, unknown>) {
    this.write(`publish ${body.repository_version}`);
    return this.task(() => {
      const pub = { pulp_href: `/pulp/api/v3/publications/rpm/rpm/${this.id()}/`, pulp_created: this.created(), repository_version: String(body.repository_version) };
      this.publications.push(pub);
      return { created: [pub.pulp_href] };
    });
  }
  async getPublication(_kind: string, href: string) {
    this.reads++;
    return { ...(this.publications.find((p) => p.pulp_href === href) as PublicationRecord), kind: "rpm" as const };
  }
  async deletePublication(href: string) {
    this.write(`delete publication ${href}`);
    // Pulp answers 404 for a publication that is already gone.
    if (!this.publications.some((p) => p.pulp_href === href)) throw new Error(`DELETE ${href} → 404: Not found.`);
    this.publications = this.publications.filter((p) => p.pulp_href !== href);
  }
  async createDistribution(_kind: string, body: Record<string, unknown>) {
    this.write(`distribute ${body.base_path}`);
    return this.task(() => {
      const d = { pulp_href: `/pulp/api/v3/distributions/rpm/rpm/${this.id()}/`, name: String(body.name), base_path: String(body.base_path), publication: String(body.publication) };
      this.distributions.push(d);
      return { created: [d.pulp_href] };
    });
  }
  async getDistribution(href: string) {
    this.reads++;
    const d = this.distributions.find((x) => x.pulp_href === href)!;
    return { ...d, base_url: `http://ark/pulp/content/${d.base_path}/` };
  }
  async updateDistribution(href: string, patch: Record<string, unknown>) {
    this.write(`update distribution ${href}`);
    return this.task(() => {
      Object.assign(this.distributions.find((d) => d.pulp_href === href) as DistributionRecord, patch);
      return {};
    });
  }
}

const entry = (short: string): PackageRepoEntry => ({
  kind: "rpm",
  name: `Repo ${short}`,
  url: `https://upstream.example/${short}/`,
  base_path: `${short}/`,
  short_name: short,
  distribution_name: `${short}-`,
});
const entries = ["a", "b", "c"].map(entry);
const polling = { initialDelayMs: 5, syncInitialDelayMs: 5, maxDelayMs: 20 };
const run = (pulp: SyncPulp, version: string, extra: Partial<Parameters<typeof syncPackageRepos>[0]> = {}) =>
  syncPackageRepos({ pulp, entries, target: "ark", version, contentGuard: "development", polling, ...extra });

describe("syncPackageRepos (in-memory Pulp)", () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("creates, syncs, publishes and distributes; a second night with no upstream change writes nothing but syncs", async () => {
    const pulp = new MemoryPulp();
    for (const e of entries) pulp.upstream.set(e.url as string, `${e.short_name}-1`);
    const first = await run(pulp, "20261125T200000");
    expect(first.failed).toEqual([]);
    expect(first.versions).toEqual({ a: "20261125T200000", b: "20261125T200000", c: "20261125T200000" });
    expect(first.results.find((r) => r.shortName === "a")).toMatchObject({
      changed: true,
      newRepositoryVersion: expect.stringMatching(/versions\/1\/$/),
      distributionUrl: "http://ark/pulp/content/a/20261125T200000/",
    });
    expect(pulp.distributions.map((d) => d.base_path).sort()).toEqual(["a/20261125T200000", "b/20261125T200000", "c/20261125T200000"]);

    pulp.writes = [];
    const second = await run(pulp, "20261126T200000");
    expect(second.results.every((r) => !r.changed && !r.error)).toBe(true);
    expect(pulp.writes.filter((w) => !w.startsWith("sync "))).toEqual([]);
    expect(pulp.writes).toHaveLength(3);
    // Unchanged repositories keep pointing at the snapshot that serves their content.
    expect(second.versions).toEqual(first.versions);

    pulp.upstream.set("https://upstream.example/b/", "b-2");
    const third = await run(pulp, "20261127T200000");
    expect(third.versions).toEqual({ ...first.versions, b: "20261127T200000" });
    expect(third.results.filter((r) => r.changed).map((r) => r.shortName)).toEqual(["b"]);
  });

  it("dry run plans without a single write", async () => {
    const pulp = new MemoryPulp();
    const result = await run(pulp, "20261125T200000", { dryRun: true });
    expect(pulp.writes).toEqual([]);
    expect(result.planText).toContain("dry run");
    expect(result.planText).toContain("distribute: a-20261125T200000 at a/20261125T200000 guard=development");
    expect(result.results.map((r) => r.actions)).toEqual(
      entries.map(() => ["create remote", "create repository", "sync", "publish", "distribute"]),
    );
  });

  it("keeps going past a failing repository and reports Pulp's error text", async () => {
    const pulp = new MemoryPulp();
    for (const e of entries) pulp.upstream.set(e.url as string, "x");
    pulp.failing.set("https://upstream.example/b/", "Cannot download repomd.xml: 404, message='Not Found'");
    const result = await run(pulp, "20261125T200000", { concurrency: 1 });
    expect(result.failed.map((r) => [r.shortName, r.error])).toEqual([
      ["b", "sync: task failed: Cannot download repomd.xml: 404, message='Not Found'"],
    ]);
    expect(result.versions).toEqual({ a: "20261125T200000", c: "20261125T200000" });
  });

  it("fails repositories whose content guard is missing, before writing anything for them", async () => {
    const pulp = new MemoryPulp();
    const result = await run(pulp, "20261125T200000", { contentGuard: "nope" });
    expect(result.failed).toHaveLength(3);
    expect(result.failed[0]?.error).toBe("content guard 'nope' does not exist");
    expect(pulp.writes).toEqual([]);
  });

  it("re-attaches to a recorded sync task that is still running instead of dispatching another", async () => {
    dir = await mkdtemp(join(tmpdir(), "sync-run-"));
    const stateFile = join(dir, "state.json");
    const pulp = new MemoryPulp();
    for (const e of entries) pulp.upstream.set(e.url as string, "x");
    pulp.taskMs = 2000;
    // First run is killed (here: times out waiting) while its syncs still run in Pulp.
    const killed = await run(pulp, "20261125T200000", { stateFile, polling: { ...polling, timeoutMs: 50 } });
    expect(killed.failed).toHaveLength(3);
    pulp.taskMs = 20;
    const syncs = pulp.writes.filter((w) => w.startsWith("sync "));
    expect(syncs).toHaveLength(3);
    const rerun = await run(pulp, "20261125T200000", { stateFile });
    expect(rerun.failed).toEqual([]);
    expect(pulp.writes.filter((w) => w.startsWith("sync "))).toHaveLength(3);
    expect(rerun.results.every((r) => r.newRepositoryVersion)).toBe(true);
    expect(pulp.distributions).toHaveLength(3);
  });

  it("cleans duplicate publications, keeping the distributed one", async () => {
    const pulp = new MemoryPulp();
    for (const e of entries) pulp.upstream.set(e.url as string, "x");
    await run(pulp, "20261125T200000");
    const repoA = pulp.repos.find((r) => r.name === "Repo a")!;
    const served = pulp.publications.find((p) => p.repository_version === repoA.latest_version_href)!;
    // pulp_rpm#2311: a metadata-only upstream change published the same version again.
    pulp.publications.push({ pulp_href: "/pulp/api/v3/publications/rpm/rpm/dup/", pulp_created: "2027-01-01T00:00:00Z", repository_version: served.repository_version });
    pulp.writes = [];
    const result = await run(pulp, "20261126T200000");
    expect(pulp.writes).toContain("delete publication /pulp/api/v3/publications/rpm/rpm/dup/");
    expect(pulp.publications.filter((p) => p.repository_version === served.repository_version)).toEqual([served]);
    expect(result.results.find((r) => r.shortName === "a")?.changed).toBe(true);
  });
});
