/**
 * `TOKEN_AUTH_DISABLED` (`startEmulator({registry: {tokenAuth: false}})`): the registry takes Basic
 * credentials as pulp_container does then — reads open to all, writes for staff only, `/v2/`
 * needs an authenticated user.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildOciImage, type BuiltOciImage } from "../../src/fixtures";
import { type Emulator, startEmulator } from "../../src/index";
import { ADMIN, createUser, skopeo, skopeoFails } from "./helpers";

describe("registry with token auth disabled (Basic)", () => {
  let emu: Emulator;
  let image: BuiltOciImage;
  beforeAll(async () => {
    emu = await startEmulator({ vault: false, registry: { tokenAuth: false } });
    image = await buildOciImage({ name: "basic", tag: "b1", files: { b: "1" } });
    await createUser(emu, "someone", "pw");
  });
  afterAll(async () => {
    await emu?.stop();
  });

  it("answers Basic challenges; staff push, anyone pulls, others cannot push", async () => {
    const root = await fetch(`${emu.url}/v2/`);
    expect(root.status).toBe(401);
    expect(root.headers.get("www-authenticate")).toBe('Basic realm="api"');
    await skopeo(["copy", "--quiet", "--dest-tls-verify=false", `--dest-creds=${ADMIN.username}:${ADMIN.password}`, `oci:${image.dir}:b1`, `docker://${emu.registryHost}/ns/basic:b1`]);
    expect(JSON.parse(await skopeo(["inspect", "--raw", "--tls-verify=false", `docker://${emu.registryHost}/ns/basic:b1`])).layers).toHaveLength(1);
    expect(await skopeoFails(["copy", "--quiet", "--dest-tls-verify=false", "--dest-creds=someone:pw", `oci:${image.dir}:b1`, `docker://${emu.registryHost}/ns/other:b1`])).toMatch(/denied|unauthorized/i);
    const wrong = await fetch(`${emu.url}/v2/ns/basic/tags/list`, { headers: { authorization: `Basic ${Buffer.from("someone:nope").toString("base64")}` } });
    expect(wrong.status).toBe(401);
  });
});
