// The bundled sync-package-repos action against two Pulp emulators ("Ark" and "test") syncing a
// real upstream RPM repository (rpmbuild + createrepo_c), run as a GitHub runner runs it.
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
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
      config,
      target: "test",
      "pulp-url": test.url,
      "pulp-username": ADMIN.username,
      "pulp-password": ADMIN.password,
      "ark-content-url": ark.contentUrl,
      "ark-username": ADMIN.username,
      "ark-password": ADMIN.password,
      "sync-group": "group_alpha",
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

  it("fails with Pulp's answer when the credentials are wrong, without printing them", async () => {
    const secret = "Wr0ng-Pa55word";
    const run = await runAction("sync-package-repos", { ...arkInputs(), "pulp-password": secret });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^::error::.*401/m);
    const withSecret = `${run.stdout}${run.stderr}`.split("\n").filter((l) => l.includes(secret));
    expect(withSecret).toEqual([`::add-mask::${secret}`]);
  });
});
