import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildRpmRepo, type Emulator, type ServedDirectory, serveDirectory, writeRpmMetadata } from "../../src/index";
import { type Api, startApi } from "../api/helpers";

const REMOTES = "/pulp/api/v3/remotes/rpm/rpm/";
const REPOS = "/pulp/api/v3/repositories/rpm/rpm/";
const DISTS = "/pulp/api/v3/distributions/rpm/rpm/";

/** A CA, a client certificate it signed, and an unrelated self-signed certificate (openssl). */
function makeCerts(dir: string) {
  const run = (...args: string[]) => execFileSync("openssl", args, { stdio: "ignore" });
  const p = (f: string) => join(dir, f);
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
  run("req", "-x509", ...ec, "-keyout", p("ca.key"), "-out", p("ca.pem"), "-days", "2", "-subj", "/CN=emu-test-ca");
  run("req", ...ec, "-keyout", p("client.key"), "-out", p("client.csr"), "-subj", "/CN=client");
  run("x509", "-req", "-in", p("client.csr"), "-CA", p("ca.pem"), "-CAkey", p("ca.key"), "-CAcreateserial", "-out", p("client.pem"), "-days", "1");
  run("req", "-x509", ...ec, "-keyout", p("other-ca.key"), "-out", p("other-ca.pem"), "-days", "2", "-subj", "/CN=other-ca");
  run("req", ...ec, "-keyout", p("other.key"), "-out", p("other.csr"), "-subj", "/CN=intruder");
  run("x509", "-req", "-in", p("other.csr"), "-CA", p("other-ca.pem"), "-CAkey", p("other-ca.key"), "-CAcreateserial", "-out", p("other.pem"), "-days", "1");
  const read = (f: string) => readFileSync(p(f), "utf8");
  return { ca: read("ca.pem"), client: read("client.pem"), other: read("other.pem"), selfSigned: read("other-ca.pem") };
}

describe("content app (real RPM sync through the content engine)", () => {
  let emu: Emulator;
  let api: Api;
  let upstream: ServedDirectory;
  let lazyUpstream: ServedDirectory;
  let dir: string;
  let certs: ReturnType<typeof makeCerts>;
  let repoHref: string;
  let remoteHref: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "emu-content-"));
    certs = makeCerts(dir);
    await buildRpmRepo(join(dir, "repo"), [{ name: "alpha", version: "1.0" }, { name: "beta", version: "2.0" }], { revision: "1000" });
    upstream = await serveDirectory(join(dir, "repo"));
    // Separate packages: artifacts are shared by sha256, so the lazy test needs files never downloaded.
    await buildRpmRepo(join(dir, "lazy"), [{ name: "gamma", version: "3.0" }]);
    lazyUpstream = await serveDirectory(join(dir, "lazy"));
    ({ emu, api } = await startApi());
    remoteHref = (await api.create(REMOTES, { name: "up", url: upstream.url })).pulp_href;
    repoHref = (await api.create(REPOS, { name: "rocky", remote: remoteHref })).pulp_href;
  }, 120_000);
  afterAll(async () => {
    expect(api.violations).toEqual([]);
    await emu?.stop();
    await upstream?.stop();
    await lazyUpstream?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${emu.contentUrl}${path}`, { headers });

  it("serves a mirror_complete publication bit-for-bit and lists directories", async () => {
    const sync = await api.task("POST", `${repoHref}sync/`, { sync_policy: "mirror_complete" });
    expect(sync.state).toBe("completed");
    const [version, publication] = sync.created_resources;
    expect(version).toBe(`${repoHref}versions/1/`);
    await api.create(DISTS, { name: "rocky", base_path: "rocky/9/baseos", publication });

    const repomd = await get("rocky/9/baseos/repodata/repomd.xml");
    expect(repomd.status).toBe(200);
    expect(repomd.headers.get("cache-control")).toBe("no-cache");
    expect(await repomd.text()).toBe(readFileSync(join(dir, "repo", "repodata", "repomd.xml"), "utf8"));
    const rpm = await get("rocky/9/baseos/Packages/alpha-1.0-1.noarch.rpm");
    expect(rpm.status).toBe(200);
    expect(Buffer.from(await rpm.arrayBuffer()).equals(readFileSync(join(dir, "repo", "Packages", "alpha-1.0-1.noarch.rpm")))).toBe(true);

    const listing = await (await get("rocky/9/baseos/")).text();
    expect(listing).toContain('<a href="repodata/">repodata/</a>');
    expect(listing).toContain('<a href="Packages/">Packages/</a>');
    expect(await (await get("rocky/")).text()).toContain('<a href="9/">9/</a>');
    expect(await (await get("")).text()).toContain('<a href="rocky/">rocky/</a>');

    const missing = await get("rocky/9/baseos/nope.rpm");
    expect(missing.status).toBe(404);
    expect(await missing.text()).toBe("404: Not Found");
    expect((await get("elsewhere/x")).status).toBe(404);
  });

  it("creates a second publication on the same version when only upstream metadata changes (#2311)", async () => {
    await writeRpmMetadata(join(dir, "repo"), { revision: "2000" });
    const resync = await api.task("POST", `${repoHref}sync/`, { sync_policy: "mirror_complete" });
    expect(resync.created_resources).toHaveLength(1);
    expect(resync.created_resources[0]).toMatch(/publications\/rpm\/rpm/);
    const pubs = (await api.get(`/pulp/api/v3/publications/rpm/rpm/?repository_version=${encodeURIComponent(`${repoHref}versions/1/`)}`)).body;
    expect(pubs.count).toBe(2);
    // A repository-based distribution follows the newest publication.
    await api.create(DISTS, { name: "latest", base_path: "latest", repository: repoHref });
    expect(await (await get("latest/repodata/repomd.xml")).text()).toContain("2000");
  });

  it("checks x509 guards before resolving paths (X-CLIENT-CERT, URL-encoded)", async () => {
    const guard = await api.create("/pulp/api/v3/contentguards/certguard/x509/", { name: "x509", ca_certificate: certs.ca });
    await api.create(DISTS, { name: "guarded", base_path: "guarded", repository: repoHref, content_guard: guard.pulp_href });
    const none = await get("guarded/does-not-exist");
    expect(none.status).toBe(403);
    expect(await none.text()).toBe("403: A client certificate was not received via the `X-CLIENT-CERT` header.");
    const wrong = await get("guarded/repodata/repomd.xml", { "X-CLIENT-CERT": encodeURIComponent(certs.other) });
    expect(wrong.status).toBe(403);
    expect(await wrong.text()).toBe("403: Client certificate is not signed by the stored 'ca_certificate'.");
    const self = await get("guarded/repodata/repomd.xml", { "X-CLIENT-CERT": encodeURIComponent(certs.selfSigned) });
    expect(await self.text()).toBe("403: self-signed certificate");
    const good = await get("guarded/repodata/repomd.xml", { "X-CLIENT-CERT": encodeURIComponent(certs.client) });
    expect(good.status).toBe(200);
  });

  it("checks RBAC guards with Basic auth of users in a downloader group", async () => {
    const guard = (await api.post("/pulp/api/v3/contentguards/core/rbac/", { name: "release" })).body;
    await api.create("/pulp/api/v3/users/", { username: "ci", password: "ci-pass" });
    await api.create("/pulp/api/v3/users/", { username: "stranger", password: "pw" });
    const group = await api.create("/pulp/api/v3/groups/", { name: "stackhpc" });
    await api.post(`${group.pulp_href}users/`, { username: "ci" });
    await api.post(`${guard.pulp_href}add_role/`, { role: "core.rbaccontentguard_downloader", groups: ["stackhpc"] });
    await api.create(DISTS, { name: "rbac", base_path: "rbac", repository: repoHref, content_guard: guard.pulp_href });
    const basic = (u: string, p: string) => ({ Authorization: `Basic ${Buffer.from(`${u}:${p}`).toString("base64")}` });
    expect(await (await get("rbac/repodata/repomd.xml")).text()).toBe("403: Authentication credentials were not provided.");
    expect(await (await get("rbac/repodata/repomd.xml", basic("ci", "wrong"))).text()).toBe("403: Invalid username/password.");
    expect(await (await get("rbac/repodata/repomd.xml", basic("stranger", "pw"))).text()).toBe("403: You do not have permission to perform this action.");
    expect((await get("rbac/repodata/repomd.xml", basic("ci", "ci-pass"))).status).toBe(200);
  });

  it("explains a distribution that serves nothing; a repository without publications resolves nothing", async () => {
    await api.create(DISTS, { name: "empty", base_path: "empty" });
    const r = await get("empty/repodata/repomd.xml");
    expect(r.status).toBe(404);
    expect(await r.text()).toBe("404: Distribution is not pointing to a publication, repository, repository version, or remote.");
    const bare = await api.create(REPOS, { name: "bare" });
    await api.create(DISTS, { name: "bare", base_path: "bare", repository: bare.pulp_href });
    const b = await get("bare/repodata/repomd.xml");
    expect(b.status).toBe(404);
    expect(await b.text()).toBe("404: Not Found");
    const head = await fetch(`${emu.contentUrl}rocky/9/baseos/repodata/repomd.xml`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(Number(head.headers.get("content-length"))).toBeGreaterThan(0);
  });

  it("fetches on_demand packages from the remote on first request only", async () => {
    const remote = await api.create(REMOTES, { name: "lazy", url: lazyUpstream.url, policy: "on_demand" });
    const repo = await api.create(REPOS, { name: "lazy" });
    const sync = await api.task("POST", `${repo.pulp_href}sync/`, { remote: remote.pulp_href });
    const pub = (await api.task("POST", "/pulp/api/v3/publications/rpm/rpm/", { repository_version: sync.created_resources[0] })).created_resources[0];
    await api.create(DISTS, { name: "lazy", base_path: "lazy", publication: pub });
    const listing = await (await get("lazy/Packages/g/")).text();
    expect(listing).toContain("gamma-3.0-1.noarch.rpm");
    const fetched = () => lazyUpstream.requests.filter((r) => r.path.endsWith("gamma-3.0-1.noarch.rpm")).length;
    expect(fetched()).toBe(0);
    const pkg = (await api.get(`/pulp/api/v3/content/rpm/packages/?name=gamma`)).body.results[0];
    expect(pkg.artifact).toBeNull();
    const first = await get("lazy/Packages/g/gamma-3.0-1.noarch.rpm");
    expect(first.status).toBe(200);
    const bytes = Buffer.from(await first.arrayBuffer());
    expect(bytes.equals(readFileSync(join(dir, "lazy", "Packages", "gamma-3.0-1.noarch.rpm")))).toBe(true);
    expect((await get("lazy/Packages/g/gamma-3.0-1.noarch.rpm")).status).toBe(200);
    expect(fetched()).toBe(1);
    expect((await api.get(pkg.pulp_href)).body.artifact).not.toBeNull();
  });
});
