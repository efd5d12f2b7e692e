/**
 * The project's registry client against Pulp's token flow (the emulator's registry) and against
 * Debian's docker-registry (no auth): push an OCI layout (image and multi-arch index), read it
 * back with digests verified, page tag lists, and refuse what the registry refuses.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildOciImage, type BuiltOciImage, type Registry, startRegistry } from "@release-train/pulp-emulator/fixtures";
import { type Emulator, startEmulator } from "@release-train/pulp-emulator";
import { pushOciLayout, RegistryClient, RegistryHttpError } from "../src/registry/index";
import { execFile } from "node:child_process";
import { promisify } from "node:util";

// Async: skopeo talks to the emulator served by this very process.
const exec = promisify(execFile);

describe("RegistryClient", () => {
  let emu: Emulator;
  let registry: Registry;
  let index: BuiltOciImage;
  let image: BuiltOciImage;

  beforeAll(async () => {
    [emu, registry] = await Promise.all([startEmulator({ vault: false }), startRegistry()]);
    index = await buildOciImage({ name: "nova-api", tag: "t1", files: { a: "1" }, platforms: [{ os: "linux", architecture: "amd64" }, { os: "linux", architecture: "arm64" }] });
    image = await buildOciImage({ name: "keystone", tag: "k1", files: { k: "1" } });
  });
  afterAll(async () => {
    await Promise.all([emu?.stop(), registry?.stop()]);
  });

  for (const which of ["emulator", "docker-registry"] as const) {
    it(`pushes an OCI index and an image to ${which}; reads them back`, async () => {
      const url = which === "emulator" ? emu.url : registry.url;
      const client = new RegistryClient({ url, ...(which === "emulator" ? { username: "admin", password: "password" } : {}) });
      try {
        await client.ping();
        const pushed = await pushOciLayout(client, index.dir, "stackhpc-dev/nova-api", { tag: "t1", destTag: "2025.1-rocky-9-1" });
        expect(pushed).toMatchObject({ digest: index.digest, uploaded: 4 });
        const again = await pushOciLayout(client, index.dir, "stackhpc-dev/nova-api", { tag: "t1", destTag: "2025.1-rocky-9-2" });
        expect(again.uploaded).toBe(0);
        await pushOciLayout(client, image.dir, "stackhpc-dev/keystone", { tag: "k1" });
        const m = await client.getManifest("stackhpc-dev/nova-api", "2025.1-rocky-9-1");
        expect(m).toMatchObject({ digest: index.digest, mediaType: "application/vnd.oci.image.index.v1+json" });
        expect(await client.headManifest("stackhpc-dev/nova-api", index.digest)).toMatchObject({ digest: index.digest });
        expect(await client.headManifest("stackhpc-dev/nova-api", "missing")).toBeUndefined();
        const blob = image.blobs[1]!;
        expect((await client.getBlob("stackhpc-dev/keystone", blob.digest)).length).toBe(blob.size);
        expect((await client.listTags("stackhpc-dev/nova-api")).sort()).toEqual(["2025.1-rocky-9-1", "2025.1-rocky-9-2"]);
        expect((await client.catalog()).sort()).toEqual(["stackhpc-dev/keystone", "stackhpc-dev/nova-api"]);
        // skopeo sees the same image.
        const { stdout: raw } = await exec("skopeo", ["inspect", "--raw", "--tls-verify=false", ...(which === "emulator" ? ["--creds=admin:password"] : []), `docker://${client.host}/stackhpc-dev/nova-api:2025.1-rocky-9-1`]);
        expect(JSON.parse(raw).manifests).toHaveLength(2);
      } finally {
        await client.close();
      }
    });
  }

  it("follows Link pagination of tags/list (Pulp pages it)", async () => {
    const client = new RegistryClient({ url: emu.url, username: "admin", password: "password" });
    for (const tag of ["p1", "p2", "p3", "p4", "p5"]) await pushOciLayout(client, image.dir, "stackhpc-dev/paged", { tag: "k1", destTag: tag });
    expect(await client.listTags("stackhpc-dev/paged", 2)).toEqual(["p1", "p2", "p3", "p4", "p5"]);
    await client.close();
  });

  it("anonymous: pulls public images, refused a push with the registry's error code", async () => {
    const anon = new RegistryClient({ url: emu.url });
    expect((await anon.getManifest("stackhpc-dev/keystone", "k1")).digest).toBe(image.digest);
    const err = await pushOciLayout(anon, image.dir, "stackhpc-dev/anon", { tag: "k1" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RegistryHttpError);
    expect((err as RegistryHttpError).status).toBe(401);
    // A HEAD has no body; a GET carries the registry's error code.
    await expect(anon.getManifest("stackhpc-dev/anon", "k1")).rejects.toMatchObject({ status: 401, code: "UNAUTHORIZED" });
    const wrong = new RegistryClient({ url: emu.url, username: "admin", password: "nope" });
    await expect(wrong.listTags("stackhpc-dev/keystone")).rejects.toMatchObject({ status: 401 });
    await Promise.all([anon.close(), wrong.close()]);
  });
});
