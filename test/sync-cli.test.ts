// `release-train sync-package-repos` through the real commander program: config directory in, plan/progress/summary/
// versions out, exit code 1 when any repository failed, secrets never printed.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PulpClient } from "@release-train/pulp-client";
import { type Emulator, startEmulator } from "@release-train/pulp-emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startUpstreams, type Upstreams, writeConfigDir } from "../packages/release-train/src/demo/upstreams";
import { runCliInProcess } from "./cli-in-process";

const PASSWORD = "Pulp-s3cret-9f2c";

describe("release-train sync-package-repos (CLI)", () => {
  let dir: string;
  let up: Upstreams;
  let emu: Emulator;
  let config: string;

  /** Runs the CLI in-process (a fresh commander program each time), capturing output and exit code. */
  function cli(args: string[], env: Record<string, string> = {}) {
    const argv = ["sync-package-repos", "--config", config, "--pulp-url", emu.url, "--username", "admin", ...args];
    return runCliInProcess(argv, { GITHUB_ACTIONS: "", GITHUB_STEP_SUMMARY: "", PULP_PASSWORD: PASSWORD, ...env });
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "sync-cli-"));
    up = await startUpstreams(join(dir, "upstream"));
    await up.rpm("el9", [{ name: "alpha", version: "1.0" }]);
    emu = await startEmulator({ username: "admin", password: PASSWORD });
    const client = new PulpClient({ baseUrl: emu.url, username: "admin", password: PASSWORD });
    await client.contentGuards.rbac.create({ name: "development" });
    await client.close();
    const rpm = (short: string, url: string, group: string) => ({
      name: `Repo ${short}`,
      url,
      base_path: `${short}/`,
      short_name: short,
      sync_group: group,
      distribution_name: `${short}-`,
    });
    config = await writeConfigDir(join(dir, "config"), {
      rpm: [rpm("el9", up.url("el9"), "el"), rpm("broken", up.url("missing"), "broken"), rpm("other", up.url("el9"), "other")],
      deb: [],
    });
  }, 120_000);

  afterAll(async () => {
    await emu?.stop();
    await up?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("--dry-run prints the plan, writes nothing to Pulp and summarises what it would do", async () => {
    const summary = join(dir, "dry-summary.md");
    emu.requestLog.length = 0;
    const res = await cli(["--dry-run", "--filter", "el9 broken", "--version", "20261125T200000"], { GITHUB_STEP_SUMMARY: summary });
    expect(res.code).toBe(0);
    expect(res.stdout).toContain("Plan for ark (2 repositories) — dry run, nothing will be written");
    expect(res.stdout).toContain("distribute: el9-20261125T200000 at el9/20261125T200000 guard=development");
    expect(res.stdout).not.toContain("other");
    expect(emu.requestLog.filter((e) => e.method !== "GET")).toEqual([]);
    expect(await readFile(summary, "utf8")).toContain("| el9 | rpm | yes |");
  }, 60_000);

  it("keeps going past a failing repository, groups logs per repository in Actions and exits 1", async () => {
    const summary = join(dir, "summary.md");
    const output = join(dir, "result.json");
    const res = await cli(["--version", "20261125T200000", "--output", output, "--sync-group", ""], {
      GITHUB_ACTIONS: "true",
      GITHUB_STEP_SUMMARY: summary,
    });
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/::group::el9: changed → snapshot 20261125T200000/);
    expect(res.stdout).toMatch(/::group::broken: FAILED/);
    expect(res.stdout).toMatch(/::error title=broken::sync: task failed: .*404/);
    expect(res.stdout).toContain('versions: {"el9":"20261125T200000","other":"20261125T200000"}');
    expect(res.stdout + res.stderr).not.toContain(PASSWORD);
    const markdown = await readFile(summary, "utf8");
    expect(markdown).toContain("3 repositories: 2 changed, 0 unchanged, 1 failed.");
    expect(markdown).toMatch(/\| ❌ broken \| rpm \|/);
    const result = JSON.parse(await readFile(output, "utf8"));
    expect(result.failed.map((r: { shortName: string }) => r.shortName)).toEqual(["broken"]);
  }, 60_000);

  it("rejects an invalid --version before touching Pulp", async () => {
    emu.requestLog.length = 0;
    const res = await cli(["--version", "20261131T000000"]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain("not a real date and time");
    expect(emu.requestLog).toEqual([]);
  }, 60_000);

  it("rejects a pinned --versions entry that is not a snapshot version (an empty one was taken as now)", async () => {
    emu.requestLog.length = 0;
    const target = ["--target", "test", "--ark-content-url", `${emu.contentUrl}/`];
    const empty = await cli([...target, "--versions", '{"el9": ""}']);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toContain('--versions: not a YYYYMMDDTHHMMSS version: el9: ""');
    const notJson = await cli([...target, "--versions", '{"el9": 20261125T200000']);
    expect(notJson.code).toBe(1);
    expect(notJson.stderr).toContain("--versions: cannot parse");
    expect(emu.requestLog).toEqual([]);
  }, 60_000);
});
