// The nightly package sync under faults, as a reliability engineer would try it: 10 real upstream
// repositories (7 RPM, 3 Deb), the emulator answering 5% of API requests 503, dropping 5% of
// connections before doing anything, losing 2% of answers after doing the work, and failing 5% of
// tasks; then the CLI SIGKILLed at 10 seeded random points, each followed by re-runs with the same
// --version and --state-file. Every end state must equal the fault-free night's, with no object
// made twice and no repository synced again once a sync of the night had completed.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PulpClient } from "@release-train/pulp-client";
import { type Emulator, type KnobsInput, startEmulator } from "@release-train/pulp-emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allPackageRepos, loadConfig } from "../packages/release-train/src/config";
import { debPackageNames, rpmPackageNames } from "../packages/release-train/src/demo/served-packages";
import { startUpstreams, type Upstreams, writeConfigDir } from "../packages/release-train/src/demo/upstreams";
import { pulpPort } from "../packages/release-train/src/sync/client-adapter";
import { syncPackageRepos } from "../packages/release-train/src/sync/run";
import type { PackageRepoEntry } from "../packages/release-train/src/sync/types";
import { type NightState, nightState, seeded, syncTasks } from "./pulp-state";

const ADMIN = { username: "admin", password: "password" };
const VERSION = "20261201T020000";
const BIN = join(import.meta.dirname, "..", "packages", "release-train", "bin", "release-train.mjs");
/** Syncs long enough that kill points land while tasks run. */
const TIMING: KnobsInput = { workers: 4, taskDurationMs: { sync: 400, publish: 100, default: 30 } };
const FAULTS: KnobsInput = { http5xxRate: 0.05, dropConnectionRate: 0.05, lostResponseRate: 0.02, taskFailureRate: 0.05 };
const polling = { initialDelayMs: 50, syncInitialDelayMs: 200, maxDelayMs: 300 };
/** Trials of the fault mix (more with SYNC_FAULT_TRIALS, for measuring). */
const TRIALS = Number(process.env["SYNC_FAULT_TRIALS"] ?? 6);
const fastRetry = { retries: 4, minDelayMs: 20, maxDelayMs: 200 };

const RPM = ["el9-base", "el9-appstream", "el9-extras", "el8-base", "el8-appstream", "epel9", "docker-el9"];
const DEB = [
  { short: "ubuntu-jammy", mode: "simple" },
  { short: "ubuntu-noble", mode: "simple" },
  { short: "docker-jammy", mode: "verbatim" },
];

describe("nightly package sync under faults and SIGKILL (10 repositories)", () => {
  let dir: string;
  let up: Upstreams;
  let config: string;
  let entries: PackageRepoEntry[];
  let expected: NightState;
  let expectedServed: Record<string, string[]>;
  let faultFreeMs = 0;
  let faultFreeTasks = 0;

  async function emulator(knobs: KnobsInput): Promise<{ emu: Emulator; client: PulpClient }> {
    const emu = await startEmulator({ ...ADMIN, knobs: TIMING });
    const client = new PulpClient({ baseUrl: emu.url, ...ADMIN });
    await client.contentGuards.rbac.create({ name: "development" });
    // Faults from here on: only the night's runs meet them.
    Object.assign(emu.knobs, knobs);
    return { emu, client };
  }

  /** One run of the CLI as a separate process; `killAfterMs` SIGKILLs it. */
  function cli(emu: Emulator, stateFile: string, killAfterMs?: number): Promise<{ code: number | null; ms: number; out: string }> {
    const args = [BIN, "sync-package-repos", "--config", config, "--pulp-url", emu.url, "--username", "admin"];
    args.push("--version", VERSION, "--state-file", stateFile, "--summary-file", join(dir, "summary.md"));
    const started = Date.now();
    const child = spawn(process.execPath, args, {
      env: { ...process.env, PULP_PASSWORD: ADMIN.password, GITHUB_ACTIONS: "", GITHUB_STEP_SUMMARY: "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    const collect = (chunk: unknown) => {
      out += String(chunk);
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    const timer = killAfterMs === undefined ? undefined : setTimeout(() => child.kill("SIGKILL"), killAfterMs);
    return new Promise((resolve) => {
      child.on("exit", (code) => {
        clearTimeout(timer);
        resolve({ code, ms: Date.now() - started, out });
      });
    });
  }

  async function servedPackages(emu: Emulator): Promise<Record<string, string[]>> {
    const auth = { authorization: `Basic ${Buffer.from(`${ADMIN.username}:${ADMIN.password}`).toString("base64")}` };
    const served: Record<string, string[]> = {};
    for (const short of RPM) served[short] = await rpmPackageNames(`${emu.contentUrl}${short}/${VERSION}/`, auth);
    for (const { short, mode } of DEB) {
      const [dist, component] = mode === "simple" ? ["default", "all"] : ["stable", "main"];
      served[short] = await debPackageNames(`${emu.contentUrl}${short}/${VERSION}/`, dist as string, component as string, auth);
    }
    return served;
  }

  async function expectNightLikeFaultFree(emu: Emulator, client: PulpClient): Promise<void> {
    emu.knobs.http5xxRate = emu.knobs.dropConnectionRate = emu.knobs.lostResponseRate = emu.knobs.taskFailureRate = 0;
    expect(await nightState(client)).toEqual(expected);
    // Every distribution of the night serves the upstream packages (never an empty version).
    expect(await servedPackages(emu)).toEqual(expectedServed);
    const syncs = await syncTasks(client);
    expect(syncs.repeated).toEqual([]);
    for (const counts of Object.values(syncs.byRepository)) expect(counts.completed).toBe(1);
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "sync-faults-"));
    up = await startUpstreams(join(dir, "upstream"));
    await Promise.all([
      ...RPM.map((short) =>
        up.rpm(short, [
          { name: "common-tools", version: "1.0" },
          { name: `${short}-release`, version: "1.0" },
        ]),
      ),
      ...DEB.map(({ short }) =>
        up.deb(short, "stable", [
          { name: "common-tools", version: "1.0", arch: "amd64" },
          { name: `${short}-keyring`, version: "1.0" },
        ]),
      ),
    ]);
    const rpm = RPM.map((short) => ({ name: `Repo ${short}`, url: up.url(short), base_path: `${short}/`, short_name: short.replace(/-/g, "_"), sync_group: "nightly", distribution_name: `${short}-` }));
    const deb = DEB.map(({ short, mode }) => ({
      name: `Repo ${short}`,
      url: up.url(short),
      distributions: "stable",
      components: "main",
      architectures: "amd64",
      mode,
      base_path: `${short}/`,
      short_name: short.replace(/-/g, "_"),
      sync_group: "nightly",
      distribution_name: `${short}-`,
    }));
    config = await writeConfigDir(join(dir, "config"), { rpm, deb });
    entries = allPackageRepos(await loadConfig(config));

    // The fault-free night, through the CLI as the killed runs will be.
    const { emu, client } = await emulator({});
    try {
      const run = await cli(emu, join(dir, "fault-free.json"));
      expect(run.code, run.out).toBe(0);
      faultFreeMs = run.ms;
      faultFreeTasks = (await client.tasks.listAll()).length;
      expected = await nightState(client);
      expect(expected.distributions).toHaveLength(10);
      const served = await servedPackages(emu);
      expectedServed = served;
      for (const short of RPM) expect(served[short]).toEqual(["common-tools", `${short}-release`]);
      for (const { short } of DEB) expect(served[short]).toEqual(["common-tools", `${short}-keyring`]);
      const syncs = await syncTasks(client);
      expect(Object.values(syncs.byRepository).map((c) => c.completed)).toEqual(Array(10).fill(1));
    } finally {
      await client.close();
      await emu.stop();
    }
  }, 240_000);

  afterAll(async () => {
    await up?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("under the fault mix one run converges in most trials, always to the fault-free end state", async () => {
    const runsNeeded: number[] = [];
    const failuresPerRun: number[][] = [];
    const tasksPerTrial: number[] = [];
    for (let trial = 0; trial < TRIALS; trial++) {
      const { emu, client } = await emulator({ ...FAULTS, random: seeded(1000 + trial) });
      // The runner's own client goes through the faults; the checking client does not.
      const runner = new PulpClient({ baseUrl: emu.url, ...ADMIN, retry: fastRetry });
      const stateFile = join(dir, `trial-${trial}.json`);
      const failures: number[] = [];
      try {
        for (let n = 1; n <= 6; n++) {
          const run = await syncPackageRepos({ pulp: pulpPort(runner), entries, target: "ark", version: VERSION, contentGuard: "development", stateFile, polling });
          failures.push(run.failed.length);
          for (const r of run.failed) console.log(`trial ${trial} run ${n}: ${r.shortName}: ${r.error} (tasks ${r.tasks.join(" ")})`);
          if (run.failed.length === 0) break;
        }
        await expectNightLikeFaultFree(emu, client);
        tasksPerTrial.push((await client.tasks.listAll()).length);
      } finally {
        await runner.close();
        await client.close();
        await emu.stop();
      }
      runsNeeded.push(failures.length);
      failuresPerRun.push(failures);
    }
    console.log(
      `fault mix: runs needed per trial ${JSON.stringify(runsNeeded)}, failures per run ${JSON.stringify(failuresPerRun)}, ` +
        `Pulp tasks per trial ${JSON.stringify(tasksPerTrial)} (fault-free ${faultFreeTasks})`,
    );
    expect(runsNeeded.filter((n) => n === 1).length).toBeGreaterThanOrEqual(4);
    expect(Math.max(...runsNeeded)).toBeLessThanOrEqual(3);
  }, 300_000);

  it("SIGKILL at 10 seeded random points, each followed by re-runs: the fault-free end state, nothing made or synced twice", async () => {
    const random = seeded(42);
    const kills = Array.from({ length: 10 }, () => Math.round(300 + random() * Math.max(faultFreeMs, 2000)));
    const reruns: number[] = [];
    let midRun = 0;
    for (const [i, killAfterMs] of kills.entries()) {
      const { emu, client } = await emulator({ ...FAULTS, random: seeded(7000 + i) });
      const stateFile = join(dir, `kill-${i}.json`);
      try {
        const killed = await cli(emu, stateFile, killAfterMs);
        // The state file exists once the first dispatch was recorded: the kill landed mid-run.
        if (killed.code !== 0 && existsSync(stateFile)) midRun += 1;
        let runs = 0;
        let last = killed;
        while (last.code !== 0 && runs < 4) {
          runs += 1;
          last = await cli(emu, stateFile);
        }
        expect(last.code, `kill point ${killAfterMs} ms, re-run output:\n${last.out}`).toBe(0);
        reruns.push(runs);
        await expectNightLikeFaultFree(emu, client);
      } finally {
        await client.close();
        await emu.stop();
      }
    }
    console.log(`SIGKILL at ${JSON.stringify(kills)} ms (fault-free run ${faultFreeMs} ms; ${midRun} mid-run): re-runs needed ${JSON.stringify(reruns)}`);
    expect(midRun).toBeGreaterThanOrEqual(5);
  }, 420_000);
});
