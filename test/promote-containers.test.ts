// Container promotion on the emulator: push repositories seeded as a registry push would leave them
// (the registry itself is the container issue's), tag copies into release repositories, check mode,
// missing tags, re-pointed tags, demote, worker-bound concurrency, one task per release repository.
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PulpClient } from "@release-train/pulp-client";
import { type Emulator, pushImage, startEmulator } from "@release-train/pulp-emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PromoteCliOptions, runPromoteContainersCli } from "../packages/release-train/src/cli/promote";
import { writeConfigDir } from "../packages/release-train/src/demo/upstreams";
import { MissingSourcesError } from "../packages/release-train/src/promote/types";

const ADMIN = { username: "admin", password: "password" };
const env = { PULP_PASSWORD: ADMIN.password };
const T1 = "2024.1-rocky-9-20261101T010000";
const T2 = "2024.1-rocky-9-20261102T010000";
const quiet = () => {};
const writes = (emu: Emulator) => emu.requestLog.filter((r) => r.method !== "GET" && r.method !== "HEAD");
const layer = (n: string) => `sha256:${n.repeat(64).slice(0, 64)}`;

function seedPush(emu: Emulator, name: string) {
  return emu.ctx.createRepository("container/container-push", "container.container-push", {
    name,
    description: null,
    pulp_labels: {},
    retain_repo_versions: null,
    manifest_signing_service: null,
  });
}

describe("container promotion (emulator)", () => {
  let dir: string;
  let ark: Emulator;
  let client: PulpClient;
  const base = (tags: Record<string, string[]>): PromoteCliOptions => ({
    config: "",
    pulpUrl: ark.url,
    username: ADMIN.username,
    tags: JSON.stringify(tags),
    summaryFile: join(dir, "summary.md"),
  });
  const releasedTags = async (image: string) => {
    const repo = await client.repositories.container.findOne({ name: `stackhpc/${image}` });
    if (!repo?.latest_version_href) return {};
    const tags = await client.content.containerTags.listAll({ repository_version: repo.latest_version_href } as never);
    const manifests = await client.content.containerManifests.listAll({ pulp_href__in: tags.map((t) => t.tagged_manifest) } as never);
    return Object.fromEntries(tags.map((t) => [t.name, manifests.find((m) => m.pulp_href === t.tagged_manifest)?.digest])).valueOf() as Record<string, string>;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "promote-containers-"));
    ark = await startEmulator(ADMIN);
    client = new PulpClient({ baseUrl: ark.url, ...ADMIN });
    const nova = seedPush(ark, "stackhpc-dev/nova-api");
    pushImage(ark.ctx, nova, { tag: T1, layers: [layer("a"), layer("b")] });
    pushImage(ark.ctx, nova, { tag: T2, layers: [layer("a"), layer("c")] });
    const keystone = seedPush(ark, "stackhpc-dev/keystone");
    pushImage(ark.ctx, keystone, { tag: T1, layers: [layer("d")] });
  });
  afterAll(async () => {
    await client?.close();
    await ark?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("check mode: the plan as a diff, zero writes", async () => {
    ark.requestLog.length = 0;
    let out = "";
    const { result } = await runPromoteContainersCli({ ...base({ "nova-api": [T1], keystone: [T1] }), dryRun: true }, env, (t) => {
      out += t;
    });
    expect(writes(ark)).toEqual([]);
    expect(result.items.map((i) => [i.name, i.status])).toEqual([
      ["nova-api", "planned"],
      ["keystone", "planned"],
    ]);
    expect(out).toContain("+ stackhpc/nova-api: create repository");
    expect(out).toMatch(new RegExp(`~ stackhpc/nova-api:${T1}: none → sha256:[0-9a-f]{12}…`));
    expect(await readFile(join(dir, "summary.md"), "utf8")).toContain("check mode: nothing written");
  });

  it("missing source tags: one error listing all of them before any write", async () => {
    ark.requestLog.length = 0;
    const error = await runPromoteContainersCli(base({ "nova-api": [T1, "nope"], glance: [T1] }), env, quiet).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MissingSourcesError);
    expect((error as Error).message).toContain("stackhpc-dev/nova-api:nope");
    expect((error as Error).message).toContain(`stackhpc-dev/glance:${T1} (no push repository)`);
    expect(writes(ark)).toEqual([]);
  });

  it("promotes: release repositories and private distributions made, tags copied with their digests; a re-run writes nothing", async () => {
    const auditFile = join(dir, "audit.json");
    const { result } = await runPromoteContainersCli({ ...base({ "nova-api": [T1, T2], keystone: [T1] }), auditFile, stateFile: join(dir, "state.json") }, env, quiet);
    expect(result.failed).toEqual([]);
    expect(result.notes).toContain("concurrency 4 (2 × Pulp's 2 online workers)");
    const pushed = await client.repositories.containerPush.findOne({ name: "stackhpc-dev/nova-api" });
    const srcTags = await client.content.containerTags.listAll({ repository_version: pushed!.latest_version_href } as never);
    const released = await releasedTags("nova-api");
    expect(Object.keys(released).sort()).toEqual([T1, T2]);
    expect(srcTags.map((t) => t.tagged_manifest).sort()).toEqual(
      (await client.content.containerTags.listAll({ repository_version: (await client.repositories.container.findOne({ name: "stackhpc/nova-api" }))!.latest_version_href } as never))
        .map((t) => t.tagged_manifest)
        .sort(),
    );
    const dist = await client.distributions.container.findOne({ name: "stackhpc/keystone" });
    expect(dist).toMatchObject({ base_path: "stackhpc/keystone", private: true });
    const audit = JSON.parse(await readFile(auditFile, "utf8"));
    expect(audit.moves).toEqual(expect.arrayContaining([expect.objectContaining({ object: `stackhpc/nova-api:${T1}`, from: null, to: released[T1] })]));

    ark.requestLog.length = 0;
    const again = await runPromoteContainersCli(base({ "nova-api": [T1, T2], keystone: [T1] }), env, quiet);
    expect(again.result.items.map((i) => i.status)).toEqual(["skipped", "skipped"]);
    expect(writes(ark)).toEqual([]);
  });

  it("never runs two tasks at once on one release repository", async () => {
    const tasks = await client.tasks.listAll({});
    const byRepo = new Map<string, { created: string; finished: string }[]>();
    for (const t of tasks) {
      for (const r of (t.reserved_resources_record ?? []).filter((x): x is string => typeof x === "string" && x.includes("/repositories/container/container/"))) {
        byRepo.set(r, [...(byRepo.get(r) ?? []), { created: t.pulp_created as string, finished: t.finished_at as string }]);
      }
    }
    expect(byRepo.size).toBeGreaterThan(0);
    for (const list of byRepo.values()) {
      list.sort((a, b) => a.created.localeCompare(b.created));
      for (let i = 1; i < list.length; i++) expect(list[i]!.created >= list[i - 1]!.finished).toBe(true);
    }
  });

  it("a re-pointed tag moves to the new digest; demote removes the tags and restores the state before", async () => {
    const before = await releasedTags("nova-api");
    const nova = ark.ctx.state.list("repositories").find((r) => r.data["name"] === "stackhpc-dev/nova-api")!;
    pushImage(ark.ctx, nova, { tag: T2, layers: [layer("e")] });
    const { result } = await runPromoteContainersCli(base({ "nova-api": [T2] }), env, quiet);
    const after = await releasedTags("nova-api");
    expect(after[T2]).not.toBe(before[T2]);
    expect(result.items[0]?.moves).toEqual([{ object: `stackhpc/nova-api:${T2}`, from: before[T2], to: after[T2] }]);

    const keystoneBefore = await releasedTags("keystone");
    expect(Object.keys(keystoneBefore)).toEqual([T1]);
    const demoted = await runPromoteContainersCli({ ...base({ keystone: [T1] }), mode: "demote" }, env, quiet);
    expect(demoted.result.items[0]).toMatchObject({ status: "demoted", moves: [{ object: `stackhpc/keystone:${T1}`, from: keystoneBefore[T1], to: null }] });
    expect(await releasedTags("keystone")).toEqual({});
    const repo = await client.repositories.container.findOne({ name: "stackhpc/keystone" });
    const version = await client.repositories.container.versions(repo!.pulp_href).get(repo!.latest_version_href as never);
    expect(version.content_summary?.present ?? {}).toEqual({});
  });

  it("resolves the tags from a kayobe-config checkout", async () => {
    const config = await writeConfigDir(join(dir, "config"), { rpm: [], deb: [] });
    await writeFile(join(config, "kolla"), "---\nkolla_container_images:\n  - nova-api\n  - keystone\n");
    const kayobe = join(dir, "kayobe");
    await mkdir(join(kayobe, "etc/kayobe"), { recursive: true });
    await writeFile(join(kayobe, "etc/kayobe/kolla-image-tags.yml"), `kolla_image_tags:\n  openstack:\n    rocky-9: ${T1}\n  nova:\n    rocky-9: ${T2}\n`);
    let out = "";
    const { result } = await runPromoteContainersCli({ config, pulpUrl: ark.url, username: ADMIN.username, kayobeConfig: kayobe, dryRun: true, json: true }, env, (t) => {
      out += t;
    });
    expect(JSON.parse(out).items.map((i: { name: string; status: string }) => [i.name, i.status])).toEqual([
      ["nova-api", "skipped"],
      ["keystone", "planned"],
    ]);
    expect(result.notes[0]).toMatch(/tags resolved for rocky-9 with the tables of built-in/);
  });
});
