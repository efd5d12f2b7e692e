// `pnpm bench promotion`: a Kolla release's container promotion. The 147 images of the real Kolla
// list (../shared release-train config; generated names without it), each with one new tag in its
// push repository stackhpc-dev/<image>, promoted into stackhpc/<image> on an emulator with 8
// workers, 1 s per tag-copy task and 20 ms API latency. The limit is ceil(images / workers) × 1 s,
// the floor any client can reach on that Pulp. The same promotion with concurrency 1 (one image at
// a time, as the Ansible role waited for each) runs in the same process for the ratio.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { PulpClient } from "@release-train/pulp-client";
import { pushImage, startEmulator } from "@release-train/pulp-emulator";
import { sharedDir } from "@release-train/test-support/shared";
import { parse } from "yaml";
import { promoteContainers } from "../packages/release-train/src/promote/containers";

const ADMIN = { username: "admin", password: "password" };
const WORKERS = 8;
const TASK_MS = 1000;

async function kollaImages(): Promise<string[]> {
  const shared = sharedDir();
  if (shared) {
    const vars = parse(await readFile(join(shared, "release-train-config/kolla"), "utf8")) as { kolla_container_images: string[] };
    return vars.kolla_container_images;
  }
  process.stdout.write("../shared not found: using 147 generated image names\n");
  return Array.from({ length: 147 }, (_, i) => `image-${String(i).padStart(3, "0")}`);
}

export async function main(): Promise<void> {
  const images = await kollaImages();
  const emu = await startEmulator({ ...ADMIN, knobs: { workers: WORKERS, apiLatencyMs: 20, taskDurationMs: { modify: TASK_MS } } });
  const client = new PulpClient({ baseUrl: emu.url, ...ADMIN });
  try {
    // Push repositories as CI's pushes leave them, and release repositories with their private
    // distributions as the publish step leaves them (so only tag copies are measured).
    for (const [i, image] of images.entries()) {
      const push = emu.ctx.createRepository("container/container-push", "container.container-push", {
        name: `stackhpc-dev/${image}`,
        description: null,
        pulp_labels: {},
        retain_repo_versions: null,
        manifest_signing_service: null,
      });
      for (const run of ["a", "b"]) {
        const layer = `sha256:${createDigest(`${image}-${run}-${i}`)}`;
        pushImage(emu.ctx, push, { tag: `2025.1-rocky-9-20261201T00000${run === "a" ? 1 : 2}`, layers: [layer] });
      }
      const repo = await client.repositories.container.create({ name: `stackhpc/${image}` });
      await (await client.distributions.container.create({ name: `stackhpc/${image}`, base_path: `stackhpc/${image}`, repository: repo.pulp_href, private: true } as never)).wait();
    }
    const run = async (tag: string, concurrency: number | undefined) => {
      const imageTags = Object.fromEntries(images.map((image) => [image, [tag]]));
      const started = performance.now();
      const result = await promoteContainers({ pulp: client, imageTags, ...(concurrency ? { concurrency } : {}) });
      const seconds = (performance.now() - started) / 1000;
      const promoted = result.items.filter((r) => r.status === "promoted").length;
      if (result.failed.length || promoted !== images.length) throw new Error(`promotion incomplete: ${promoted} promoted, ${result.failed.length} failed (${result.failed[0]?.error})`);
      process.stdout.write(`${concurrency ? `concurrency ${concurrency}` : `default concurrency (${result.notes.at(-1)})`}: ${images.length} images promoted in ${seconds.toFixed(1)} s\n`);
      return seconds;
    };
    const wallSeconds = await run("2025.1-rocky-9-20261201T000001", undefined);
    const sequentialWallSeconds = await run("2025.1-rocky-9-20261201T000002", 1);
    const limitSeconds = Math.ceil(images.length / WORKERS) * (TASK_MS / 1000);
    const figures = {
      images: images.length,
      wallSeconds: round(wallSeconds),
      limitSeconds,
      ratioToLimit: round(wallSeconds / limitSeconds),
      sequentialWallSeconds: round(sequentialWallSeconds),
      speedupVsSequential: round(sequentialWallSeconds / wallSeconds),
    };
    process.stdout.write(`${JSON.stringify(figures)}\n`);
  } finally {
    await client.close();
    await emu.stop();
  }
}

const round = (n: number) => Math.round(n * 100) / 100;

function createDigest(seed: string): string {
  // A stable fake layer digest per image and run (the bench copies metadata, not bytes).
  let h = 0n;
  for (const c of seed) h = (h * 131n + BigInt(c.charCodeAt(0))) % (1n << 255n);
  return h.toString(16).padStart(64, "0").slice(-64);
}
