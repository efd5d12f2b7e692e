// Issue 8, defects 4–13, each as a user meets it: the `release-train sync-package-repos` CLI (in
// process, a fresh commander program per call) against the emulator and real upstream repositories.
import { spawnSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PulpClient } from "@release-train/pulp-client";
import { type Emulator, startEmulator } from "@release-train/pulp-emulator";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { debPackageNames } from "../packages/release-train/src/demo/served-packages";
import { type ConfigEntry, startUpstreams, type Upstreams, writeConfigDir } from "../packages/release-train/src/demo/upstreams";
import { allPackageRepos, loadConfig } from "../packages/release-train/src/config";
import { pulpPort } from "../packages/release-train/src/sync/client-adapter";
import { syncPackageRepos } from "../packages/release-train/src/sync/run";
import { runCliInProcess } from "./cli-in-process";

const PASSWORD = "Pulp-s3cret-4d1e";
const BIN = join(import.meta.dirname, "..", "packages", "release-train", "bin", "release-train.mjs");
const auth = { authorization: `Basic ${Buffer.from(`admin:${PASSWORD}`).toString("base64")}` };

describe("sync-package-repos defects found trying it as a new user (issue 8, 4–13)", () => {
  let dir: string;
  let up: Upstreams;
  let emu: Emulator;
  let client: PulpClient;
  let n = 0;

  const rpm = (short: string, extra: ConfigEntry = {}): ConfigEntry => ({
    name: `Repo ${short}`,
    url: up.url("el9"),
    base_path: `${short}/`,
    short_name: short,
    sync_group: "el",
    distribution_name: `${short}-`,
    ...extra,
  });
  const deb = (short: string, extra: ConfigEntry = {}): ConfigEntry => ({
    name: `Repo ${short}`,
    url: up.url("jammy"),
    distributions: "stable",
    components: "main",
    architectures: "amd64",
    base_path: `${short}/`,
    short_name: short,
    sync_group: "ubuntu",
    distribution_name: `${short}-`,
    ...extra,
  });
  async function config(repos: { rpm?: ConfigEntry[]; deb?: ConfigEntry[] }, extraFiles: Record<string, string> = {}): Promise<string> {
    const path = await writeConfigDir(join(dir, `config-${++n}`), { rpm: repos.rpm ?? [], deb: repos.deb ?? [] });
    for (const [name, text] of Object.entries(extraFiles)) await writeFile(join(path, name), text);
    return path;
  }
  function cli(configDir: string, args: string[], env: Record<string, string> = {}) {
    const argv = ["sync-package-repos", "--config", configDir, "--pulp-url", emu.url, "--username", "admin", ...args];
    return runCliInProcess(argv, { GITHUB_ACTIONS: "", GITHUB_STEP_SUMMARY: "", PULP_PASSWORD: PASSWORD, ...env });
  }
  const writes = () => emu.requestLog.filter((e) => e.method !== "GET");

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "sync-defects-"));
    up = await startUpstreams(join(dir, "upstream"));
    await Promise.all([up.rpm("el9", [{ name: "alpha", version: "1.0" }]), up.deb("jammy", "stable", [{ name: "gamma", version: "1.0", arch: "amd64" }])]);
    emu = await startEmulator({ username: "admin", password: PASSWORD, knobs: { taskDurationMs: { sync: 300 } } });
    client = new PulpClient({ baseUrl: emu.url, username: "admin", password: PASSWORD });
    await client.contentGuards.rbac.create({ name: "development" });
    emu.requestLog.length = 0;
  }, 120_000);
  afterEach(() => {
    emu.requestLog.length = 0;
  });
  afterAll(async () => {
    await client?.close();
    await emu?.stop();
    await up?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("4: a Deb mode changed from simple to structured is published anew, and the snapshot serves dists/stable/", async () => {
    const night1 = await cli(await config({ deb: [deb("modes", { mode: "simple" })] }), ["--version", "20261201T000000"]);
    expect(night1.code, night1.stderr).toBe(0);
    const structured = await config({ deb: [deb("modes", { mode: "structured" })] });
    const dry = await cli(structured, ["--version", "20261202T000000", "--dry-run"]);
    expect(dry.stdout).toContain("publish: deb-apt of the new version (the latest version has no such publication)");
    const night2 = await cli(structured, ["--version", "20261202T000000"]);
    expect(night2.code, night2.stderr).toBe(0);
    expect(night2.stdout).toMatch(/modes: changed → snapshot 20261202T000000/);
    expect(await debPackageNames(`${emu.contentUrl}modes/20261202T000000/`, "stable", "main", auth)).toEqual(["gamma"]);
    // The earlier (simple) snapshot is untouched.
    expect(await debPackageNames(`${emu.contentUrl}modes/20261201T000000/`, "default", "all", auth)).toEqual(["gamma"]);
  }, 60_000);

  it("5: {{ var }} in an entry is evaluated from the directory's variables; other Jinja fails at file:line before any write", async () => {
    const mirror = up.url("el9").replace(/el9\/$/, "");
    const vars = { mirrors: `---\nmirror_root: "${mirror}"\nprefix: Local\n` };
    const ok = await cli(await config({ rpm: [rpm("jinja", { url: "{{ mirror_root }}el9/", name: "{{ prefix | default('Upstream') }} el9" })] }, vars), [
      "--version",
      "20261201T000000",
    ]);
    expect(ok.code, ok.stderr).toBe(0);
    expect((await client.remotes.rpm.findOne({ name: "Local el9-remote" }))?.url).toBe(up.url("el9"));
    emu.requestLog.length = 0;
    const bad = await cli(await config({ rpm: [rpm("jinja2", { url: "{{ mirror_root | urlsplit('path') }}" })] }, vars), ["--version", "20261201T000000"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/rpm-package-repos:\d+:\d+: rpm_package_repos\[0\]\.url: "\{\{ mirror_root \| urlsplit\('path'\) \}\}" is not supported here/);
    expect(emu.requestLog).toEqual([]);
  }, 60_000);

  it("6: a selected Deb entry without distributions stops the run at its file:line before anything is read or written", async () => {
    const noDists = deb("nodists");
    delete noDists.distributions;
    const res = await cli(await config({ rpm: [rpm("fine")], deb: [noDists] }), ["--version", "20261201T000000"]);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/deb-package-repos:\d+:\d+: deb_package_repos\[0\]\.distributions: is required unless sync is false/);
    expect(emu.requestLog).toEqual([]);
    // Another group of the same configuration still syncs.
    expect((await cli(await config({ rpm: [rpm("fine")], deb: [noDists] }), ["--sync-group", "el", "--version", "20261201T000000"])).code).toBe(0);
  }, 60_000);

  it("7: a sync group or filter matching nothing exits 1 naming it (a typo is not a green no-op)", async () => {
    const dirWithEl = await config({ rpm: [rpm("el9x")] });
    const group = await cli(dirWithEl, ["--sync-group", "eel"]);
    expect(group.code).toBe(1);
    expect(group.stderr).toContain('no package repository matches sync group "eel" (sync groups: el)');
    const filter = await cli(dirWithEl, ["--filter", "centos"]);
    expect(filter.code).toBe(1);
    expect(filter.stderr).toContain('no package repository matches filter "centos"');
    expect(emu.requestLog).toEqual([]);
  });

  it("8: --target test without --ark-url is refused up front; an Ark 401 says it came from Ark", async () => {
    const cfg = await config({ rpm: [rpm("arkless")] });
    const missing = await cli(cfg, ["--target", "test", "--ark-content-url", emu.contentUrl]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("--target test needs --ark-url to find Ark's newest snapshots (or --versions pinning every repository; not pinned: arkless)");
    expect(emu.requestLog).toEqual([]);
    const denied = await cli(cfg, ["--target", "test", "--ark-url", emu.url, "--ark-username", "admin", "--ark-password", "wrong"]);
    expect(denied.code).toBe(1);
    expect(denied.stderr).toMatch(new RegExp(`Ark \\(${emu.url}\\): GET .* → 401`));
    expect(writes()).toEqual([]);
  }, 60_000);

  it("9: a Pulp that never answers: said at once, --request-timeout bounds each request, the option is named", async () => {
    const sockets: import("node:net").Socket[] = [];
    const silent: Server = createServer((s) => sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    const port = (silent.address() as import("node:net").AddressInfo).port;
    try {
      const started = Date.now();
      const res = await runCliInProcess(
        ["sync-package-repos", "--config", await config({ rpm: [rpm("silent")] }), "--pulp-url", `http://127.0.0.1:${port}`, "--username", "a", "--request-timeout", "1"],
        { GITHUB_ACTIONS: "", GITHUB_STEP_SUMMARY: "", PULP_PASSWORD: "p" },
      );
      expect(res.code).toBe(1);
      expect(res.stdout.split("\n")[0]).toMatch(/^1 repositories → ark Pulp http:\/\/127\.0\.0\.1:\d+, version \d{8}T\d{6}: reading current state…$/);
      expect(res.stdout).toMatch(/warning: GET .* got no answer within 1 s \(--request-timeout\), attempt 1/);
      expect(res.stderr).toContain("timed out after 1000 ms");
      // Four attempts of 1 s plus backoff, not minutes.
      expect(Date.now() - started).toBeLessThan(20_000);
    } finally {
      for (const s of sockets) s.destroy();
      silent.close();
    }
  }, 60_000);

  it("10: a summary that cannot be written is a warning after versions and --output are written; the run still succeeds", async () => {
    const output = join(dir, "result-10.json");
    const res = await cli(await config({ rpm: [rpm("summary10")] }), [
      "--version",
      "20261201T000000",
      "--summary-file",
      join(dir, "no-such-dir", "summary.md"),
      "--output",
      output,
    ]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain('versions: {"summary10":"20261201T000000"}');
    expect(res.stdout).toMatch(/warning: could not write the job summary to .*no-such-dir\/summary\.md: ENOENT/);
    expect(JSON.parse(await readFile(output, "utf8")).versions).toEqual({ summary10: "20261201T000000" });
  }, 60_000);

  it("--json prints the result as one JSON object on stdout, the human output on stderr", async () => {
    const res = await cli(await config({ rpm: [rpm("json1")] }), ["--version", "20261201T000000", "--json", "--dry-run"]);
    expect(res.code, res.stderr).toBe(0);
    const result = JSON.parse(res.stdout);
    expect(result).toMatchObject({ dryRun: true, target: "ark", version: "20261201T000000" });
    expect(result.results.map((r: { shortName: string }) => r.shortName)).toEqual(["json1"]);
    expect(res.stderr).toContain("Plan for ark (1 repositories) — dry run");
  });

  it("11: bad URLs, missing files, inline values and a key passed as the certificate name the option", async () => {
    const cfg = await config({ rpm: [rpm("opts")] });
    // commander rejects the option while parsing (and exits): run the real binary.
    const url = spawnSync(process.execPath, [BIN, "sync-package-repos", "--config", cfg, "--pulp-url", "not-a-url", "--username", "a"], { encoding: "utf8" });
    expect(url.status).toBe(1);
    expect(url.stderr).toContain("option '--pulp-url <url>' argument 'not-a-url' is invalid. must be an http(s) URL");
    const cert = await cli(cfg, ["--client-cert", join(dir, "nope.crt")]);
    expect(cert.stderr).toContain(`--client-cert: cannot read "${join(dir, "nope.crt")}": no such file`);
    const versions = await cli(cfg, ["--target", "test", "--ark-url", emu.url, "--versions", join(dir, "nope.json")]);
    expect(versions.stderr).toContain(`--versions: cannot read "${join(dir, "nope.json")}": no such file`);
    const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const keyFile = join(dir, "client.key");
    await writeFile(keyFile, privateKey.export({ type: "pkcs8", format: "pem" }));
    const swapped = await cli(cfg, ["--client-cert", keyFile, "--client-key", keyFile]);
    expect(swapped.code).toBe(1);
    expect(swapped.stderr).toContain(`--client-cert "${keyFile}" holds a private key, not a certificate`);
    expect(swapped.stderr).not.toContain("BEGIN PRIVATE KEY");
    const kayobe = await runCliInProcess(["kayobe-update", "--config", cfg, "--kayobe-config", dir, "--versions", "[1]"]);
    expect(kayobe.code).toBe(1);
    expect(kayobe.stderr).toContain("--versions must be a mapping of short_name to version, got [1]");
    expect(emu.requestLog).toEqual([]);
  }, 60_000);

  it("12: sync: false on a repository Pulp lacks creates nothing, publishes nothing and is not in versions", async () => {
    const res = await cli(await config({ rpm: [rpm("uploaded", { sync: false }), rpm("synced12")] }), ["--version", "20261201T000000"]);
    expect(res.code).toBe(1);
    expect(res.stdout).toContain('repository "Repo uploaded" does not exist in Pulp and sync is false: nothing to publish');
    expect(res.stdout).toContain('versions: {"synced12":"20261201T000000"}');
    expect(await client.repositories.rpm.findOne({ name: "Repo uploaded" })).toBeUndefined();
    expect(await client.distributions.rpm.findOne({ name: "uploaded-20261201T000000" })).toBeUndefined();
  }, 60_000);

  it("13: in a pipe, each repository's steps appear as they happen; failures name their step; re-attach is said the same way", async () => {
    const cfg = await config({ rpm: [rpm("progress"), rpm("missing13", { url: up.url("missing") })] });
    const stateFile = join(dir, "state-13.json");
    const res = await cli(cfg, ["--version", "20261203T000000", "--state-file", stateFile]);
    expect(res.code).toBe(1);
    const lines = res.stdout.split("\n");
    const created = lines.findIndex((l) => l === "  progress: created remote Repo progress-remote");
    const finished = lines.findIndex((l) => /^\[\d\/2\] progress: changed/.test(l));
    expect(created).toBeGreaterThan(0);
    expect(finished).toBeGreaterThan(created);
    expect(res.stdout).toMatch(/\[\d\/2\] missing13: FAILED .*\n {4}sync: task failed: /);
    // Re-attach, in the same words as in Actions groups: a job that gave up waiting, then a re-run.
    emu.knobs.taskDurationMs.sync = 2500;
    try {
      const slow = await config({ rpm: [rpm("reattach")] });
      const entries = allPackageRepos(await loadConfig(slow));
      const gaveUp = await syncPackageRepos({
        pulp: pulpPort(client),
        entries,
        target: "ark",
        version: "20261204T000000",
        contentGuard: "development",
        stateFile,
        polling: { initialDelayMs: 50, syncInitialDelayMs: 50, timeoutMs: 300 },
      });
      expect(gaveUp.failed[0]?.error).toMatch(/^sync: timed out waiting for task/);
      const rerun = await cli(slow, ["--version", "20261204T000000", "--state-file", stateFile]);
      expect(rerun.code, rerun.stderr).toBe(0);
      expect(rerun.stdout).toMatch(/^ {2}reattach: sync: re-attached to running task \/pulp\/api\/v3\/tasks\/[^/]+\/$/m);
      const actions = await cli(slow, ["--version", "20261204T000000", "--state-file", stateFile], { GITHUB_ACTIONS: "true" });
      expect(actions.stdout).toMatch(/^sync: completed earlier in this run \(task \/pulp\/api\/v3\/tasks\/[^)]+\), not dispatched again$/m);
    } finally {
      emu.knobs.taskDurationMs.sync = 300;
    }
  }, 60_000);
});
