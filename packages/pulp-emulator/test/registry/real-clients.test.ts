/**
 * The emulator's registry driven by real clients: skopeo (copy --all of a multi-arch image,
 * inspect, list-tags, pull by digest; with --creds and anonymous) and podman push/pull
 * (vfs storage), over Pulp's token auth.
 */
import { randomBytes } from "node:crypto";
import { mkdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildOciImage, type BuiltOciImage, podmanStorageProblem } from "../../src/fixtures";
import { type Emulator, startEmulator } from "../../src/index";
import { run } from "../../src/run-tool";
import { ADMIN, api, createUser, skopeo, skopeoFails } from "./helpers";

// podman's image store does not work in every root (see podmanStorageProblem): say why and skip.
const podmanProblem = await podmanStorageProblem();
if (podmanProblem) console.warn(`skipping the podman cases: ${podmanProblem}`);

const CREDS = `--creds=${ADMIN.username}:${ADMIN.password}`;
const NO_TLS = "--tls-verify=false";

describe("registry with real clients", () => {
  let emu: Emulator;
  let multi: BuiltOciImage;
  let single: BuiltOciImage;
  let work: string;

  beforeAll(async () => {
    emu = await startEmulator({ vault: false });
    // Lower case only: podman names an `oci:` image after its path.
    work = join(tmpdir(), `registry-clients-${randomBytes(4).toString("hex")}`);
    await mkdir(work);
    multi = await buildOciImage({
      dir: join(work, "multi"),
      name: "nova-api",
      tag: "2025.1-rocky-9-20251124T200000",
      files: { "etc/nova/release": "2025.1\n" },
      platforms: [
        { os: "linux", architecture: "amd64" },
        { os: "linux", architecture: "arm64" },
      ],
    });
    single = await buildOciImage({ dir: join(work, "single"), name: "keystone", tag: "v1", files: { "etc/keystone": "v1\n" } });
  });

  afterAll(async () => {
    await emu?.stop();
    await rm(work, { recursive: true, force: true });
  });

  const ref = (name: string, tag: string) => `docker://${emu.registryHost}/${name}:${tag}`;

  it("skopeo copy --all pushes a multi-arch image; the push creates namespace, push repository and a public distribution", async () => {
    await skopeo(["copy", "--quiet", "--all", "--preserve-digests", `--dest-tls-verify=false`, `--dest-creds=${ADMIN.username}:${ADMIN.password}`, `oci:${multi.dir}:${multi.tag}`, ref("stackhpc-dev/nova-api", multi.tag)]);
    const ns = await api(emu, "GET", "pulp_container/namespaces/?name=stackhpc-dev");
    expect(ns.body.count).toBe(1);
    const repos = await api(emu, "GET", "repositories/container/container-push/?name=stackhpc-dev/nova-api");
    expect(repos.body.count).toBe(1);
    const dists = await api(emu, "GET", "distributions/container/container/?name=stackhpc-dev/nova-api");
    expect(dists.body.results[0]).toMatchObject({ base_path: "stackhpc-dev/nova-api", private: false, repository: repos.body.results[0].pulp_href, namespace: ns.body.results[0].pulp_href });
    const tags = await api(emu, "GET", `content/container/tags/?repository_version=${encodeURIComponent(repos.body.results[0].latest_version_href)}`);
    expect(tags.body.results.map((t: { name: string }) => t.name)).toEqual([multi.tag]);
  });

  it("skopeo inspect (raw and per platform), list-tags and pull by digest, anonymously while public", async () => {
    const raw = JSON.parse(await skopeo(["inspect", "--raw", NO_TLS, ref("stackhpc-dev/nova-api", multi.tag)]));
    expect(raw.manifests.map((m: { digest: string }) => m.digest)).toEqual(multi.manifests.map((m) => m.digest));
    const arm = JSON.parse(await skopeo(["inspect", NO_TLS, "--override-arch=arm64", ref("stackhpc-dev/nova-api", multi.tag)]));
    expect(arm.Architecture).toBe("arm64");
    expect(arm.Digest).toBe(multi.digest);
    const tags = JSON.parse(await skopeo(["list-tags", NO_TLS, `docker://${emu.registryHost}/stackhpc-dev/nova-api`]));
    expect(tags.Tags).toEqual([multi.tag]);
    const out = join(work, "pulled");
    await skopeo(["copy", "--quiet", "--all", "--preserve-digests", "--src-tls-verify=false", `docker://${emu.registryHost}/stackhpc-dev/nova-api@${multi.digest}`, `oci:${out}:pulled`]);
    const back = JSON.parse(await skopeo(["inspect", "--raw", `oci:${out}:pulled`]));
    expect(back.manifests.length).toBe(2);
  });

  it("a private distribution refuses anonymous pulls and serves users with pull permission", async () => {
    const dist = (await api(emu, "GET", "distributions/container/container/?name=stackhpc-dev/nova-api")).body.results[0];
    const patch = await api(emu, "PATCH", dist.pulp_href, { private: true });
    expect(patch.status).toBe(202);
    await emu.idle();
    const anon = await skopeoFails(["inspect", "--raw", NO_TLS, ref("stackhpc-dev/nova-api", multi.tag)]);
    expect(anon).toMatch(/unauthorized|authentication required|denied/i);
    await createUser(emu, "client", "client-pw");
    const client = await skopeoFails(["inspect", "--raw", NO_TLS, "--creds=client:client-pw", ref("stackhpc-dev/nova-api", multi.tag)]);
    expect(client).toMatch(/unauthorized|authentication required|denied/i);
    const role = await api(emu, "POST", `${dist.namespace}add_role/`, { role: "container.containernamespace_consumer", users: ["client"] });
    expect(role.status).toBe(201);
    const raw = JSON.parse(await skopeo(["inspect", "--raw", NO_TLS, "--creds=client:client-pw", ref("stackhpc-dev/nova-api", multi.tag)]));
    expect(raw.manifests.length).toBe(2);
    expect(JSON.parse(await skopeo(["inspect", "--raw", NO_TLS, CREDS, ref("stackhpc-dev/nova-api", multi.tag)])).manifests.length).toBe(2);
  });

  it("push needs namespace rights: a consumer cannot push, a collaborator can", async () => {
    const push = (creds: string, name: string) =>
      ["copy", "--quiet", "--dest-tls-verify=false", `--dest-creds=${creds}`, `oci:${single.dir}:v1`, ref(name, "v1")];
    expect(await skopeoFails(push("client:client-pw", "stackhpc-dev/keystone"))).toMatch(/unauthorized|authentication required|denied/i);
    await createUser(emu, "ci", "ci-pw");
    const ns = (await api(emu, "GET", "pulp_container/namespaces/?name=stackhpc-dev")).body.results[0];
    await api(emu, "POST", `${ns.pulp_href}add_role/`, { role: "container.containernamespace_collaborator", users: ["ci"] });
    await skopeo(push("ci:ci-pw", "stackhpc-dev/keystone"));
    expect(JSON.parse(await skopeo(["inspect", "--raw", NO_TLS, ref("stackhpc-dev/keystone", "v1")])).config.digest).toBe(single.blobs[0]!.digest);
    // Without namespace-creation permission a user cannot create a new namespace.
    expect(await skopeoFails(push("ci:ci-pw", "elsewhere/keystone"))).toMatch(/unauthorized|authentication required|denied/i);
  });

  it.skipIf(podmanProblem)("podman pushes and pulls (vfs storage)", async () => {
    const root = join(work, "podman");
    const storage = ["--root", join(root, "root"), "--runroot", join(root, "run"), "--storage-driver", "vfs"];
    await run("podman", [...storage, "pull", "--quiet", `oci:${single.dir}:v1`]);
    const images = (await run("podman", [...storage, "images", "--format", "{{.ID}}"])).toString().trim().split("\n");
    const target = `${emu.registryHost}/stackhpc-dev/podman-image:p1`;
    await run("podman", [...storage, "tag", images[0]!, target]);
    await run("podman", [...storage, "push", "--quiet", "--tls-verify=false", CREDS, target]);
    expect(JSON.parse(await skopeo(["list-tags", NO_TLS, `docker://${emu.registryHost}/stackhpc-dev/podman-image`])).Tags).toEqual(["p1"]);
    await run("podman", [...storage, "rmi", "--all", "--force"]);
    await run("podman", [...storage, "pull", "--quiet", "--tls-verify=false", target]);
    const after = (await run("podman", [...storage, "images", "--format", "{{.Repository}}:{{.Tag}}"])).toString();
    expect(after).toContain("stackhpc-dev/podman-image:p1");
  });
});
