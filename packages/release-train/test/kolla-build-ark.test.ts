// kolla-build into the emulated Ark: podman pushes through Pulp's registry and token server, the
// digests are read back with the project's registry client, and the pushes show in Pulp's REST API
// as real Pulp records them (namespace, push repository with the tag, distribution). A user
// without rights on the namespace is refused, and the run says so for every image.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PulpClient, RegistryClient } from "@release-train/pulp-client";
import { type Emulator, startEmulator } from "@release-train/pulp-emulator";
import { FAKE_KAYOBE, type PodmanStore, podmanStorageProblem, privatePodmanStore } from "@release-train/pulp-emulator/fixtures";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type KollaBuildOptions, runKollaBuild } from "../src/kolla-build/main";

// podman's image store does not work in every root (see podmanStorageProblem): say why and skip.
const podmanProblem = await podmanStorageProblem();
if (podmanProblem) console.warn(`skipping the podman cases: ${podmanProblem}`);

const ADMIN = { username: "admin", password: "password" };
const TAG = "2025.1-rocky-9-20251124T200000";

let root: string;
let ark: Emulator;
let env: Record<string, string>;
let store: PodmanStore;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "rt-kolla-ark-"));
  ark = await startEmulator({ ...ADMIN, vault: false });
  store = await privatePodmanStore(root);
  env = { ...store.env, FAKE_KOLLA_LOG: join(root, "kolla-build.log") };
});

afterAll(async () => {
  await ark?.stop();
  await store?.clean();
  await rm(root, { recursive: true, force: true });
});

const options = (overrides: Partial<KollaBuildOptions> = {}): KollaBuildOptions => ({
  regexes: "^cron$",
  overcloud: true,
  seed: false,
  distros: "rocky-9",
  openstackRelease: "2025.1",
  timestamp: "20251124T200000",
  kayobeConfig: root,
  buildCommand: FAKE_KAYOBE,
  kollaLog: env["FAKE_KOLLA_LOG"],
  engine: "podman",
  registry: ark.registryHost,
  namespace: "stackhpc-dev",
  insecureRegistry: true,
  registryUsername: ADMIN.username,
  registryPassword: ADMIN.password,
  push: true,
  pushDirty: false,
  pushAttempts: 2,
  pushRetryDelayMs: 10,
  scan: "never",
  logDir: join(root, "logs"),
  env,
  write: () => {},
  ...overrides,
});

describe.skipIf(podmanProblem)("kolla-build into the emulated Ark's registry", () => {
  it("pushes through Pulp's token flow into push repositories of the development namespace", async () => {
    const run = await runKollaBuild(options());
    expect(run.failures).toEqual([]);
    const images = run.results[0]!.images;
    expect(images.map((i) => [i.name, i.pushed])).toEqual([
      ["base", true],
      ["cron", true],
    ]);
    const registry = new RegistryClient({ url: ark.url, ...ADMIN });
    const pulp = new PulpClient({ baseUrl: ark.url, ...ADMIN });
    try {
      for (const image of images) {
        expect((await registry.headManifest(`stackhpc-dev/${image.name}`, TAG))?.digest).toBe(image.digest);
        const repo = await pulp.repositories.containerPush.findOne({ name: `stackhpc-dev/${image.name}` });
        expect(repo, `push repository stackhpc-dev/${image.name}`).toBeDefined();
        const tags = await pulp.content.containerTags.listAll({ repository_version: repo!.latest_version_href! });
        expect(tags.map((t) => t.name)).toEqual([TAG]);
        const dist = await pulp.distributions.container.findOne({ name: `stackhpc-dev/${image.name}` });
        expect(dist).toMatchObject({ base_path: `stackhpc-dev/${image.name}`, repository: repo!.pulp_href });
      }
    } finally {
      await registry.close();
      await pulp.close();
    }
  }, 120_000);

  it("a user without rights on the namespace is refused: every image is a listed push failure", async () => {
    const pulp = new PulpClient({ baseUrl: ark.url, ...ADMIN });
    await pulp.users.create({ username: "reader", password: "reader-pass" });
    await pulp.close();
    const run = await runKollaBuild(options({ timestamp: "20251125T200000", registryUsername: "reader", registryPassword: "reader-pass", logDir: join(root, "logs-reader") }));
    expect(run.results[0]!.images.map((i) => [i.name, i.pushed])).toEqual([
      ["base", false],
      ["cron", false],
    ]);
    expect(run.failures).toHaveLength(2);
    for (const failure of run.failures) expect(failure).toMatch(/^rocky-9: push (base|cron): failed after 2 attempts: .*(denied|unauthorized|requested access)/i);
    expect(run.failures.join("\n")).not.toContain("reader-pass");
  }, 120_000);
});
