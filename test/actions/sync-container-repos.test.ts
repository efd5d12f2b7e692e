// The bundled sync-container-repos action run as a runner runs it (INPUT_*, GITHUB_OUTPUT,
// GITHUB_STEP_SUMMARY) against two emulators with images pushed by CI: publish in Ark, then mirror
// into the test Pulp; every invalid input reported at once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, type ContainerWorld, containerWorld } from "../containers/fixture";
import { runAction } from "./run-action";

describe("sync-container-repos action", () => {
  let w: ContainerWorld;
  beforeAll(async () => {
    w = await containerWorld(["keystone", "nova-api"], ["keystone"]);
  });
  afterAll(async () => {
    await w?.stop();
  });

  it("publishes in Ark and mirrors into the test Pulp; outputs and job summary", async () => {
    const ark = await runAction("sync-container-repos", { config: w.config, target: "ark", "pulp-url": w.ark.url, "pulp-username": ADMIN.username, "pulp-password": ADMIN.password });
    expect(ark.code, ark.stdout + ark.stderr).toBe(0);
    expect(JSON.parse(ark.outputs["images"]!)).toEqual(["stackhpc-dev/keystone", "stackhpc-dev/nova-api"]);
    expect(JSON.parse(ark.outputs["not-pushed"]!)).toEqual(["stackhpc-dev/nova-api"]);
    expect(ark.summary).toContain("### Container images → Ark: publish");
    expect(ark.stdout).toContain("::group::stackhpc-dev/keystone: changed");
    expect(ark.stdout.replace(/::add-mask::.*\n/g, "")).not.toContain(ADMIN.password);
    // The Ark user both pulls (registry) and lists Ark's push repositories (API): the emulator's API
    // admits staff only, so the admin plays it here.
    const test = await runAction("sync-container-repos", {
      config: w.config,
      target: "test",
      "pulp-url": w.test.url,
      "pulp-username": ADMIN.username,
      "pulp-password": ADMIN.password,
      "ark-url": w.ark.url,
      "ark-username": ADMIN.username,
      "ark-password": ADMIN.password,
    });
    expect(test.code, test.stdout + test.stderr).toBe(0);
    expect(JSON.parse(test.outputs["failed"]!)).toEqual([]);
    expect(test.summary).toMatch(/stackhpc-dev\/keystone \| created remote/);
    expect(Object.keys(JSON.parse(test.outputs["tasks"]!))).toEqual(["stackhpc-dev/keystone"]);
  });

  it("reports every invalid input at once", async () => {
    const bad = await runAction("sync-container-repos", { config: w.config, target: "test", "pulp-url": "not a url", "pulp-username": "", "pulp-password": "x", concurrency: "0" });
    expect(bad.code).not.toBe(0);
    for (const name of ["pulp-url", "pulp-username", "concurrency", "ark-url", "ark-username", "ark-password"]) expect(bad.stdout).toContain(`input \`${name}\``);
  });
});
