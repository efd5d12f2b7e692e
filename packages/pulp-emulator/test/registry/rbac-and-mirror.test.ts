/**
 * Registry RBAC through the REST API (model-level roles on users and groups, object roles on
 * namespaces and distributions) and an on_demand mirror: a second emulator (the test Pulp) syncs
 * a private repository from the first one's registry through the token flow and serves blobs it
 * fetches from there on first pull.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildOciImage, type BuiltOciImage } from "../../src/fixtures";
import { type Emulator, startEmulator } from "../../src/index";
import { ADMIN, api, createUser, skopeo, skopeoFails } from "./helpers";

const NO_TLS = "--tls-verify=false";

describe("registry RBAC and on_demand mirroring", () => {
  let ark: Emulator;
  let test: Emulator;
  let image: BuiltOciImage;

  beforeAll(async () => {
    [ark, test] = await Promise.all([startEmulator({ vault: false }), startEmulator({ vault: false })]);
    image = await buildOciImage({
      name: "glance-api",
      tag: "g1",
      files: { "etc/glance": "g1\n" },
      platforms: [
        { os: "linux", architecture: "amd64" },
        { os: "linux", architecture: "arm64" },
      ],
    });
  });
  afterAll(async () => {
    await Promise.all([ark?.stop(), test?.stop()]);
  });

  const push = (emu: Emulator, creds: string, name: string, tag = "g1") =>
    skopeo(["copy", "--quiet", "--all", "--preserve-digests", "--dest-tls-verify=false", `--dest-creds=${creds}`, `oci:${image.dir}:g1`, `docker://${emu.registryHost}/${name}:${tag}`]);

  it("a model-level namespace creator role (user roles API) lets a CI user create stackhpc-dev by pushing", async () => {
    const ci = await createUser(ark, "release-train-ci", "ci-pw");
    await expect(skopeoFails(["copy", "--quiet", "--dest-tls-verify=false", "--dest-creds=release-train-ci:ci-pw", `oci:${image.dir}:g1`, `docker://${ark.registryHost}/stackhpc-dev/glance-api:g1`])).resolves.toMatch(/unauthorized|denied/i);
    const role = await api(ark, "POST", `${ci.replace("/pulp/api/v3/", "")}roles/`, { role: "container.containernamespace_creator", content_object: null });
    expect(role.status).toBe(201);
    expect(role.body).toMatchObject({ role: "container.containernamespace_creator", content_object: null });
    await push(ark, "release-train-ci:ci-pw", "stackhpc-dev/glance-api");
    // The pusher owns the namespace it created (pulp_container's creation hook).
    const ns = (await api(ark, "GET", "pulp_container/namespaces/?name=stackhpc-dev")).body.results[0];
    const roles = await api(ark, "GET", `${ns.pulp_href}list_roles/`);
    expect(roles.body.roles).toEqual([{ role: "container.containernamespace_owner", users: ["release-train-ci"], groups: [] }]);
    const listed = await api(ark, "GET", `${ci.replace("/pulp/api/v3/", "")}roles/`);
    expect(listed.body.count).toBe(1);
    expect((await api(ark, "DELETE", listed.body.results[0].pulp_href)).status).toBe(204);
  });

  it("a group's distribution consumer role grants pull of one private distribution only", async () => {
    await push(ark, `${ADMIN.username}:${ADMIN.password}`, "stackhpc-dev/other");
    for (const name of ["stackhpc-dev/glance-api", "stackhpc-dev/other"]) {
      const d = (await api(ark, "GET", `distributions/container/container/?name=${name}`)).body.results[0];
      await api(ark, "PATCH", d.pulp_href, { private: true });
    }
    await ark.idle();
    await createUser(ark, "test-pulp", "tp-pw");
    const group = (await api(ark, "POST", "groups/", { name: "mirrors" })).body;
    await api(ark, "POST", `${group.pulp_href.replace("/pulp/api/v3/", "")}users/`, { username: "test-pulp" });
    const dist = (await api(ark, "GET", "distributions/container/container/?name=stackhpc-dev/glance-api")).body.results[0];
    expect((await api(ark, "POST", `${dist.pulp_href}add_role/`, { role: "container.containerdistribution_consumer", groups: ["mirrors"] })).status).toBe(201);
    expect((await api(ark, "GET", `${dist.pulp_href}list_roles/`)).body.roles).toContainEqual({ role: "container.containerdistribution_consumer", users: [], groups: ["mirrors"] });
    const ok = JSON.parse(await skopeo(["inspect", "--raw", NO_TLS, "--creds=test-pulp:tp-pw", `docker://${ark.registryHost}/stackhpc-dev/glance-api:g1`]));
    expect(ok.manifests).toHaveLength(2);
    expect(await skopeoFails(["inspect", "--raw", NO_TLS, "--creds=test-pulp:tp-pw", `docker://${ark.registryHost}/stackhpc-dev/other:g1`])).toMatch(/unauthorized|denied/i);
    expect(await skopeoFails(["inspect", "--raw", NO_TLS, `docker://${ark.registryHost}/stackhpc-dev/glance-api:g1`])).toMatch(/unauthorized|denied/i);
  });

  it("the test Pulp mirrors the private repository on_demand through Ark's token flow and serves pulls", async () => {
    const remote = await api(test, "POST", "remotes/container/container/", {
      name: "stackhpc-dev/glance-api",
      url: ark.url,
      upstream_name: "stackhpc-dev/glance-api",
      policy: "on_demand",
      username: "test-pulp",
      password: "tp-pw",
    });
    expect(remote.status).toBe(201);
    const repo = await api(test, "POST", "repositories/container/container/", { name: "stackhpc-dev/glance-api", remote: remote.body.pulp_href });
    const sync = await api(test, "POST", `${repo.body.pulp_href}sync/`, { remote: remote.body.pulp_href, mirror: true });
    expect(sync.status).toBe(202);
    await test.idle();
    const task = (await api(test, "GET", sync.body.task)).body;
    expect(task.state, JSON.stringify(task.error)).toBe("completed");
    await api(test, "POST", "distributions/container/container/", { name: "stackhpc-dev/glance-api", base_path: "stackhpc-dev/glance-api", repository: repo.body.pulp_href, private: true });
    await test.idle();
    const refused = await skopeoFails(["inspect", "--raw", NO_TLS, `docker://${test.registryHost}/stackhpc-dev/glance-api:g1`]);
    expect(refused).toMatch(/unauthorized|denied/i);
    const pulled = `${image.dir}-pulled`;
    await skopeo(["copy", "--quiet", "--all", "--preserve-digests", "--src-tls-verify=false", `--src-creds=${ADMIN.username}:${ADMIN.password}`, `docker://${test.registryHost}/stackhpc-dev/glance-api:g1`, `oci:${pulled}:g1`]);
    const inspected = JSON.parse(await skopeo(["inspect", "--raw", `oci:${pulled}:g1`]));
    expect(inspected.manifests.map((m: { digest: string }) => m.digest)).toEqual(image.manifests.map((m) => m.digest));
    // The blobs came from Ark on demand: Ark's registry served them to the test Pulp.
    expect(ark.requestLog.some((r) => r.path.startsWith("/v2/stackhpc-dev/glance-api/blobs/") && r.status === 200)).toBe(true);
  });

  it("deleting a namespace deletes its distributions and push repositories", async () => {
    const ns = (await api(ark, "GET", "pulp_container/namespaces/?name=stackhpc-dev")).body.results[0];
    expect((await api(ark, "DELETE", ns.pulp_href)).status).toBe(202);
    await ark.idle();
    expect((await api(ark, "GET", "distributions/container/container/")).body.count).toBe(0);
    expect((await api(ark, "GET", "repositories/container/container-push/")).body.count).toBe(0);
    expect((await api(ark, "GET", "pulp_container/namespaces/")).body.count).toBe(0);
  });
});
