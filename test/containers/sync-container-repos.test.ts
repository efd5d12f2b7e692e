/**
 * sync-container-repos end to end on two emulators with real images (skopeo): publish in Ark,
 * mirror into the test Pulp through Ark's token flow, pull from the test Pulp; dry runs and
 * unchanged re-runs write nothing; configuration problems are reported all at once.
 */
import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { RegistryClient } from "@release-train/pulp-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MIRROR_USER } from "../../packages/release-train/src/demo/containers";
import { runCliInProcess } from "../cli-in-process";
import { ADMIN, arkArgs, type ContainerWorld, containerWorld, ENV, TAG, testArgs, writesIn } from "./fixture";

const exec = promisify(execFile);

describe("sync-container-repos on emulators", () => {
  let w: ContainerWorld;

  beforeAll(async () => {
    w = await containerWorld(["keystone", "nova-api", "glance-api"], ["keystone", "nova-api"]);
  });
  afterAll(async () => {
    await w?.stop();
  });

  it("a push-created distribution is public until publish; a dry run plans (as JSON) and writes nothing", async () => {
    const anon = new RegistryClient({ url: w.ark.url });
    expect((await anon.listTags("stackhpc-dev/keystone")).length).toBe(1);
    await anon.close();
    const from = w.ark.requestLog.length;
    const out = await runCliInProcess([...arkArgs(w), "--dry-run", "--json"], ENV);
    expect(out.code).toBe(0);
    const plan = JSON.parse(out.stdout);
    expect(plan.dryRun).toBe(true);
    expect(plan.images.map((i: { name: string }) => i.name)).toEqual(["stackhpc-dev/keystone", "stackhpc-dev/nova-api", "stackhpc-dev/glance-api"]);
    expect(plan.images[0].actions).toEqual(["make development distribution private", "create release repository stackhpc/keystone", "create private release distribution stackhpc/keystone"]);
    expect(plan.notPushed).toEqual(["stackhpc-dev/glance-api"]);
    expect(writesIn(w.ark, from)).toEqual([]);
  });

  it("publish makes development distributions private and creates private release repositories; anonymous and client pulls are refused", async () => {
    const out = await runCliInProcess(arkArgs(w), ENV);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toContain("1 images not yet pushed: stackhpc-dev/glance-api");
    const api = async (path: string) =>
      (await (await fetch(`${w.ark.url}/pulp/api/v3/${path}`, { headers: { authorization: `Basic ${Buffer.from("admin:password").toString("base64")}` } })).json()) as {
        results: { name: string; private: boolean; repository: string; pulp_href: string }[];
      };
    const dists = (await api("distributions/container/container/")).results;
    const byName = new Map(dists.map((d) => [d.name, d]));
    for (const n of ["stackhpc-dev/keystone", "stackhpc-dev/nova-api", "stackhpc/keystone", "stackhpc/nova-api", "stackhpc/glance-api"]) expect(byName.get(n)?.private, n).toBe(true);
    const repos = new Map((await api("repositories/container/container/")).results.map((r) => [r.name, r.pulp_href]));
    expect(byName.get("stackhpc/keystone")?.repository).toBe(repos.get("stackhpc/keystone"));
    const anon = new RegistryClient({ url: w.ark.url });
    await expect(anon.getManifest("stackhpc-dev/keystone", TAG)).rejects.toMatchObject({ status: 401, code: "UNAUTHORIZED" });
    await anon.close();
    // A client user (no roles on stackhpc-dev) cannot pull the development images.
    await fetch(`${w.ark.url}/pulp/api/v3/users/`, {
      method: "POST",
      headers: { authorization: `Basic ${Buffer.from("admin:password").toString("base64")}`, "content-type": "application/json" },
      body: JSON.stringify({ username: "client-site", password: "client-pw" }),
    });
    const client = new RegistryClient({ url: w.ark.url, username: "client-site", password: "client-pw" });
    await expect(client.getManifest("stackhpc-dev/keystone", TAG)).rejects.toMatchObject({ status: 401 });
    await client.close();
    const mirror = new RegistryClient({ url: w.ark.url, ...MIRROR_USER });
    expect((await mirror.getManifest("stackhpc-dev/keystone", TAG)).mediaType).toBe("application/vnd.oci.image.manifest.v1+json");
    await mirror.close();
  });

  it("an unchanged publish re-run writes nothing", async () => {
    const from = w.ark.requestLog.length;
    const out = await runCliInProcess(arkArgs(w), ENV);
    expect(out.code).toBe(0);
    expect(writesIn(w.ark, from)).toEqual([]);
  });

  it("the test Pulp mirrors on_demand through Ark's token auth; pulls from it are authorised, anonymous refused", async () => {
    const out = await runCliInProcess([...testArgs(w), "--json"], ENV);
    expect(out.code, out.stderr).toBe(0);
    const result = JSON.parse(out.stdout);
    const keystone = result.images.find((i: { name: string }) => i.name === "stackhpc-dev/keystone");
    expect(keystone.tagsAdded).toEqual([{ name: TAG, digest: expect.stringMatching(/^sha256:/) }]);
    expect(result.notPushed).toEqual(["stackhpc-dev/glance-api"]);
    const { stdout } = await exec("skopeo", ["inspect", "--raw", "--tls-verify=false", `--creds=${ADMIN.username}:${ADMIN.password}`, `docker://${w.test.registryHost}/stackhpc-dev/nova-api:${TAG}`]);
    expect(JSON.parse(stdout).layers).toHaveLength(1);
    const pulled = join(w.dir, "pulled");
    await exec("skopeo", ["copy", "--quiet", "--src-tls-verify=false", `--src-creds=${ADMIN.username}:${ADMIN.password}`, `docker://${w.test.registryHost}/stackhpc-dev/nova-api:${TAG}`, `oci:${pulled}:x`]);
    const anon = await exec("skopeo", ["inspect", "--raw", "--tls-verify=false", `docker://${w.test.registryHost}/stackhpc-dev/nova-api:${TAG}`]).then(
      () => "served",
      (e: Error) => e.message,
    );
    expect(anon).toMatch(/unauthorized|authentication required/i);
  });

  it("an unchanged mirror re-run writes nothing; a new tag in Ark syncs only that image", async () => {
    let from = w.test.requestLog.length;
    expect((await runCliInProcess(testArgs(w), ENV)).code).toBe(0);
    expect(writesIn(w.test, from)).toEqual([]);
    await w.push("nova-api", "2025.1-rocky-9-20251125T200000");
    from = w.test.requestLog.length;
    const out = await runCliInProcess([...testArgs(w), "--json"], ENV);
    const nova = JSON.parse(out.stdout).images.find((i: { name: string }) => i.name === "stackhpc-dev/nova-api");
    expect(nova.tagsAdded.map((t: { name: string }) => t.name)).toEqual(["2025.1-rocky-9-20251125T200000"]);
    const syncs = writesIn(w.test, from).filter((r) => r.path.endsWith("/sync/"));
    expect(syncs).toHaveLength(1);
  });

  it("configuration problems are all reported at once with file, YAML path and line, before any write", async () => {
    await writeFile(
      join(w.config, "kolla"),
      ["---", "kolla_container_images:", "  - nova-api", "  - Nova_API", "  - nova-api", "kolla_unbuildable_images:", "  old_scheme: []", "  extra: 1", "default_kolla_base_distros: rocky", "sync_old_images: maybe", "sync_new_images: true", ""].join("\n"),
    );
    const from = w.ark.requestLog.length;
    const out = await runCliInProcess(arkArgs(w), ENV);
    expect(out.code).toBe(1);
    for (const expected of [
      /kolla:4:\d+: kolla_container_images\[1\]: must be an image name/,
      /kolla:5:\d+: kolla_container_images\[2\]: duplicate image "nova-api" \(also at index 0\)/,
      /kolla:7:\d+: kolla_unbuildable_images\.old_scheme: must be a mapping/,
      /kolla:8:\d+: kolla_unbuildable_images\.extra: unknown key/,
      /kolla:9:\d+: default_kolla_base_distros: must be a list/,
      /kolla:10:\d+: sync_old_images: must be true or false/,
    ]) {
      expect(out.stderr).toMatch(expected);
    }
    expect(w.ark.requestLog.length).toBe(from);
  });
});
