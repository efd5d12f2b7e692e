// The nightly `target: test` flow over mutual TLS: Ark (emulator) serves its snapshots behind real
// nginx and the x509 development guard; the test Pulp (a second emulator) mirrors them on demand,
// presenting a build certificate issued by the Vault stand-in. A client (release-only) certificate
// must be refused by Ark's guard for every repository, and the run must say so.
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { gunzipSync } from "node:zlib";
import { PulpClient, VaultClient } from "@release-train/pulp-client";
import { type Emulator, startEmulator } from "@release-train/pulp-emulator";
import { issueServerCertificate, type NginxProxy, startNginxProxy } from "@release-train/pulp-emulator/proxy";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startUpstreams, type Upstreams, writeConfigDir } from "../packages/release-train/src/demo/upstreams";
import type { SyncRunResult } from "../packages/release-train/src/sync/run";
import { type CliOutput, runCliInProcess } from "./cli-in-process";

const PASSWORD = "Ark-s3cret-41d7";
const ARK_VERSION = "20261125T200000";
const DEB_DIST = "jammy";
const NOT_SIGNED = "Client certificate is not signed by the stored 'ca_certificate'.";

interface CliRun extends CliOutput {
  result: SyncRunResult;
}

/** `<location href>` (RPM) or `Filename:` (Deb) of every package a snapshot lists, by file name. */
async function packageFiles(distUrl: string, kind: "rpm" | "deb", dist: string, component: string): Promise<Map<string, string>> {
  const text = async (path: string) => {
    const res = await fetch(`${distUrl}${path}`);
    if (!res.ok) throw new Error(`GET ${distUrl}${path} → ${res.status} ${res.statusText}`);
    const raw = Buffer.from(await res.arrayBuffer());
    return (path.endsWith(".gz") ? gunzipSync(raw) : raw).toString("utf8");
  };
  const paths =
    kind === "rpm"
      ? await (async () => {
          const primary = /<location href="([^"]*primary\.xml[^"]*)"/.exec(await text("repodata/repomd.xml"))?.[1];
          if (!primary) throw new Error(`no primary metadata at ${distUrl}`);
          return [...(await text(primary)).matchAll(/<location href="([^"]+\.rpm)"/g)].map((m) => m[1] as string);
        })()
      : [...(await text(`dists/${dist}/${component}/binary-amd64/Packages`)).matchAll(/^Filename: (.+)$/gm)].map((m) => m[1] as string);
  return new Map(paths.map((p) => [basename(p), p]));
}

async function bytes(url: string): Promise<Buffer> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url} → ${res.status} ${res.statusText}`);
  return Buffer.from(await res.arrayBuffer());
}

describe("test Pulp mirrors Ark's x509-guarded snapshots through nginx with a Vault-issued certificate", () => {
  let dir: string;
  let up: Upstreams;
  let ark: Emulator;
  let arkClient: PulpClient;
  let proxy: NginxProxy;
  let config: string;
  /** PEM files: the release CA (trust anchor of nginx's certificate), build and client credentials. */
  const files = { ca: "", buildCert: "", buildKey: "", clientCert: "", clientKey: "" };
  const started: { stop(): Promise<void> }[] = [];

  /** Runs `release-train sync-package-repos` in-process through the real commander program. */
  async function cli(args: string[]): Promise<CliRun> {
    const output = join(dir, `result-${Date.now()}-${Math.random().toString(16).slice(2)}.json`);
    const argv = ["sync-package-repos", "--config", config, "--username", "admin", "--output", output, ...args];
    const { code, stdout, stderr } = await runCliInProcess(argv, {
      GITHUB_ACTIONS: "",
      GITHUB_STEP_SUMMARY: join(dir, "summary.md"),
      PULP_PASSWORD: PASSWORD,
      ARK_PASSWORD: PASSWORD,
    });
    const written = await readFile(output, "utf8").catch(() => undefined);
    if (written === undefined) throw new Error(`sync-package-repos wrote no result (exit ${code}):\n${stdout}\n${stderr}`);
    const result = JSON.parse(written) as SyncRunResult;
    return { code, stdout, stderr, result };
  }

  /** A fresh test Pulp synced from Ark's nginx front with the given remote certificate. */
  async function testSync(cert: string, key: string, caCert: string | null = files.ca) {
    const test = await startEmulator({ username: "admin", password: PASSWORD });
    started.push(test);
    const run = await cli([
      "--target",
      "test",
      "--pulp-url",
      test.url,
      "--ark-url",
      ark.url,
      "--ark-username",
      "admin",
      "--ark-content-url",
      `${proxy.url}/pulp/content/`,
      "--remote-client-cert",
      cert,
      "--remote-client-key",
      key,
      ...(caCert ? ["--remote-ca-cert", caCert] : []),
    ]);
    return { test, run };
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "sync-test-mtls-"));
    up = await startUpstreams(join(dir, "upstream"));
    await Promise.all([
      up.rpm("rocky", [
        { name: "alpha", version: "1.0" },
        { name: "beta", version: "2.0", release: "3" },
      ]),
      up.deb("ubuntu", DEB_DIST, [
        { name: "gamma", version: "1.0", arch: "amd64" },
        { name: "delta", version: "2.0-1", arch: "amd64" },
      ]),
    ]);
    config = await writeConfigDir(join(dir, "config"), {
      rpm: [{ name: "Rocky", url: up.url("rocky"), base_path: "rocky/", short_name: "rocky", sync_group: "mtls", distribution_name: "rocky-" }],
      deb: [
        {
          name: "Ubuntu",
          url: up.url("ubuntu"),
          distributions: DEB_DIST,
          components: "main",
          architectures: "amd64",
          mode: "verbatim",
          base_path: "ubuntu/",
          short_name: "ubuntu",
          sync_group: "mtls",
          distribution_name: "ubuntu-",
        },
      ],
    });

    ark = await startEmulator({ username: "admin", password: PASSWORD });
    started.push(ark);
    arkClient = new PulpClient({ baseUrl: ark.url, username: "admin", password: PASSWORD });
    const vault = ark.vault;
    if (!vault) throw new Error("the emulator's Vault stand-in is off");
    const bundles = vault.guardBundles();
    await arkClient.contentGuards.x509.create({ name: "development", ca_certificate: bundles.development });

    const server = await issueServerCertificate(vault);
    proxy = await startNginxProxy({
      upstream: ark.url,
      serverCert: server.certificate,
      serverKey: server.privateKey,
      clientCaBundle: bundles.release,
    });
    started.push(proxy);

    // Certificates come from Vault's HTTP API, as the nightly workflow gets them.
    const certs = join(dir, "certs");
    await mkdir(certs, { mode: 0o700 });
    const save = async (name: string, text: string) => {
      const path = join(certs, name);
      await writeFile(path, text, { mode: 0o600 });
      return path;
    };
    const vaultClient = new VaultClient({ url: ark.vaultUrl, token: vault.rootToken });
    const build = await vaultClient.issueCertificate("pki_dev", "build", { common_name: "test-pulp.example", ttl: "1h" });
    const client = await vaultClient.issueCertificate("pki_client", "client", { common_name: "customer.example", ttl: "1h" });
    files.ca = await save("ca.pem", server.caCertificate);
    files.buildCert = await save("build.pem", build.certificate);
    files.buildKey = await save("build.key", build.privateKey);
    files.clientCert = await save("client.pem", client.certificate);
    files.clientKey = await save("client.key", client.privateKey);

    // The Ark night: upstream → Ark, distributions behind the development guard (the CLI's default).
    const night = await cli(["--pulp-url", ark.url, "--version", ARK_VERSION]);
    if (night.code !== 0) throw new Error(`Ark night failed:\n${night.stdout}\n${night.stderr}`);
  }, 180_000);

  afterAll(async () => {
    await arkClient?.close();
    for (const s of started.reverse()) await s.stop().catch(() => undefined);
    await up?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("Ark's snapshots are guarded: no certificate is refused, through nginx and directly", async () => {
    const direct = await fetch(`${ark.contentUrl}rocky/${ARK_VERSION}/repodata/repomd.xml`);
    expect(direct.status).toBe(403);
    expect(await direct.text()).toContain("A client certificate was not received");
    const guards = await arkClient.contentGuards.any.listAll({ name: "development" });
    const dists = [...(await arkClient.distributions.rpm.listAll()), ...(await arkClient.distributions.deb.listAll())];
    expect(dists.map((d) => [d.base_path, d.content_guard]).sort()).toEqual([
      [`rocky/${ARK_VERSION}`, guards[0]?.pulp_href],
      [`ubuntu/${ARK_VERSION}`, guards[0]?.pulp_href],
    ]);
  });

  it("with a build certificate: same base paths and versions, packages fetched on demand from Ark through nginx", async () => {
    const { test, run } = await testSync(files.buildCert, files.buildKey);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.result.failed).toEqual([]);
    expect(run.result.versions).toEqual({ rocky: ARK_VERSION, ubuntu: ARK_VERSION });
    expect(run.stdout).toContain(`versions: {"rocky":"${ARK_VERSION}","ubuntu":"${ARK_VERSION}"}`);
    // Secrets stay out of the output.
    expect(run.stdout + run.stderr).not.toContain("PRIVATE KEY");

    const testClient = new PulpClient({ baseUrl: test.url, username: "admin", password: PASSWORD });
    try {
      const basePaths = async (client: PulpClient) =>
        [...(await client.distributions.rpm.listAll()), ...(await client.distributions.deb.listAll())].map((d) => d.base_path).sort();
      expect(await basePaths(testClient)).toEqual(await basePaths(arkClient));
      // The remote carries the build certificate, its key (write-only) and the release CA.
      const remote = await testClient.remotes.rpm.findOne({ name: "Rocky (ark)-remote" });
      expect(remote).toMatchObject({
        policy: "on_demand",
        url: `${proxy.url}/pulp/content/rocky/${ARK_VERSION}/`,
        client_cert: await readFile(files.buildCert, "utf8"),
        ca_cert: await readFile(files.ca, "utf8"),
      });
      expect(remote?.hidden_fields?.find((f) => f.name === "client_key")?.is_set).toBe(true);
    } finally {
      await testClient.close();
    }

    const cases = [
      { kind: "rpm" as const, repo: "rocky", dist: "", component: "" },
      { kind: "deb" as const, repo: "ubuntu", dist: DEB_DIST, component: "main" },
    ];
    for (const c of cases) {
      const testUrl = `${test.contentUrl}${c.repo}/${ARK_VERSION}/`;
      const served = await packageFiles(testUrl, c.kind, c.dist, c.component);
      const upstream = await packageFiles(up.url(c.repo), c.kind, c.dist, c.component);
      expect([...served.keys()].sort()).toEqual([...upstream.keys()].sort());
      expect(served.size).toBe(2);
      for (const [file, path] of served) {
        ark.requestLog.length = 0;
        const accessBefore = proxy.logs().access.length;
        const got = await bytes(`${testUrl}${path}`);
        expect(got.equals(await bytes(`${up.url(c.repo)}${upstream.get(file)}`)), `${c.repo}: ${file}`).toBe(true);
        // First request: the test Pulp downloaded it from Ark's guarded distribution via nginx, and
        // Ark's guard let it through (it refuses requests without a verified certificate, above).
        const arkPath = `/pulp/content/${c.repo}/${ARK_VERSION}/${path}`;
        // (Ark logs a response when it ends, which may be just after the test Pulp has answered.)
        await vi.waitFor(() => expect(ark.requestLog.filter((e) => e.path === arkPath).map((e) => `${e.method} ${e.status}`)).toEqual(["GET 200"]));
        const access = proxy.logs().access.slice(accessBefore);
        expect(access).toMatch(new RegExp(`"GET ${arkPath.replace(/[.+]/g, "\\$&")} HTTP/1\\.1" 200 `));
        // Now stored in the test Pulp: a second request does not go to Ark.
        ark.requestLog.length = 0;
        expect((await bytes(`${testUrl}${path}`)).equals(got)).toBe(true);
        expect(ark.requestLog.filter((e) => e.path === arkPath)).toEqual([]);
      }
    }
  }, 120_000);

  it("with a client (release-only) certificate: every repository fails with Ark's 403 reason and the run exits 1", async () => {
    ark.requestLog.length = 0;
    const { test, run } = await testSync(files.clientCert, files.clientKey);
    expect(run.code).toBe(1);
    expect(run.result.failed.map((r) => r.shortName).sort()).toEqual(["rocky", "ubuntu"]);
    for (const failure of run.result.failed) expect(failure.error, failure.shortName).toContain(NOT_SIGNED);
    expect(run.result.versions).toEqual({});
    expect(run.stdout).toMatch(/2 repositories failed: (rocky, ubuntu|ubuntu, rocky)/);
    expect(run.stdout).toContain(NOT_SIGNED);
    for (const failure of run.result.failed) expect(failure.error).toContain("HTTP 403");
    // The refusals came from Ark's guard, behind nginx: each repository's first metadata file.
    const refused = (path: string) => ark.requestLog.some((e) => e.path === path && e.status === 403);
    await vi.waitFor(() => {
      expect(refused(`/pulp/content/rocky/${ARK_VERSION}/repodata/repomd.xml`)).toBe(true);
      expect(refused(`/pulp/content/ubuntu/${ARK_VERSION}/dists/${DEB_DIST}/Release`)).toBe(true);
    });
    expect(proxy.logs().access).toContain(`"GET /pulp/content/rocky/${ARK_VERSION}/repodata/repomd.xml HTTP/1.1" 403 `);
    // Nothing was published from a failed sync.
    const testClient = new PulpClient({ baseUrl: test.url, username: "admin", password: PASSWORD });
    try {
      expect([...(await testClient.distributions.rpm.listAll()), ...(await testClient.distributions.deb.listAll())]).toEqual([]);
    } finally {
      await testClient.close();
    }
  }, 120_000);

  it("without the release CA as the remote's ca_cert, the test Pulp does not trust Ark's nginx and every sync fails", async () => {
    const { run } = await testSync(files.buildCert, files.buildKey, null);
    expect(run.code).toBe(1);
    expect(run.result.failed.map((r) => r.shortName).sort()).toEqual(["rocky", "ubuntu"]);
    for (const failure of run.result.failed) expect(failure.error, failure.shortName).toContain("unable to get local issuer certificate");
  }, 120_000);
});
