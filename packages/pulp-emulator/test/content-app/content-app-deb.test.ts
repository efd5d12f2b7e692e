import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDebRepo, type DebRepoSpec, type Emulator, type ServedDirectory, serveDirectory } from "../../src/index";
import { type Api, startApi } from "../api/helpers";

const spec = (pkgs: string[]): DebRepoSpec => ({
  dists: [{ name: "jammy", architectures: ["amd64"], components: [{ name: "main", packages: pkgs.map((name) => ({ name, version: "1.0" })) }] }],
});

describe("content app (real Deb sync, apt and verbatim publications)", () => {
  let emu: Emulator;
  let api: Api;
  let upstream: ServedDirectory;
  let dir: string;
  let remote: string;
  let repo: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "emu-deb-"));
    await buildDebRepo(dir, spec(["apple", "banana"]));
    upstream = await serveDirectory(dir);
    ({ emu, api } = await startApi());
    remote = (await api.create("/pulp/api/v3/remotes/deb/apt/", { name: "ubuntu", url: upstream.url, distributions: "jammy", components: "main", architectures: "amd64" })).pulp_href;
    repo = (await api.create("/pulp/api/v3/repositories/deb/apt/", { name: "ubuntu", remote })).pulp_href;
  }, 120_000);
  afterAll(async () => {
    expect(api.violations).toEqual([]);
    await emu?.stop();
    await upstream?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const text = async (path: string) => {
    const r = await fetch(`${emu.contentUrl}${path}`);
    return { status: r.status, body: await r.text() };
  };

  it("syncs, publishes apt (structured) and verbatim, and serves both", async () => {
    const sync = await api.task("POST", `${repo}sync/`, { remote, mirror: false });
    expect(sync.name).toBe("pulp_deb.app.tasks.synchronizing.synchronize");
    expect(sync.reserved_resources_record).toEqual([repo, remote]);
    expect(sync.created_resources).toEqual([`${repo}versions/1/`]);
    const pkgs = (await api.get(`/pulp/api/v3/content/deb/packages/?repository_version=${encodeURIComponent(`${repo}versions/1/`)}`)).body;
    expect(pkgs.results.map((p: { package: string }) => p.package).sort()).toEqual(["apple", "banana"]);
    expect((await api.post(`${repo}sync/`, { remote, sync_policy: "mirror_complete" })).body).toEqual({ sync_policy: ["Unexpected field"] });

    const apt = await api.task("POST", "/pulp/api/v3/publications/deb/apt/", { repository_version: `${repo}versions/1/`, simple: false, structured: true });
    expect(apt.name).toBe("pulp_deb.app.tasks.publishing.publish");
    expect(apt.reserved_resources_record).toEqual([`shared:${repo}`]);
    expect((await api.get(apt.created_resources[0])).body).toMatchObject({ simple: false, structured: true, repository: repo });
    await api.create("/pulp/api/v3/distributions/deb/apt/", { name: "ubuntu", base_path: "ubuntu/jammy", publication: apt.created_resources[0] });
    const release = await text("ubuntu/jammy/dists/jammy/Release");
    expect(release.status).toBe(200);
    expect(release.body).toMatch(/Components: main/);
    // Whichever index the Release file lists (the arch layout is the content layer's business).
    const index = /\s(main\/binary-[a-z0-9]+\/Packages)\n/.exec(release.body)?.[1];
    expect(index).toBeDefined();
    const packages = await text(`ubuntu/jammy/dists/jammy/${index}`);
    expect(packages.body).toContain("Package: apple");

    const verbatim = await api.task("POST", "/pulp/api/v3/publications/deb/verbatim/", { repository: repo });
    expect(verbatim.name).toBe("pulp_deb.app.tasks.publishing.publish_verbatim");
    await api.create("/pulp/api/v3/distributions/deb/apt/", { name: "verbatim", base_path: "verbatim", publication: verbatim.created_resources[0] });
    const vRelease = await text("verbatim/dists/jammy/Release");
    expect(vRelease.body).toBe(readFileSync(join(dir, "dists", "jammy", "Release"), "utf8"));
  });

  it("mirror sync drops packages removed upstream; additive keeps them", async () => {
    await buildDebRepo(dir, spec(["apple", "cherry"]));
    const additive = await api.task("POST", `${repo}sync/`, { remote });
    const v2 = (await api.get(additive.created_resources[0])).body;
    expect(v2.content_summary.present["deb.package"].count).toBe(3);
    const mirror = await api.task("POST", `${repo}sync/`, { remote, mirror: true });
    const v3 = (await api.get(mirror.created_resources[0])).body;
    expect(v3.content_summary.present["deb.package"].count).toBe(2);
    expect(v3.content_summary.removed["deb.package"].count).toBe(1);
  });

  it("cleans up orphaned content no version references", async () => {
    await api.task("DELETE", `${repo}versions/2/`);
    await api.task("DELETE", `${repo}versions/1/`);
    const before = (await api.get("/pulp/api/v3/content/deb/packages/?package=banana")).body.count;
    expect(before).toBe(1);
    const t = await api.task("POST", "/pulp/api/v3/orphans/cleanup/", { orphan_protection_time: 0 });
    expect(t.name).toBe("pulpcore.app.tasks.orphan.orphan_cleanup");
    expect((await api.get("/pulp/api/v3/content/deb/packages/?package=banana")).body.count).toBe(0);
    expect((await api.get("/pulp/api/v3/content/deb/packages/?package=apple")).body.count).toBe(1);
  });
});
