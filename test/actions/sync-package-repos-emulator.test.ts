// The bundled sync-package-repos action against two Pulp emulators ("Ark" and "test") syncing a
// real upstream RPM repository (rpmbuild + createrepo_c), run as a GitHub runner runs it.
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PulpClient } from "@release-train/pulp-client";
import { type Emulator, startEmulator } from "@release-train/pulp-emulator";
import { buildRpmRepo, type ServedDirectory, serveDirectory } from "@release-train/pulp-emulator/fixtures";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { runAction } from "./run-action";

const ADMIN = { username: "admin", password: "password" };
const basic = `Basic ${Buffer.from(`${ADMIN.username}:${ADMIN.password}`).toString("base64")}`;
const VERSION = "20261125T031500";

describe("sync-package-repos action against the Pulp emulator", () => {
  let dir: string;
  let upstream: ServedDirectory;
  let ark: Emulator;
  let test: Emulator;
  let config: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "sync-action-e2e-"));
    await buildRpmRepo(join(dir, "upstream", "alpha"), [{ name: "alpha", version: "1.0" }]);
    await buildRpmRepo(join(dir, "upstream", "beta"), [{ name: "beta", version: "1.0" }]);
    upstream = await serveDirectory(join(dir, "upstream"));
    [ark, test] = await Promise.all([startEmulator(ADMIN), startEmulator(ADMIN)]);
    const client = new PulpClient({ baseUrl: ark.url, ...ADMIN });
    await client.contentGuards.rbac.create({ name: "development" });
    await client.close();

    config = join(dir, "config");
    await mkdir(config);
    const repo = (name: string) => ({
      name: `Repo ${name}`,
      url: `${upstream.url}${name}/`,
      base_path: `${name}/`,
      short_name: name,
      sync_group: `group_${name}`,
      distribution_name: `${name}-`,
    });
    await writeFile(join(config, "rpm-package-repos"), stringify({ rpm_package_repos: [repo("alpha"), repo("beta")] }));
    await writeFile(join(config, "deb-package-repos"), stringify({ deb_package_repos: [] }));
  }, 180_000);

  afterAll(async () => {
    await Promise.all([ark?.stop(), test?.stop(), upstream?.stop()]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** The test Pulp synced from Ark's content app, as the same Ark user. */
  const testInputs = () => ({
    config,
    target: "test",
    "pulp-url": test.url,
    "pulp-username": ADMIN.username,
    "pulp-password": ADMIN.password,
    "ark-content-url": ark.contentUrl,
    "ark-username": ADMIN.username,
    "ark-password": ADMIN.password,
    "sync-group": "group_alpha",
  });

  const arkInputs = () => ({
    config,
    "pulp-url": ark.url,
    "pulp-username": ADMIN.username,
    "pulp-password": ADMIN.password,
    "sync-group": "group_alpha",
    version: VERSION,
  });

  it("check-mode prints the plan and writes nothing", async () => {
    ark.requestLog.length = 0;
    const run = await runAction("sync-package-repos", { ...arkInputs(), "check-mode": "true" });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(ark.requestLog.length).toBeGreaterThan(0);
    expect(ark.requestLog.filter((e) => e.method !== "GET")).toEqual([]);
    expect(run.stdout).toContain("alpha");
    expect(run.stdout).not.toContain("beta");
    expect(JSON.parse(run.outputs["failed"] ?? "null")).toEqual([]);
  });

  it("syncs the selected group into Ark: outputs, job summary, guarded snapshot", async () => {
    const run = await runAction("sync-package-repos", { ...arkInputs(), "state-file": join(dir, "state.json") });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.outputs["versions"] ?? "null")).toEqual({ alpha: VERSION });
    expect(JSON.parse(run.outputs["failed"] ?? "null")).toEqual([]);
    const tasks = JSON.parse(run.outputs["tasks"] ?? "null") as Record<string, string[]>;
    expect(Object.keys(tasks)).toEqual(["alpha"]);
    expect(tasks["alpha"]?.every((href) => href.startsWith("/pulp/api/v3/tasks/"))).toBe(true);
    expect(run.stdout).toMatch(/^::group::alpha/m);
    expect(run.summary).toContain("alpha");
    expect(run.summary).toContain(VERSION);
    // The state file records what was dispatched, for a re-run to re-attach.
    expect(await readFile(join(dir, "state.json"), "utf8")).toContain(tasks["alpha"]?.[0]);

    const repomd = `${ark.contentUrl}alpha/${VERSION}/repodata/repomd.xml`;
    expect((await fetch(repomd)).status).toBe(403);
    expect((await fetch(repomd, { headers: { authorization: basic } })).status).toBe(200);
    expect((await fetch(`${ark.contentUrl}beta/${VERSION}/repodata/repomd.xml`, { headers: { authorization: basic } })).status).toBe(404);
  });

  it("syncs the test Pulp from Ark's snapshot and writes the versions into a kayobe-config checkout", async () => {
    const kayobe = join(dir, "kayobe-config");
    await mkdir(join(kayobe, "etc", "kayobe"), { recursive: true });
    await writeFile(join(kayobe, "etc", "kayobe", "pulp-repo-versions.yml"), "---\nstackhpc_pulp_repo_alpha_version: 20200101T000000\n");
    const run = await runAction("sync-package-repos", {
      ...testInputs(),
      "pinned-versions": JSON.stringify({ alpha: VERSION }),
      "kayobe-config": kayobe,
    });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.outputs["versions"] ?? "null")).toEqual({ alpha: VERSION });
    // Same base path and version as in Ark, unguarded in the test Pulp.
    expect((await fetch(`${test.contentUrl}alpha/${VERSION}/repodata/repomd.xml`)).status).toBe(200);
    expect(await readFile(join(kayobe, "etc", "kayobe", "pulp-repo-versions.yml"), "utf8")).toContain(
      `stackhpc_pulp_repo_alpha_version: ${VERSION}`,
    );
  });

  it("with a github-token, pushes a branch and opens a pull request against the checkout's branch", async () => {
    // kayobe-config checkout as actions/checkout leaves it: origin on GitHub, a branch checked out.
    // Pushes go to a local bare repository instead (pushInsteadOf leaves `remote get-url` alone).
    const bare = join(dir, "kayobe-config.git");
    const checkout = join(dir, "kayobe-checkout");
    const sh = (cwd: string, ...args: string[]) => execFileSync("git", args, { cwd, encoding: "utf8" }).trim();
    await mkdir(join(checkout, "etc", "kayobe"), { recursive: true });
    sh(dir, "init", "-q", "--bare", bare);
    sh(checkout, "init", "-q", "-b", "stackhpc/2025.1");
    await writeFile(join(checkout, "etc", "kayobe", "pulp-repo-versions.yml"), "---\nstackhpc_pulp_repo_alpha_version: 20200101T000000\n");
    sh(checkout, "add", ".");
    sh(checkout, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "init");
    sh(checkout, "remote", "add", "origin", "https://github.com/acme/kayobe-config");
    sh(checkout, "config", `url.${bare}.pushInsteadOf`, "https://github.com/acme/kayobe-config");

    // A stand-in for GitHub's REST API: POST /repos/{owner}/{repo}/pulls.
    const requests: { method?: string; url?: string; headers: IncomingHttpHeaders; body: Record<string, unknown> }[] = [];
    const api = createServer((req, res) => {
      let text = "";
      req.on("data", (chunk) => {
        text += chunk;
      });
      req.on("end", () => {
        requests.push({ method: req.method, url: req.url, headers: req.headers, body: JSON.parse(text || "{}") });
        res.writeHead(201, { "content-type": "application/json" });
        res.end(JSON.stringify({ number: 7, html_url: "https://github.com/acme/kayobe-config/pull/7", state: "open" }));
      });
    });
    await new Promise<void>((resolve) => api.listen(0, "127.0.0.1", resolve));
    try {
      const token = "ghs_Fake7oken";
      const run = await runAction(
        "sync-package-repos",
        {
          ...testInputs(),
          version: "20261126T000000",
          "pinned-versions": JSON.stringify({ alpha: VERSION }),
          "kayobe-config": checkout,
          "github-token": token,
        },
        { env: { GITHUB_API_URL: `http://127.0.0.1:${(api.address() as AddressInfo).port}` } },
      );
      expect(run.code).toBe(0);
      expect(run.stdout).toContain("::notice::kayobe-config pull request: https://github.com/acme/kayobe-config/pull/7");
      expect(requests).toHaveLength(1);
      expect(requests[0]).toMatchObject({ method: "POST", url: "/repos/acme/kayobe-config/pulls" });
      expect(requests[0]?.headers.authorization).toBe(`token ${token}`);
      const branch = "release-train/pulp-repo-versions-20261126T000000";
      expect(requests[0]?.body).toMatchObject({ head: branch, base: "stackhpc/2025.1" });
      expect(sh(dir, "--git-dir", bare, "show", `${branch}:etc/kayobe/pulp-repo-versions.yml`)).toContain(
        `stackhpc_pulp_repo_alpha_version: ${VERSION}`,
      );
      expect(`${run.stdout}${run.stderr}`.split("\n").filter((l) => l.includes(token))).toEqual([`::add-mask::${token}`]);
    } finally {
      await new Promise((resolve) => api.close(resolve));
    }
  });

  it("fails with Pulp's answer when the credentials are wrong, without printing them", async () => {
    const secret = "Wr0ng-Pa55word";
    const run = await runAction("sync-package-repos", { ...arkInputs(), "pulp-password": secret });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^::error::.*401/m);
    const withSecret = `${run.stdout}${run.stderr}`.split("\n").filter((l) => l.includes(secret));
    expect(withSecret).toEqual([`::add-mask::${secret}`]);
  });
});
