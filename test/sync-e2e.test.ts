// Nightly package snapshots end to end: the release-train sync against the Pulp emulator, which
// really syncs real upstream RPM/Deb repositories (rpmbuild/createrepo_c, dpkg-deb/apt-ftparchive)
// and serves publications through its content app.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PulpClient } from "@release-train/pulp-client";
import { type Emulator, startEmulator } from "@release-train/pulp-emulator";
import { writeRpmMetadata } from "@release-train/pulp-emulator/fixtures";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { debPackageNames, rpmPackageNames } from "../packages/release-train/src/demo/served-packages";
import { startUpstreams, type Upstreams } from "../packages/release-train/src/demo/upstreams";
import { resolveArkVersions } from "../packages/release-train/src/sync/ark-versions";
import { pulpPort } from "../packages/release-train/src/sync/client-adapter";
import { type SyncRunOptions, syncPackageRepos } from "../packages/release-train/src/sync/run";
import type { PackageRepoEntry } from "../packages/release-train/src/sync/types";

const ADMIN = { username: "admin", password: "password" };
const basic = `Basic ${Buffer.from(`${ADMIN.username}:${ADMIN.password}`).toString("base64")}`;
const polling = { initialDelayMs: 20, syncInitialDelayMs: 50, maxDelayMs: 200 };

function clientFor(emu: Emulator): PulpClient {
  return new PulpClient({ baseUrl: emu.url, ...ADMIN });
}

async function get(url: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { headers });
}

const auth = { authorization: basic };
const rpmNames = (distUrl: string) => rpmPackageNames(distUrl, auth);
const debNames = (distUrl: string, dist = "stable", component = "main") => debPackageNames(distUrl, dist, component, auth);

describe("nightly package snapshots (emulator, real upstreams)", () => {
  let dir: string;
  let up: Upstreams;
  let ark: Emulator;
  let arkClient: PulpClient;
  let entries: PackageRepoEntry[];

  const night = (version: string, extra: Partial<SyncRunOptions> = {}) =>
    syncPackageRepos({ pulp: pulpPort(arkClient), entries, target: "ark", version, contentGuard: "development", polling, ...extra });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "sync-e2e-"));
    up = await startUpstreams(join(dir, "upstream"));
    await Promise.all([
      up.rpm("mirror", [
        { name: "alpha", version: "1.0" },
        { name: "beta", version: "1.0" },
      ]),
      up.rpm("additive", [
        { name: "alpha", version: "1.0" },
        { name: "beta", version: "1.0" },
      ]),
      up.deb("apt", "stable", [{ name: "gamma", version: "1.0", arch: "amd64" }]),
    ]);
    ark = await startEmulator(ADMIN);
    arkClient = clientFor(ark);
    await arkClient.contentGuards.rbac.create({ name: "development" });
    entries = [
      { kind: "rpm", name: "Mirror", url: up.url("mirror"), base_path: "mirror/", short_name: "mirror", distribution_name: "mirror-" },
      {
        kind: "rpm",
        name: "Additive",
        url: up.url("additive"),
        sync_policy: "additive",
        base_path: "additive/",
        short_name: "additive",
        distribution_name: "additive-",
      },
      {
        kind: "deb",
        name: "Apt",
        url: up.url("apt"),
        distributions: "stable",
        components: "main",
        architectures: "amd64",
        mode: "verbatim",
        base_path: "apt/",
        short_name: "apt",
        distribution_name: "apt-",
      },
      {
        kind: "deb",
        name: "Apt simple",
        url: up.url("apt"),
        distributions: "stable",
        components: "main",
        architectures: "amd64",
        mode: "simple",
        base_path: "apt-simple/",
        short_name: "apt_simple",
        distribution_name: "apt-simple-",
      },
    ];
  }, 120_000);

  afterAll(async () => {
    await arkClient?.close();
    await ark?.stop();
    await up?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("first night: creates remotes and repositories, syncs, publishes and distributes behind the guard", async () => {
    const run = await night("20261125T200000");
    expect(run.failed).toEqual([]);
    expect(run.versions).toEqual({ mirror: "20261125T200000", additive: "20261125T200000", apt: "20261125T200000", apt_simple: "20261125T200000" });
    for (const r of run.results) {
      expect(r.changed).toBe(true);
      expect(r.newRepositoryVersion).toMatch(/\/versions\/1\/$/);
      expect(r.distributionUrl).toBe(`${ark.contentUrl}${r.shortName.replace("_", "-")}/20261125T200000/`);
    }
    const mirrorUrl = run.results.find((r) => r.shortName === "mirror")?.distributionUrl as string;
    expect(await rpmNames(mirrorUrl)).toEqual(["alpha", "beta"]);
    expect(await debNames(`${ark.contentUrl}apt/20261125T200000/`)).toEqual(["gamma"]);
    // pulp_deb's simple mode publishes everything as dist "default", component "all".
    expect(await debNames(`${ark.contentUrl}apt-simple/20261125T200000/`, "default", "all")).toEqual(["gamma"]);
    // The development guard refuses anonymous downloads.
    expect((await get(`${mirrorUrl}repodata/repomd.xml`)).status).toBe(403);
    const dists = await arkClient.distributions.rpm.listAll();
    const guard = await arkClient.contentGuards.any.findOne({ name: "development" });
    expect(dists.map((d) => [d.name, d.base_path, d.content_guard])).toEqual(
      expect.arrayContaining([["mirror-20261125T200000", "mirror/20261125T200000", guard?.pulp_href]]),
    );
  });

  it("unchanged upstreams: a dry run writes nothing; the real run only dispatches syncs and creates nothing", async () => {
    ark.requestLog.length = 0;
    const dry = await night("20261126T200000", { dryRun: true });
    expect(ark.requestLog.filter((e) => e.method !== "GET")).toEqual([]);
    expect(dry.planText).toContain("dry run");
    expect(dry.results.every((r) => r.actions.join() === "sync")).toBe(true);

    const before = {
      versions: (await arkClient.repositories.rpm.listAll()).map((r) => r.latest_version_href).sort(),
      publications: (await arkClient.publications.rpm.listAll()).length,
      distributions: (await arkClient.distributions.rpm.listAll()).length + (await arkClient.distributions.deb.listAll()).length,
    };
    ark.requestLog.length = 0;
    const run = await night("20261126T200000");
    expect(run.failed).toEqual([]);
    expect(run.results.map((r) => r.changed)).toEqual([false, false, false, false]);
    // Unchanged repositories keep pointing at the snapshot that already serves their content.
    expect(run.versions).toEqual({ mirror: "20261125T200000", additive: "20261125T200000", apt: "20261125T200000", apt_simple: "20261125T200000" });
    const writes = ark.requestLog.filter((e) => e.method !== "GET");
    expect(writes.map((e) => `${e.method} ${e.path.replace(/[0-9a-f-]{36}/, "<id>")}`).sort()).toEqual([
      "POST /pulp/api/v3/repositories/deb/apt/<id>/sync/",
      "POST /pulp/api/v3/repositories/deb/apt/<id>/sync/",
      "POST /pulp/api/v3/repositories/rpm/rpm/<id>/sync/",
      "POST /pulp/api/v3/repositories/rpm/rpm/<id>/sync/",
    ]);
    expect(writes).toHaveLength(4);
    expect((await arkClient.repositories.rpm.listAll()).map((r) => r.latest_version_href).sort()).toEqual(before.versions);
    expect((await arkClient.publications.rpm.listAll()).length).toBe(before.publications);
    expect((await arkClient.distributions.rpm.listAll()).length + (await arkClient.distributions.deb.listAll()).length).toBe(
      before.distributions,
    );
  });

  it("new and removed upstream packages: a new snapshot; removals gone with mirror_complete, kept with additive", async () => {
    const next = [
      { name: "beta", version: "1.0" },
      { name: "delta", version: "1.0" },
    ];
    await Promise.all([up.rpm("mirror", next), up.rpm("additive", next)]);
    const run = await night("20261127T200000");
    expect(run.failed).toEqual([]);
    expect(run.versions).toEqual({ mirror: "20261127T200000", additive: "20261127T200000", apt: "20261125T200000", apt_simple: "20261125T200000" });
    const byName = Object.fromEntries(run.results.map((r) => [r.shortName, r]));
    expect(byName["mirror"]?.newRepositoryVersion).toMatch(/\/versions\/2\/$/);
    expect(await rpmNames(`${ark.contentUrl}mirror/20261127T200000/`)).toEqual(["beta", "delta"]);
    expect(await rpmNames(`${ark.contentUrl}additive/20261127T200000/`)).toEqual(["alpha", "beta", "delta"]);
    // Earlier snapshots are immutable.
    expect(await rpmNames(`${ark.contentUrl}mirror/20261125T200000/`)).toEqual(["alpha", "beta"]);
  });

  it("cleans the duplicate publication a metadata-only upstream change makes (pulp_rpm#2311)", async () => {
    await writeRpmMetadata(join(up.root, "mirror"), { revision: "42" });
    const repo = await arkClient.repositories.rpm.findOne({ name: "Mirror" });
    const latest = repo?.latest_version_href as string;
    const run = await night("20261128T200000");
    expect(run.failed).toEqual([]);
    const mirror = run.results.find((r) => r.shortName === "mirror");
    expect(mirror?.newRepositoryVersion).toBeUndefined();
    expect(mirror?.actions.some((a) => a.startsWith("deleted duplicate publication"))).toBe(true);
    const pubs = await arkClient.publications.rpm.listAll({ repository_version: latest });
    expect(pubs).toHaveLength(1);
    expect(mirror?.version).toBe("20261127T200000");
  });

  it("a failing repository does not stop the others; its error is Pulp's text and the run reports it", async () => {
    const broken: PackageRepoEntry = {
      kind: "rpm",
      name: "Broken",
      url: up.url("does-not-exist"),
      base_path: "broken/",
      short_name: "broken",
      distribution_name: "broken-",
    };
    const run = await syncPackageRepos({
      pulp: pulpPort(arkClient),
      entries: [broken, ...entries],
      target: "ark",
      version: "20261129T200000",
      contentGuard: "development",
      concurrency: 1,
      polling,
    });
    expect(run.failed.map((r) => r.shortName)).toEqual(["broken"]);
    expect(run.failed[0]?.error).toMatch(/^sync: task failed: .*404/);
    expect(run.results.filter((r) => !r.error)).toHaveLength(4);
  });

  it("test Pulp syncs Ark's newest snapshots on demand with credentials and serves them at the same paths", async () => {
    const test = await startEmulator(ADMIN);
    const testClient = clientFor(test);
    try {
      const arkVersions = await resolveArkVersions(pulpPort(arkClient), entries);
      expect(arkVersions).toEqual({ mirror: "20261127T200000", additive: "20261127T200000", apt: "20261125T200000", apt_simple: "20261125T200000" });
      const options: SyncRunOptions = {
        pulp: pulpPort(testClient),
        entries,
        target: "test",
        version: "20261130T000000",
        arkContentUrl: ark.contentUrl,
        arkVersions,
        remoteOptions: { ...ADMIN },
        polling,
      };
      const run = await syncPackageRepos(options);
      expect(run.failed).toEqual([]);
      expect(run.versions).toEqual(arkVersions);
      const remote = await testClient.remotes.rpm.findOne({ name: "Mirror (ark)-remote" });
      expect(remote).toMatchObject({ policy: "on_demand", url: `${ark.contentUrl}mirror/20261127T200000/` });
      expect(await rpmNames(`${test.contentUrl}mirror/20261127T200000/`)).toEqual(["beta", "delta"]);
      expect(await debNames(`${test.contentUrl}apt/20261125T200000/`)).toEqual(["gamma"]);
      expect(await debNames(`${test.contentUrl}apt-simple/20261125T200000/`, "default", "all")).toEqual(["gamma"]);
      const again = await syncPackageRepos(options);
      expect(again.results.map((r) => r.changed)).toEqual([false, false, false, false]);
    } finally {
      await testClient.close();
      await test.stop();
    }
  });
});

describe("long syncs and guarded snapshots", () => {
  let dir: string;
  let up: Upstreams;
  const entry = (url: string): PackageRepoEntry => ({
    kind: "rpm",
    name: "Slow",
    url,
    base_path: "slow/",
    short_name: "slow",
    distribution_name: "slow-",
  });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "sync-e2e-long-"));
    up = await startUpstreams(join(dir, "upstream"));
    await up.rpm("slow", [{ name: "alpha", version: "1.0" }]);
  }, 120_000);
  afterAll(async () => {
    await up?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("a re-run with the same version re-attaches to the still-running sync instead of dispatching another", async () => {
    const emu = await startEmulator({ ...ADMIN, knobs: { taskDurationMs: { sync: 3000 } } });
    const client = clientFor(emu);
    try {
      const stateFile = join(dir, "state.json");
      const base = { pulp: pulpPort(client), entries: [entry(up.url("slow"))], target: "ark" as const, version: "20261125T200000", stateFile };
      // The first job gives up (here: a short wait timeout) while Pulp keeps syncing.
      const first = await syncPackageRepos({ ...base, polling: { ...polling, timeoutMs: 200 } });
      expect(first.failed[0]?.error).toMatch(/timed out waiting for task/);
      emu.requestLog.length = 0;
      const rerun = await syncPackageRepos({ ...base, polling });
      expect(rerun.failed).toEqual([]);
      expect(emu.requestLog.filter((e) => e.path.endsWith("/sync/"))).toEqual([]);
      expect(rerun.results[0]?.tasks[0]).toBe(first.results[0]?.tasks[0]);
      expect(rerun.results[0]?.newRepositoryVersion).toMatch(/\/versions\/1\/$/);
    } finally {
      await client.close();
      await emu.stop();
    }
  });

  it("a snapshot behind the x509 development guard is refused without a certificate and served with a build certificate", async () => {
    const emu = await startEmulator(ADMIN);
    const client = clientFor(emu);
    try {
      const vault = emu.vault!;
      await client.contentGuards.x509.create({ name: "development", ca_certificate: vault.guardBundles().development });
      const run = await syncPackageRepos({
        pulp: pulpPort(client),
        entries: [entry(up.url("slow"))],
        target: "ark",
        version: "20261125T200000",
        contentGuard: "development",
        polling,
      });
      expect(run.failed).toEqual([]);
      const url = `${run.results[0]?.distributionUrl}repodata/repomd.xml`;
      const refused = await get(url);
      expect(refused.status).toBe(403);
      expect(await refused.text()).toContain("A client certificate was not received");
      const issue = async (mount: string, role: string) => {
        const res = await fetch(`${emu.vaultUrl}/v1/${mount}/issue/${role}`, {
          method: "POST",
          headers: { "X-Vault-Token": vault.rootToken, "content-type": "application/json" },
          body: JSON.stringify({ common_name: "ci.example", ttl: "1h" }),
        });
        return ((await res.json()) as { data: { certificate: string } }).data.certificate;
      };
      const build = await issue("pki_dev", "build");
      const served = await get(url, { "X-CLIENT-CERT": encodeURIComponent(build) });
      expect(served.status).toBe(200);
      expect(await served.text()).toContain("<repomd");
      // A client certificate (other CA) does not open development content.
      expect((await get(url, { "X-CLIENT-CERT": encodeURIComponent(await issue("pki_client", "client")) })).status).toBe(403);
    } finally {
      await client.close();
      await emu.stop();
    }
  });
});
