// Container promotion with real images: pushed with skopeo into the emulator's registry (Pulp's
// token auth), promoted from stackhpc-dev into stackhpc, then pulled by a client user who may pull
// the release namespace while stackhpc-dev stays closed to it.
import { randomBytes } from "node:crypto";
import { mkdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PulpClient } from "@release-train/pulp-client";
import { type Emulator, startEmulator } from "@release-train/pulp-emulator";
import { buildOciImage, type BuiltOciImage } from "@release-train/pulp-emulator/fixtures";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run } from "../packages/pulp-emulator/src/run-tool";
import { runPromoteContainersCli } from "../packages/release-train/src/cli/promote";

const ADMIN = { username: "admin", password: "password" };
const CUSTOMER = { username: "customer", password: "customer-password" };
const TAG = "2025.1-rocky-9-20261201T000000";
const quiet = () => {};
const skopeo = async (args: string[]) => (await run("skopeo", args)).toString("utf8");
const fails = (args: string[]) => skopeo(args).then(
  () => "succeeded",
  (e: Error) => e.message,
);

describe("container promotion with real images (skopeo, token auth)", () => {
  let ark: Emulator;
  let client: PulpClient;
  let work: string;
  let images: Record<string, BuiltOciImage>;
  const ref = (path: string) => `docker://${ark.registryHost}/${path}`;

  beforeAll(async () => {
    ark = await startEmulator({ ...ADMIN, vault: false });
    client = new PulpClient({ baseUrl: ark.url, ...ADMIN });
    work = join(tmpdir(), `promote-registry-${randomBytes(4).toString("hex")}`);
    await mkdir(work);
    images = {
      "nova-api": await buildOciImage({ dir: join(work, "nova-api"), name: "nova-api", tag: TAG, files: { "etc/nova/release": "2025.1\n" }, platforms: [{ os: "linux", architecture: "amd64" }, { os: "linux", architecture: "arm64" }] }),
      keystone: await buildOciImage({ dir: join(work, "keystone"), name: "keystone", tag: TAG, files: { "etc/keystone/release": "2025.1\n" } }),
    };
    for (const [name, image] of Object.entries(images)) {
      await skopeo(["copy", "--quiet", "--all", "--preserve-digests", "--dest-tls-verify=false", `--dest-creds=${ADMIN.username}:${ADMIN.password}`, `oci:${image.dir}:${image.tag}`, ref(`stackhpc-dev/${name}:${TAG}`)]);
      // As the container-publish step leaves them: development distributions private.
      const dist = await client.distributions.container.findOne({ name: `stackhpc-dev/${name}` });
      await (await client.distributions.container.update(dist!.pulp_href, { private: true } as never)).wait();
    }
    await client.users.create({ username: CUSTOMER.username, password: CUSTOMER.password });
  }, 120_000);

  afterAll(async () => {
    await client?.close();
    await ark?.stop();
    await rm(work, { recursive: true, force: true });
  });

  it("promotes the pushed tags with their digests; the customer pulls stackhpc/<image> but not stackhpc-dev/<image>", async () => {
    const { result } = await runPromoteContainersCli(
      { config: work, pulpUrl: ark.url, username: ADMIN.username, tags: JSON.stringify({ "nova-api": [TAG], keystone: [TAG] }), summaryFile: join(work, "s.md") },
      { PULP_PASSWORD: ADMIN.password },
      quiet,
    );
    expect(result.failed).toEqual([]);
    const nova = result.items.find((i) => i.name === "nova-api");
    expect(nova?.moves).toEqual([{ object: `stackhpc/nova-api:${TAG}`, from: null, to: images["nova-api"]?.digest }]);

    // Release access: the customer gets pull rights on the stackhpc namespace only.
    const ns = await client.http.request("GET", `${ark.url}/pulp/api/v3/pulp_container/namespaces/?name=stackhpc`);
    const nsHref = (ns.body as { results: { pulp_href: string }[] }).results[0]?.pulp_href;
    expect(nsHref).toBeDefined();
    const added = await client.http.request("POST", `${ark.url}${nsHref}add_role/`, { body: { role: "container.containernamespace_consumer", users: [CUSTOMER.username] } });
    expect(added.status).toBe(201);

    const creds = `--creds=${CUSTOMER.username}:${CUSTOMER.password}`;
    const out = join(work, "pulled");
    await skopeo(["copy", "--quiet", "--all", "--preserve-digests", "--src-tls-verify=false", creds.replace("--creds", "--src-creds"), ref(`stackhpc/nova-api:${TAG}`), `oci:${out}:pulled`]);
    const pulled = JSON.parse(await skopeo(["inspect", "--raw", `oci:${out}:pulled`]));
    expect(pulled.manifests.map((m: { digest: string }) => m.digest)).toEqual(images["nova-api"]?.manifests.map((m) => m.digest));
    const inspected = JSON.parse(await skopeo(["inspect", "--tls-verify=false", creds, ref(`stackhpc/keystone:${TAG}`)]));
    expect(inspected.Digest).toBe(images.keystone?.digest);

    expect(await fails(["inspect", "--tls-verify=false", creds, ref(`stackhpc-dev/keystone:${TAG}`)])).toMatch(/denied|unauthorized|requested access/i);
    expect(await fails(["inspect", "--tls-verify=false", ref(`stackhpc/keystone:${TAG}`)])).toMatch(/denied|unauthorized|requested access/i);
  });

  it("demote removes the tag: the customer can no longer pull it", async () => {
    const { result } = await runPromoteContainersCli(
      { config: work, pulpUrl: ark.url, username: ADMIN.username, tags: JSON.stringify({ keystone: [TAG] }), mode: "demote", summaryFile: join(work, "s.md") },
      { PULP_PASSWORD: ADMIN.password },
      quiet,
    );
    expect(result.items[0]).toMatchObject({ status: "demoted", moves: [{ object: `stackhpc/keystone:${TAG}`, from: images.keystone?.digest, to: null }] });
    expect(await fails(["inspect", "--tls-verify=false", `--creds=${CUSTOMER.username}:${CUSTOMER.password}`, ref(`stackhpc/keystone:${TAG}`)])).toMatch(/manifest unknown|not found/i);
  });
});
