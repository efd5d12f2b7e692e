// Two emulators ("Ark", "test Pulp"), the registry users of the demo, a config directory with a
// `kolla` file, and images pushed into Ark by CI — shared by the container system tests.
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Emulator, type EmulatorOptions, startEmulator } from "@release-train/pulp-emulator";
import { buildAndPush, CI_USER, createRegistryUsers, grantNamespacePull, MIRROR_USER, writeKollaConfig } from "../../packages/release-train/src/demo/containers";

export const ADMIN = { username: "admin", password: "password" };
export const TAG = "2025.1-rocky-9-20251124T200000";

export interface ContainerWorld {
  ark: Emulator;
  test: Emulator;
  dir: string;
  config: string;
  push(name: string, tag?: string): Promise<string>;
  stop(): Promise<void>;
}

export async function containerWorld(images: string[], pushed: string[], testOptions: EmulatorOptions = {}): Promise<ContainerWorld> {
  const dir = await mkdtemp(join(tmpdir(), "containers-e2e-"));
  const config = join(dir, "config");
  await mkdir(config);
  await writeKollaConfig(config, images);
  const [ark, test] = await Promise.all([startEmulator({ ...ADMIN, vault: false }), startEmulator({ ...ADMIN, vault: false, ...testOptions })]);
  await createRegistryUsers(ark, ADMIN);
  const push = async (name: string, tag = TAG) => (await buildAndPush(ark.url, CI_USER, `stackhpc-dev/${name}`, tag, join(dir, "images", tag), "skopeo")).digest;
  for (const name of pushed) await push(name);
  if (pushed.length) await grantNamespacePull(ark, ADMIN, "stackhpc-dev", MIRROR_USER.username);
  return {
    ark,
    test,
    dir,
    config,
    push,
    async stop() {
      await Promise.all([ark.stop(), test.stop()]);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** API writes (anything but GET/HEAD) in a request log since `from`. */
export const writesIn = (emu: Emulator, from = 0) =>
  emu.requestLog.slice(from).filter((r) => r.path.startsWith("/pulp/api/v3/") && r.method !== "GET" && r.method !== "HEAD");

export const arkArgs = (w: ContainerWorld) => ["sync-container-repos", "--config", w.config, "--pulp-url", w.ark.url, "--username", ADMIN.username, "--target", "ark"];
export const testArgs = (w: ContainerWorld) => [
  "sync-container-repos",
  "--config",
  w.config,
  "--pulp-url",
  w.test.url,
  "--username",
  ADMIN.username,
  "--target",
  "test",
  "--ark-url",
  w.ark.url,
  "--ark-username",
  ADMIN.username,
  "--remote-username",
  MIRROR_USER.username,
];
export const ENV = { PULP_PASSWORD: ADMIN.password, ARK_PASSWORD: ADMIN.password, REMOTE_PASSWORD: MIRROR_USER.password };
