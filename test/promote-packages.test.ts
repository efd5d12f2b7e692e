// Package promotion end to end on the emulator: real snapshots (synced from real upstream RPM and
// Deb repositories), RBAC guards with real users, and x509 guards from the emulator's Vault PKI.
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PulpClient, VaultClient } from "@release-train/pulp-client";
import { type Emulator, startEmulator } from "@release-train/pulp-emulator";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { issueServerCertificate, startNginxProxy } from "@release-train/pulp-emulator/proxy";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { type PromoteCliOptions, runContentGuardsCli, runPromotePackagesCli } from "../packages/release-train/src/cli/promote";
import { runSyncPackageReposCli, type SyncPackageReposCliOptions } from "../packages/release-train/src/cli/sync-package-repos";
import { startUpstreams, type Upstreams, writeConfigDir } from "../packages/release-train/src/demo/upstreams";
import { GuardRefusedError } from "../packages/release-train/src/promote/guards/ensure";
import { MissingSourcesError } from "../packages/release-train/src/promote/types";

const ADMIN = { username: "admin", password: "password" };
const env = { PULP_PASSWORD: ADMIN.password };
const V1 = "20261101T010000";
const V2 = "20261102T010000";
const quiet = () => {};
const writes = (emu: Emulator) => emu.requestLog.filter((r) => r.method !== "GET" && r.method !== "HEAD");
const basic = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}` });

const RBAC_GUARDS = {
  dev_pulp_content_guards_rbac: [
    { name: "release", description: "RBAC content-guard for released distributions", roles: [{ role: "core.rbaccontentguard_downloader", groups: ["stackhpc", "stackhpc-dev"] }], state: "present" },
    { name: "development", description: "RBAC content-guard for development distributions", roles: [{ role: "core.rbaccontentguard_downloader", groups: ["stackhpc-dev"] }], state: "present" },
  ],
};

describe("package promotion (emulator, real snapshots)", () => {
  let dir: string;
  let up: Upstreams;
  let ark: Emulator;
  let client: PulpClient;
  let config: string;
  let kayobe: string;

  const base = (): PromoteCliOptions => ({ config, pulpUrl: ark.url, username: ADMIN.username, kayobeConfig: kayobe, summaryFile: join(dir, "summary.md") });
  const guardOf = async (name: string, kind: "rpm" | "deb") => {
    const d = await client.distributions[kind].findOne({ name });
    const guards = await client.contentGuards.any.listAll({});
    return guards.find((g) => g.pulp_href === d?.content_guard)?.name ?? null;
  };
  const repomd = (user: string, version: string) =>
    fetch(`${ark.contentUrl}rocky/9/BaseOS/${version}/repodata/repomd.xml`, { headers: basic(user, "secret") }).then((r) => r.status);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "promote-packages-"));
    up = await startUpstreams(join(dir, "upstream"));
    await Promise.all([up.rpm("baseos", [{ name: "alpha", version: "1.0" }]), up.deb("apt", "stable", [{ name: "gamma", version: "1.0" }])]);
    ark = await startEmulator(ADMIN);
    client = new PulpClient({ baseUrl: ark.url, ...ADMIN });
    for (const [group, user] of [["stackhpc", "customer"], ["stackhpc-dev", "ci"]] as const) {
      const g = await client.groups.create({ name: group });
      await client.users.create({ username: user, password: "secret" });
      await client.groups.addUser(g.pulp_href, user);
    }
    config = await writeConfigDir(join(dir, "config"), {
      rpm: [{ name: "Rocky 9 BaseOS", url: up.url("baseos"), base_path: "rocky/9/BaseOS/", short_name: "rocky_9_baseos", sync_group: "rocky", distribution_name: "rocky-9-baseos-" }],
      deb: [{ name: "Ubuntu", url: up.url("apt"), distributions: "stable", components: "main", architectures: "amd64", base_path: "ubuntu/", short_name: "ubuntu", sync_group: "ubuntu", distribution_name: "ubuntu-", mode: "verbatim" }],
    });
    await writeFile(join(config, "dev-pulp-repos"), `---\n${stringify(RBAC_GUARDS)}`);
    await runContentGuardsCli({ config, pulpUrl: ark.url, username: ADMIN.username }, env, quiet);
    for (const version of [V1, V2]) {
      // A new RPM snapshot on the second night (the Deb one is unchanged, so it has none).
      if (version === V2) await up.rpm("baseos", [{ name: "alpha", version: "1.1" }]);
      const run = await runSyncPackageReposCli({ config, pulpUrl: ark.url, username: ADMIN.username, target: "ark", version, concurrency: 2, summaryFile: join(dir, "sync.md") } as SyncPackageReposCliOptions, env, quiet);
      expect(run.failed).toEqual([]);
    }
    kayobe = join(dir, "kayobe-config");
    await mkdir(join(kayobe, "etc/kayobe"), { recursive: true });
    await writeFile(join(kayobe, "etc/kayobe/pulp-repo-versions.yml"), `---\nstackhpc_pulp_repo_rocky_9_baseos_version: ${V1}\nstackhpc_pulp_repo_ubuntu_version: ${V1}\nstackhpc_pulp_repo_not_configured_version: ${V1}\n`);
  }, 120_000);

  afterAll(async () => {
    await client?.close();
    await ark?.stop();
    await up?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("the content-guards step made the RBAC guards with their groups", async () => {
    const release = await client.contentGuards.rbac.findOne({ name: "release" });
    expect((await client.contentGuards.rbac.listRoles(release!.pulp_href)).roles).toEqual([
      expect.objectContaining({ role: "core.rbaccontentguard_downloader", groups: expect.arrayContaining(["stackhpc", "stackhpc-dev"]) }),
    ]);
    ark.requestLog.length = 0;
    await runContentGuardsCli({ config, pulpUrl: ark.url, username: ADMIN.username }, env, quiet);
    expect(writes(ark)).toEqual([]);
  });

  it("check mode prints the plan as a diff and writes nothing", async () => {
    ark.requestLog.length = 0;
    let out = "";
    const { result } = await runPromotePackagesCli({ ...base(), dryRun: true }, env, (t) => {
      out += t;
    });
    expect(writes(ark)).toEqual([]);
    expect(result.items.map((i) => [i.name, i.status])).toEqual([
      ["rocky_9_baseos", "planned"],
      ["ubuntu", "planned"],
    ]);
    expect(out).toContain(`~ rocky_9_baseos: rocky-9-baseos-${V1}: content_guard development → release`);
    expect(out).toContain("not_configured");
    const summary = await readFile(join(dir, "summary.md"), "utf8");
    expect(summary).toContain("check mode: nothing written");
    expect(summary).toContain(`+ rocky_9_baseos: rocky-9-baseos-${V1}: content_guard development → release`);
    expect(await guardOf(`rocky-9-baseos-${V1}`, "rpm")).toBe("development");
  });

  it("promotes the pinned snapshots: a customer gets them, not the unpromoted ones; a re-run writes nothing", async () => {
    expect(await repomd("customer", V1)).toBe(403);
    const auditFile = join(dir, "audit.json");
    const { result } = await runPromotePackagesCli({ ...base(), auditFile, stateFile: join(dir, "state.json") }, { ...env, GITHUB_ACTOR: "octocat" }, quiet);
    expect(result.failed).toEqual([]);
    expect(result.items.map((i) => i.status)).toEqual(["promoted", "promoted"]);
    expect(await guardOf(`rocky-9-baseos-${V1}`, "rpm")).toBe("release");
    expect(await guardOf(`ubuntu-${V1}`, "deb")).toBe("release");
    expect(await guardOf(`rocky-9-baseos-${V2}`, "rpm")).toBe("development");
    expect(await repomd("customer", V1)).toBe(200);
    expect(await repomd("customer", V2)).toBe(403);
    expect(await repomd("ci", V2)).toBe(200);
    const audit = JSON.parse(await readFile(auditFile, "utf8"));
    expect(audit).toMatchObject({ kind: "packages", mode: "promote", checkMode: false, who: { actor: "octocat" }, source: { kayobeConfig: { path: kayobe } } });
    expect(audit.moves).toEqual(
      expect.arrayContaining([expect.objectContaining({ item: "rocky_9_baseos", object: `rocky-9-baseos-${V1}`, from: "development", to: "release" })]),
    );

    ark.requestLog.length = 0;
    const again = await runPromotePackagesCli(base(), env, quiet);
    expect(again.result.items.map((i) => i.status)).toEqual(["skipped", "skipped"]);
    expect(writes(ark)).toEqual([]);
  });

  it("missing distributions: one error listing all of them before any write, unless allow-missing", async () => {
    const versions = JSON.stringify({ rocky_9_baseos: V2, ubuntu: "20991231T000000" });
    ark.requestLog.length = 0;
    const error = await runPromotePackagesCli({ ...base(), kayobeConfig: undefined, versions: JSON.stringify({ rocky_9_baseos: "20991231T000000", ubuntu: "20991231T000001" }) }, env, quiet).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MissingSourcesError);
    expect((error as Error).message).toContain("rocky_9_baseos: rpm distribution rocky-9-baseos-20991231T000000");
    expect((error as Error).message).toContain("ubuntu: deb distribution ubuntu-20991231T000001");
    expect(writes(ark)).toEqual([]);

    const { result } = await runPromotePackagesCli({ ...base(), kayobeConfig: undefined, versions, allowMissing: true }, env, quiet);
    expect(result.items.map((i) => [i.name, i.status])).toEqual([
      ["rocky_9_baseos", "promoted"],
      ["ubuntu", "missing"],
    ]);
    expect(await guardOf(`rocky-9-baseos-${V2}`, "rpm")).toBe("release");
  });

  it("demote restores the state before promotion", async () => {
    const versions = JSON.stringify({ rocky_9_baseos: V2 });
    const { result } = await runPromotePackagesCli({ ...base(), kayobeConfig: undefined, versions, mode: "demote" }, env, quiet);
    expect(result.items.map((i) => [i.name, i.status, i.moves])).toEqual([["rocky_9_baseos", "demoted", [{ object: `rocky-9-baseos-${V2}`, from: "release", to: "development" }]]]);
    expect(await guardOf(`rocky-9-baseos-${V2}`, "rpm")).toBe("development");
    expect(await repomd("customer", V2)).toBe(403);
  });

  it("--json prints the result with its audit record on stdout", async () => {
    let out = "";
    await runPromotePackagesCli({ ...base(), json: true, dryRun: true }, env, (t) => {
      out += t;
    });
    const parsed = JSON.parse(out);
    expect(parsed).toMatchObject({ kind: "packages", dryRun: true, audit: { checkMode: true } });
    expect(parsed.items).toHaveLength(2);
  });
});

describe("x509 content guards from the emulator's Vault PKI", () => {
  let dir: string;
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("build certificates open both guards, client certificates only release; a re-run writes nothing", async () => {
    dir = await mkdtemp(join(tmpdir(), "promote-x509-"));
    const ark = await startEmulator(ADMIN);
    try {
      const config = await writeConfigDir(join(dir, "config"), { rpm: [], deb: [] });
      await writeFile(join(config, "dev-pulp-repos"), "---\ndev_pulp_content_guards_type: x509\n");
      const opts = { config, pulpUrl: ark.url, username: ADMIN.username, vaultUrl: ark.vaultUrl, vaultToken: ark.vault!.rootToken };
      const plan = await runContentGuardsCli(opts, env, quiet);
      expect(plan.items.map((i) => [i.name, i.action])).toEqual([
        ["release", "create"],
        ["development", "create"],
      ]);
      const client = new PulpClient({ baseUrl: ark.url, ...ADMIN });
      const vault = new VaultClient({ url: ark.vaultUrl, token: ark.vault!.rootToken });
      const repo = await client.repositories.rpm.create({ name: "r" });
      for (const guard of ["release", "development"]) {
        const g = await client.contentGuards.x509.findOne({ name: guard });
        await (await client.distributions.rpm.create({ name: guard, base_path: guard, repository: repo.pulp_href, content_guard: g!.pulp_href } as never)).wait();
      }
      const status = async (mount: string, role: string, path: string) => {
        const cert = await vault.issueCertificate(mount, role, { common_name: "host.example" });
        return (await fetch(`${ark.contentUrl}${path}/`, { headers: { "X-CLIENT-CERT": encodeURIComponent(cert.certificate) } })).status;
      };
      // 404: past the guard (the repository has no publication); 403: refused by the guard.
      expect(await status("pki_dev", "build", "development")).not.toBe(403);
      expect(await status("pki_dev", "build", "release")).not.toBe(403);
      expect(await status("pki_client", "client", "release")).not.toBe(403);
      expect(await status("pki_client", "client", "development")).toBe(403);
      ark.requestLog.length = 0;
      const again = await runContentGuardsCli(opts, env, quiet);
      expect(again.items.map((i) => i.action)).toEqual(["none", "none"]);
      expect(writes(ark)).toEqual([]);
      await client.close();
    } finally {
      await ark.stop();
    }
  });

  it("a guard CA expiring inside the window refuses before any write, naming the CA and its expiry", async () => {
    const ark = await startEmulator({ ...ADMIN, vault: { caTtlSeconds: 30 * 7 * 86_400 } });
    try {
      const config = await writeConfigDir(join(dir, "config2"), { rpm: [], deb: [] });
      await writeFile(join(config, "dev-pulp-repos"), "---\ndev_pulp_content_guards_type: x509\n");
      ark.requestLog.length = 0;
      const error = await runContentGuardsCli({ config, pulpUrl: ark.url, username: ADMIN.username, vaultUrl: ark.vaultUrl }, env, quiet).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(GuardRefusedError);
      expect((error as Error).message).toMatch(/CA "Release Train Client CA" \(Vault PKI mount pki_client, in guard release\) expires on \d{4}-\d\d-\d\dT.*within the 52-week window/);
      expect((error as Error).message).toMatch(/Release Train Development CA/);
      expect(writes(ark)).toEqual([]);
      // A narrower window lets it through.
      const plan = await runContentGuardsCli({ config, pulpUrl: ark.url, username: ADMIN.username, vaultUrl: ark.vaultUrl, caExpiryWindowWeeks: 4, dryRun: true }, env, quiet);
      expect(plan.items.map((i) => i.action)).toEqual(["create", "create"]);
    } finally {
      await ark.stop();
    }
  });
});

describe("x509 promotion through the real nginx front (curl with Vault-issued client certificates)", () => {
  it("a customer's certificate gets the promoted snapshot, a 403 on the unpromoted one, and a 403 again after demote", async () => {
    const run = promisify(execFile);
    const dir = await mkdtemp(join(tmpdir(), "promote-nginx-"));
    const up = await startUpstreams(join(dir, "upstream"));
    const ark = await startEmulator(ADMIN);
    const vault = ark.vault!;
    const server = await issueServerCertificate(vault);
    const proxy = await startNginxProxy({ upstream: ark.url, serverCert: server.certificate, serverKey: server.privateKey, clientCaBundle: vault.guardBundles().release });
    try {
      await up.rpm("baseos", [{ name: "alpha", version: "1.0" }]);
      const config = await writeConfigDir(join(dir, "config"), {
        rpm: [{ name: "Rocky", url: up.url("baseos"), base_path: "rocky/", short_name: "rocky", sync_group: "rocky", distribution_name: "rocky-" }],
        deb: [],
      });
      await writeFile(join(config, "dev-pulp-repos"), "---\ndev_pulp_content_guards_type: x509\n");
      const opts = { config, pulpUrl: ark.url, username: ADMIN.username, vaultUrl: ark.vaultUrl, vaultToken: vault.rootToken, summaryFile: join(dir, "s.md") };
      await runContentGuardsCli(opts, env, quiet);
      for (const version of [V1, V2]) {
        if (version === V2) await up.rpm("baseos", [{ name: "alpha", version: "1.1" }]);
        const r = await runSyncPackageReposCli({ config, pulpUrl: ark.url, username: ADMIN.username, target: "ark", version, concurrency: 1, summaryFile: join(dir, "s.md") } as SyncPackageReposCliOptions, env, quiet);
        expect(r.failed).toEqual([]);
      }
      const client = new VaultClient({ url: ark.vaultUrl, token: vault.rootToken });
      const cert = await client.issueCertificate("pki_client", "client", { common_name: "customer.example" });
      await writeFile(join(dir, "client.crt"), cert.certificate);
      await writeFile(join(dir, "client.key"), cert.privateKey);
      await writeFile(join(dir, "ca.crt"), server.caCertificate);
      const curl = async (version: string) =>
        (await run("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", join(dir, "ca.crt"), "--cert", join(dir, "client.crt"), "--key", join(dir, "client.key"), `${proxy.url}/pulp/content/rocky/${version}/repodata/repomd.xml`])).stdout;
      expect([await curl(V1), await curl(V2)]).toEqual(["403", "403"]);
      const { result } = await runPromotePackagesCli({ ...opts, versions: JSON.stringify({ rocky: V1 }) }, env, quiet);
      expect(result.items.map((i) => i.status)).toEqual(["promoted"]);
      expect([await curl(V1), await curl(V2)]).toEqual(["200", "403"]);
      await runPromotePackagesCli({ ...opts, versions: JSON.stringify({ rocky: V1 }), mode: "demote" }, env, quiet);
      expect(await curl(V1)).toBe("403");
    } finally {
      await proxy.stop();
      await ark.stop();
      await up.stop();
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
