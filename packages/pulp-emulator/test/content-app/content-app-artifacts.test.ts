import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDebRepo, buildRpmRepo, type Emulator, type ServedDirectory, serveDirectory } from "../../src/index";
import { type Api, startApi } from "../api/helpers";

const UUID_HREF = /^\/pulp\/api\/v3\/artifacts\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\/$/;
const digest = (algo: string, file: string) => createHash(algo).update(readFileSync(file)).digest("hex");

describe("content units link real Artifacts (immediate sync, on_demand fetch)", () => {
  let emu: Emulator;
  let api: Api;
  let dir: string;
  const served: ServedDirectory[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "emu-artifacts-"));
    // Distinct packages per upstream: artifacts are shared by sha256, so the lazy one must never be downloaded otherwise.
    await buildRpmRepo(join(dir, "eager"), [{ name: "alpha", version: "1.0" }, { name: "beta", version: "2.0" }]);
    await buildRpmRepo(join(dir, "lazy"), [{ name: "gamma", version: "3.0" }]);
    await buildDebRepo(join(dir, "deb"), {
      dists: [{ name: "jammy", architectures: ["amd64"], components: [{ name: "main", packages: [{ name: "apple", version: "1.0" }] }] }],
    });
    for (const d of ["eager", "lazy", "deb"]) served.push(await serveDirectory(join(dir, d)));
    ({ emu, api } = await startApi());
  }, 120_000);
  afterAll(async () => {
    expect(api.violations).toEqual([]);
    await emu?.stop();
    for (const s of served) await s.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The artifact GETs 200 and describes exactly the upstream file. */
  async function expectArtifactOf(href: unknown, file: string): Promise<void> {
    expect(href).toMatch(UUID_HREF);
    const r = await api.get(String(href));
    expect(r.status).toBe(200);
    const sha256 = digest("sha256", file);
    expect(r.body).toMatchObject({
      pulp_href: href,
      size: readFileSync(file).byteLength,
      sha256,
      sha224: digest("sha224", file),
      sha384: digest("sha384", file),
      sha512: digest("sha512", file),
      file: `artifact/${sha256.slice(0, 2)}/${sha256.slice(2)}`,
    });
    const listed = (await api.get(`/pulp/api/v3/artifacts/?sha256=${sha256}`)).body;
    expect(listed.results.map((a: { pulp_href: string }) => a.pulp_href)).toEqual([href]);
  }

  it("immediate rpm sync: every package's artifact resolves to its file", async () => {
    const remote = await api.create("/pulp/api/v3/remotes/rpm/rpm/", { name: "eager", url: served[0]!.url, policy: "immediate" });
    const repo = await api.create("/pulp/api/v3/repositories/rpm/rpm/", { name: "eager" });
    const sync = await api.task("POST", `${repo.pulp_href}sync/`, { remote: remote.pulp_href });
    expect(sync.state).toBe("completed");
    const pkgs = (await api.get(`/pulp/api/v3/content/rpm/packages/?repository_version=${encodeURIComponent(sync.created_resources[0])}`)).body.results;
    expect(pkgs.map((p: { name: string }) => p.name).sort()).toEqual(["alpha", "beta"]);
    for (const p of pkgs) await expectArtifactOf(p.artifact, join(dir, "eager", p.location_href));
    expect(new Set(pkgs.map((p: { artifact: string }) => p.artifact)).size).toBe(2);
  });

  it("immediate deb sync: the package's artifact resolves to its file", async () => {
    const remote = await api.create("/pulp/api/v3/remotes/deb/apt/", {
      name: "deb",
      url: served[2]!.url,
      distributions: "jammy",
      components: "main",
      architectures: "amd64",
    });
    const repo = await api.create("/pulp/api/v3/repositories/deb/apt/", { name: "deb" });
    const sync = await api.task("POST", `${repo.pulp_href}sync/`, { remote: remote.pulp_href });
    expect(sync.state).toBe("completed");
    const pkgs = (await api.get(`/pulp/api/v3/content/deb/packages/?repository_version=${encodeURIComponent(sync.created_resources[0])}`)).body.results;
    expect(pkgs).toHaveLength(1);
    await expectArtifactOf(pkgs[0].artifact, join(dir, "deb", pkgs[0].relative_path));
  });

  it("on_demand rpm sync: artifact is null until the content app serves the file, then resolves", async () => {
    const remote = await api.create("/pulp/api/v3/remotes/rpm/rpm/", { name: "lazy", url: served[1]!.url, policy: "on_demand" });
    const repo = await api.create("/pulp/api/v3/repositories/rpm/rpm/", { name: "lazy" });
    const sync = await api.task("POST", `${repo.pulp_href}sync/`, { remote: remote.pulp_href });
    const pub = (await api.task("POST", "/pulp/api/v3/publications/rpm/rpm/", { repository_version: sync.created_resources[0] })).created_resources[0];
    await api.create("/pulp/api/v3/distributions/rpm/rpm/", { name: "lazy", base_path: "lazy", publication: pub });
    const pkg = (await api.get("/pulp/api/v3/content/rpm/packages/?name=gamma")).body.results[0];
    expect(pkg.artifact).toBeNull();
    const before = (await api.get("/pulp/api/v3/artifacts/")).body.results.map((a: { sha256: string }) => a.sha256);
    const file = join(dir, "lazy", pkg.location_href);
    // Pulp's publications lay packages out as Packages/<first letter>/<file>.
    const url = `${emu.contentUrl}lazy/Packages/g/${basename(pkg.location_href)}`;
    expect(before).not.toContain(digest("sha256", file));

    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(readFileSync(file))).toBe(true);
    const after = (await api.get(pkg.pulp_href)).body;
    await expectArtifactOf(after.artifact, file);
    // A second request serves the stored file and keeps the same single Artifact.
    expect((await fetch(url)).status).toBe(200);
    expect((await api.get(pkg.pulp_href)).body.artifact).toBe(after.artifact);
  });
});
