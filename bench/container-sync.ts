// `pnpm bench container-sync [--concurrency n] [--sequential-images n]`: the test Pulp mirrors the
// 147 images of the real Kolla list (../shared/release-train-config/kolla) after each got one new
// tag in Ark. Test Pulp emulator: 8 workers, 1 s per sync task, 20 ms API latency (Ark: 20 ms).
// Then the same night the way today's Ansible does it (test-pulp-container-sync.yml through
// pulp.squeezer): one image at a time, looking objects up by name, dispatching the sync and
// polling its task every second. Limit = ceil(images / workers) × 1 s; target ratio ≤ 1.25.
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PulpClient, pushOciLayout, RegistryClient } from "@release-train/pulp-client";
import { startEmulator } from "@release-train/pulp-emulator";
import { buildOciImage } from "@release-train/pulp-emulator/fixtures";
import { sharedDir } from "@release-train/test-support/shared";
import pLimit from "p-limit";
import { parse } from "yaml";
import { selectImageRepos } from "../packages/release-train/src/containers/config";
import { loadKollaConfig } from "../packages/release-train/src/containers/config";
import { containerPort } from "../packages/release-train/src/containers/pulp-port";
import { syncContainerRepos } from "../packages/release-train/src/containers/run";
import { CI_USER, createRegistryUsers, grantNamespacePull, MIRROR_USER, writeKollaConfig } from "../packages/release-train/src/demo/containers";
import { FINAL_STATES } from "../packages/release-train/src/engine/task-watcher";

const ADMIN = { username: "admin", password: "password" };
const WORKERS = 8;
const SYNC_MS = 1000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const say = (text: string) => process.stderr.write(`${text}\n`);

export async function main(args: string[]): Promise<void> {
  const opt = (name: string, fallback: number) => {
    const at = args.indexOf(name);
    return at >= 0 ? Number(args[at + 1]) : fallback;
  };
  const shared = sharedDir();
  if (!shared) {
    say("container-sync: ../shared (the real Kolla list) is absent; nothing measured");
    process.exitCode = 2;
    return;
  }
  const kolla = parse(await readFile(join(shared, "release-train-config", "kolla"), "utf8")) as { kolla_container_images: string[] };
  const dir = await mkdtemp(join(tmpdir(), "bench-container-sync-"));
  const config = join(dir, "config");
  await mkdir(config);
  // Every image of the list, new scheme: the real list's 147 names.
  await writeKollaConfig(config, kolla.kolla_container_images);
  const images = selectImageRepos(await loadKollaConfig(config));
  const concurrency = opt("--concurrency", 32);
  const sequentialCount = Math.min(images.length, opt("--sequential-images", images.length));
  const ark = await startEmulator({ ...ADMIN, vault: false });
  const test = await startEmulator({ ...ADMIN, vault: false, knobs: { workers: WORKERS } });
  const arkClient = new PulpClient({ baseUrl: ark.url, ...ADMIN });
  const testClient = new PulpClient({ baseUrl: test.url, ...ADMIN });
  try {
    await createRegistryUsers(ark, ADMIN);
    const layout = await buildOciImage({ name: "bench", tag: "t", files: { "etc/bench": "bench\n" } });
    const registry = new RegistryClient({ url: ark.url, ...CI_USER });
    const pushAll = async (tag: string) => {
      const limit = pLimit(8);
      await Promise.all(images.map((i) => limit(() => pushOciLayout(registry, layout.dir, `stackhpc-dev/${i.name}`, { tag: "t", destTag: tag }))));
    };
    say(`pushing ${images.length} images into Ark's stackhpc-dev …`);
    await pushAll("2025.1-rocky-9-20251123T200000");
    await grantNamespacePull(ark, ADMIN, "stackhpc-dev", MIRROR_USER.username);
    const run = () =>
      syncContainerRepos({
        pulp: containerPort(testClient),
        ark: containerPort(arkClient),
        target: "test",
        images,
        remote: { url: ark.url, username: MIRROR_USER.username, password: MIRROR_USER.password },
        concurrency,
      });
    say("first night: the test Pulp mirrors everything (not measured) …");
    const first = await run();
    if (first.failed.length) throw new Error(`setup run failed: ${first.failed[0]?.error}`);

    await pushAll("2025.1-rocky-9-20251124T200000");
    Object.assign(test.knobs, { apiLatencyMs: 20, taskDurationMs: { ...test.knobs.taskDurationMs, sync: SYNC_MS } });
    ark.knobs.apiLatencyMs = 20;
    say(`measured night: one new tag per image, ${WORKERS} workers, ${SYNC_MS} ms per sync, 20 ms latency, concurrency ${concurrency} …`);
    let t0 = performance.now();
    const measured = await run();
    const wallSeconds = (performance.now() - t0) / 1000;
    const synced = measured.images.filter((i) => i.tagsAdded.length === 1).length;
    if (measured.failed.length || synced !== images.length) throw new Error(`measured run: ${measured.failed.length} failed, ${synced}/${images.length} got their new tag`);
    say(`release-train: ${wallSeconds.toFixed(1)} s for ${images.length} images`);

    await pushAll("2025.1-rocky-9-20251125T200000");
    say(`the Ansible way: ${sequentialCount} images one at a time …`);
    t0 = performance.now();
    for (const image of images.slice(0, sequentialCount)) await ansibleImage(testClient, `stackhpc-dev/${image.name}`);
    let sequentialWallSeconds = (performance.now() - t0) / 1000;
    if (sequentialCount < images.length) sequentialWallSeconds *= images.length / sequentialCount;
    say(`sequential: ${sequentialWallSeconds.toFixed(1)} s${sequentialCount < images.length ? ` (extrapolated from ${sequentialCount})` : ""}`);
    await registry.close();

    const limitSeconds = Math.ceil(images.length / WORKERS) * (SYNC_MS / 1000);
    const round = (n: number) => Math.round(n * 100) / 100;
    process.stdout.write(
      `${JSON.stringify({
        images: images.length,
        wallSeconds: round(wallSeconds),
        limitSeconds,
        ratioToLimit: round(wallSeconds / limitSeconds),
        sequentialWallSeconds: round(sequentialWallSeconds),
        speedupVsSequential: round(sequentialWallSeconds / wallSeconds),
      })}\n`,
    );
  } finally {
    await Promise.all([arkClient.close(), testClient.close()]);
    await Promise.all([ark.stop(), test.stop()]);
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * One image as pulp.squeezer's container modules do it: the remote and repository looked up by
 * name (pulp_repository role), again by the sync module, the sync dispatched and its task polled
 * every second, then the distribution looked up.
 */
async function ansibleImage(client: PulpClient, name: string): Promise<void> {
  await client.remotes.container.findOne({ name });
  await client.repositories.container.findOne({ name });
  const remote = await client.remotes.container.findOne({ name });
  const repo = await client.repositories.container.findOne({ name });
  if (!remote || !repo) throw new Error(`baseline: ${name} not found`);
  const task = await client.repositories.container.sync(repo.pulp_href as never, { remote: remote.pulp_href, mirror: true } as never);
  for (;;) {
    await sleep(1000);
    const state = (await client.tasks.get(task.href)).state;
    if (FINAL_STATES.has(state)) {
      if (state !== "completed") throw new Error(`baseline: sync of ${name} ${state}`);
      break;
    }
  }
  await client.distributions.container.findOne({ name });
}
