// Container promotion under faults: 5% 5xx, 5% dropped connections and 5% failed tasks converge
// in one run in most trials, always to the fault-free end state; a CLI killed with SIGKILL
// mid-promotion is re-run to the same end state without any tag copied twice; with 30% of answers
// lost after Pulp acted, the engine finds every lost dispatch (the old retry loop copied twice).
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PulpClient } from "@release-train/pulp-client";
import { type Emulator, pushImage, startEmulator } from "@release-train/pulp-emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "./actions/run-action";
import { promoteContainers } from "../packages/release-train/src/promote/containers";

const ADMIN = { username: "admin", password: "password" };
const TAGS = ["2025.1-rocky-9-20261201T000001", "2025.1-ubuntu-noble-20261201T000001"];
const polling = { initialDelayMs: 30, maxDelayMs: 200 };

/** Deterministic random numbers (mulberry32), so a failing trial can be replayed. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function arkWithImages(count: number, knobs: Parameters<typeof startEmulator>[0] = {}): Promise<{ ark: Emulator; images: string[] }> {
  const ark = await startEmulator({ ...ADMIN, ...knobs });
  const images = Array.from({ length: count }, (_, i) => `image-${String(i).padStart(2, "0")}`);
  for (const [i, image] of images.entries()) {
    const push = ark.ctx.createRepository("container/container-push", "container.container-push", {
      name: `stackhpc-dev/${image}`,
      description: null,
      pulp_labels: {},
      retain_repo_versions: null,
      manifest_signing_service: null,
    });
    for (const [j, tag] of TAGS.entries()) pushImage(ark.ctx, push, { tag, layers: [`sha256:${(i * 10 + j).toString(16).padStart(64, "0")}`] });
  }
  return { ark, images };
}

/** image → tag → digest released, read straight from the emulator's state. */
async function released(ark: Emulator, images: string[]): Promise<Record<string, Record<string, string>>> {
  const client = new PulpClient({ baseUrl: ark.url, ...ADMIN });
  const knobs = { ...ark.knobs };
  Object.assign(ark.knobs, { http5xxRate: 0, dropConnectionRate: 0, taskFailureRate: 0 });
  try {
    const out: Record<string, Record<string, string>> = {};
    for (const image of images) {
      const repo = await client.repositories.container.findOne({ name: `stackhpc/${image}` });
      const tags = repo?.latest_version_href ? await client.content.containerTags.listAll({ repository_version: repo.latest_version_href } as never) : [];
      const manifests = tags.length ? await client.content.containerManifests.listAll({ pulp_href__in: tags.map((t) => t.tagged_manifest) } as never) : [];
      out[image] = Object.fromEntries(tags.map((t) => [t.name, manifests.find((m) => m.pulp_href === t.tagged_manifest)?.digest ?? "?"]));
    }
    return out;
  } finally {
    Object.assign(ark.knobs, knobs);
    await client.close();
  }
}

/** Copy tasks per release repository (every copy task the emulator ran, failed or not). */
function copyTasks(ark: Emulator): Map<string, { state: string }[]> {
  const out = new Map<string, { state: string }[]>();
  for (const t of ark.tasks.tasks.values()) {
    if (t.name !== "pulp_container.app.tasks.recursive_add_content") continue;
    const repo = ark.ctx.state.list("repositories").find((r) => t.exclusive.includes(r.href));
    const name = String(repo?.data["name"]);
    out.set(name, [...(out.get(name) ?? []), { state: t.state }]);
  }
  return out;
}

describe("container promotion under faults", () => {
  let expected: Record<string, Record<string, string>>;
  const COUNT = 12;

  beforeAll(async () => {
    const { ark, images } = await arkWithImages(COUNT);
    const client = new PulpClient({ baseUrl: ark.url, ...ADMIN });
    const result = await promoteContainers({ pulp: client, imageTags: Object.fromEntries(images.map((i) => [i, TAGS])), polling });
    expect(result.failed).toEqual([]);
    expected = await released(ark, images);
    await client.close();
    await ark.stop();
  }, 60_000);

  it("5% 5xx + 5% dropped connections + 5% task failures: one run converges in most trials, always to the fault-free state", async () => {
    const runsNeeded: number[] = [];
    for (let trial = 0; trial < 5; trial++) {
      const random = seeded(1000 + trial);
      const { ark, images } = await arkWithImages(COUNT, { knobs: { http5xxRate: 0.05, dropConnectionRate: 0.05, taskFailureRate: 0.05, random, workers: 2 } });
      const client = new PulpClient({ baseUrl: ark.url, ...ADMIN, retry: { retries: 4, minDelayMs: 10, maxDelayMs: 50 } });
      try {
        let runs = 0;
        for (; runs < 5; ) {
          runs += 1;
          const result = await promoteContainers({ pulp: client, imageTags: Object.fromEntries(images.map((i) => [i, TAGS])), polling }).catch((e: Error) => ({ failed: [e] }));
          if (!result.failed.length) break;
        }
        runsNeeded.push(runs);
        expect(await released(ark, images)).toEqual(expected);
      } finally {
        await client.close();
        await ark.stop();
      }
    }
    // Written down for the report: how many runs each trial needed.
    process.stdout.write(`fault trials: runs needed per trial ${JSON.stringify(runsNeeded)}\n`);
    expect(runsNeeded.filter((n) => n === 1).length).toBeGreaterThanOrEqual(3);
  }, 180_000);
});

describe("container promotion with lost answers", () => {
  it("30% of answers lost after Pulp acted: the engine finds each lost dispatch, so never two copies or two distributions", async () => {
    const COUNT = 8;
    const { ark, images } = await arkWithImages(COUNT, { knobs: { lostResponseRate: 0.3, random: seeded(7), workers: 2 } });
    const client = new PulpClient({ baseUrl: ark.url, ...ADMIN, retry: { retries: 4, minDelayMs: 10, maxDelayMs: 50 } });
    try {
      let result: Awaited<ReturnType<typeof promoteContainers>> | undefined;
      for (let runs = 0; runs < 3 && (!result || result.failed.length); runs++) {
        result = await promoteContainers({ pulp: client, imageTags: Object.fromEntries(images.map((i) => [i, TAGS])), polling });
      }
      ark.knobs.lostResponseRate = 0;
      expect(result?.failed).toEqual([]);
      const state = await released(ark, images);
      expect(Object.values(state).every((tags) => Object.keys(tags).sort().join() === [...TAGS].sort().join())).toBe(true);
      for (const [repo, tasks] of copyTasks(ark)) expect(tasks.length, repo).toBe(1);
      const distributions = ark.ctx.state.list("distributions").filter((d) => String(d.data["name"]).startsWith("stackhpc/"));
      expect(distributions.length).toBe(COUNT);
    } finally {
      await client.close();
      await ark.stop();
    }
  }, 120_000);
});

describe("container promotion killed with SIGKILL", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "promote-kill-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const cli = (ark: Emulator, tagsFile: string, stateFile: string) =>
    // One process (node with tsx's loader), so SIGKILL really kills the CLI: the tsx wrapper would
    // leave its node child running.
    spawn(process.execPath, ["--import", "tsx", join(repoRoot, "packages/release-train/src/cli/main.ts"), "promote", "containers", "--config", dir, "--pulp-url", ark.url, "--username", ADMIN.username, "--tags", tagsFile, "--state-file", stateFile, "--concurrency", "3"], {
      env: { ...process.env, PULP_PASSWORD: ADMIN.password, GITHUB_ACTIONS: "true" },
      cwd: repoRoot,
      stdio: ["ignore", "pipe", "pipe"],
    });

  it("a re-run after SIGKILL at random points converges, with no tag copied twice", async () => {
    const random = seeded(42);
    const COUNT = 10;
    for (let trial = 0; trial < 3; trial++) {
      const { ark, images } = await arkWithImages(COUNT, { knobs: { workers: 2, taskDurationMs: { modify: 400 } } });
      try {
        const tagsFile = join(dir, `tags-${trial}.json`);
        await import("node:fs/promises").then((fs) => fs.writeFile(tagsFile, JSON.stringify(Object.fromEntries(images.map((i) => [i, TAGS])))));
        const stateFile = join(dir, `state-${trial}.json`);
        // Kill once the first copies are in flight: after 1–3 s of promotion (tsx starts in ~1 s).
        const child = cli(ark, tagsFile, stateFile);
        const started = Date.now();
        await new Promise<void>((resolve) => {
          const poll = setInterval(() => {
            const copies = [...copyTasks(ark).values()].flat().length;
            if (copies >= 1 + Math.floor(random() * (COUNT - 2)) || Date.now() - started > 20_000) {
              clearInterval(poll);
              child.kill("SIGKILL");
              resolve();
            }
          }, 20);
        });
        await new Promise((resolve) => child.on("exit", resolve));
        const before = [...copyTasks(ark).values()].flat().length;
        expect(before).toBeLessThan(COUNT);
        const rerunAt = new Date().toISOString();
        const rerun = cli(ark, tagsFile, stateFile);
        let out = "";
        rerun.stdout.on("data", (d) => {
          out += String(d);
        });
        const code = await new Promise((resolve) => rerun.on("exit", resolve));
        expect(code, out).toBe(0);
        const state = await released(ark, images);
        expect(Object.values(state).every((tags) => Object.keys(tags).sort().join() === [...TAGS].sort().join())).toBe(true);
        for (const [repo, tasks] of copyTasks(ark)) expect(tasks.length, `${repo}: ${JSON.stringify(tasks)} (killed after ${before} copies, re-run at ${rerunAt}) ${JSON.stringify([...ark.tasks.tasks.values()].filter((t) => t.exclusive.some((h) => ark.ctx.state.list("repositories").some((r) => r.href === h && r.data["name"] === repo))).map((t) => [t.name, t.created, t.state]))} repos ${ark.ctx.state.list("repositories").filter((r) => r.data["name"] === repo).length}\n${out}`).toBe(1);
      } finally {
        await ark.stop();
      }
    }
  }, 180_000);
});
