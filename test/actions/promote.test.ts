// The bundled promote action, run as a GitHub runner runs it, against the Pulp emulator: inputs
// checked all at once, secrets masked, check mode writes nothing, outputs and the audit record.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Emulator, pushImage, startEmulator } from "@release-train/pulp-emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type InputName, InputError, readInputs } from "../../actions/promote/src/inputs";
import { actionMetadata, runAction } from "./run-action";

const ADMIN = { username: "admin", password: "password" };
const TAG = "2025.1-rocky-9-20261201T000000";

function problems(given: Partial<Record<InputName, string>>): string[] {
  const declared = actionMetadata("promote").inputs ?? {};
  try {
    readInputs((name) => given[name] ?? (declared[name]?.default as string | undefined) ?? "");
  } catch (error) {
    if (error instanceof InputError) return error.problems;
    throw error;
  }
  return [];
}

describe("promote action inputs", () => {
  it("lists every problem at once", () => {
    expect(problems({ kind: "images", config: "cfg", mode: "undo", "pulp-url": "ftp://x", "check-mode": "yes", concurrency: "0" })).toEqual([
      "input `kind` must be packages or containers",
      "input `mode` must be promote or demote",
      "input `check-mode` must be true or false",
      "input `concurrency` must be a positive integer",
      "input `pulp-url` must be an http(s) URL",
    ]);
    expect(problems({ kind: "packages", config: "cfg", "pulp-url": "https://ark", "pulp-username": "u", tags: '{"a": ["b"]}', versions: "[1]" })).toEqual([
      'input `versions` must be a JSON object {"<short_name>": "<version>"}',
      "input `tags` is not used with kind packages",
    ]);
    expect(problems({ kind: "packages", config: "cfg", "pulp-url": "https://ark", "pulp-username": "u", tags: '{"a": ["b"]}' })).toEqual([
      "input `kayobe-config` give either kayobe-config or versions (kind packages), not both or neither",
      "input `tags` is not used with kind packages",
    ]);
  });
});

describe("promote action against the Pulp emulator", () => {
  let dir: string;
  let ark: Emulator;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "promote-action-"));
    ark = await startEmulator(ADMIN);
    const push = ark.ctx.createRepository("container/container-push", "container.container-push", {
      name: "stackhpc-dev/keystone",
      description: null,
      pulp_labels: {},
      retain_repo_versions: null,
      manifest_signing_service: null,
    });
    pushImage(ark.ctx, push, { tag: TAG });
  });
  afterAll(async () => {
    await ark?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const inputs = (extra: Record<string, string> = {}) => ({
    kind: "containers",
    config: dir,
    tags: JSON.stringify({ keystone: [TAG] }),
    "pulp-url": ark.url,
    "pulp-username": ADMIN.username,
    "pulp-password": ADMIN.password,
    ...extra,
  });

  it("check mode: plan in the log and the summary as a diff, nothing written, password never printed", async () => {
    ark.requestLog.length = 0;
    const run = await runAction("promote", inputs({ "check-mode": "true" }));
    expect(run.code).toBe(0);
    expect(ark.requestLog.filter((r) => r.method !== "GET")).toEqual([]);
    expect(run.stdout).toContain(`~ stackhpc/keystone:${TAG}: none → sha256:`);
    expect(run.summary).toContain("```diff");
    expect(run.outputs["promoted"]).toBe('["keystone"]');
    const printed = `${run.stdout}${run.stderr}${run.summary}`.split("\n").filter((l) => !l.startsWith("::add-mask::"));
    expect(printed.join("\n")).not.toContain(ADMIN.password);
  });

  it("promotes, writes the audit record, and a re-run skips", async () => {
    const auditFile = join(dir, "audit.json");
    const run = await runAction("promote", inputs({ "audit-file": auditFile }), { env: { GITHUB_ACTOR: "release-bot" } });
    expect(run.code).toBe(0);
    expect(run.outputs).toMatchObject({ promoted: '["keystone"]', failed: "[]", "audit-file": auditFile });
    const audit = JSON.parse(await readFile(auditFile, "utf8"));
    expect(audit).toMatchObject({ kind: "containers", who: { actor: "release-bot" }, moves: [{ item: "keystone", object: `stackhpc/keystone:${TAG}`, from: null }] });
    const again = await runAction("promote", inputs());
    expect(again.outputs).toMatchObject({ promoted: "[]", skipped: '["keystone"]' });
  });

  it("missing source tags fail the step with every missing tag named, nothing written", async () => {
    ark.requestLog.length = 0;
    const run = await runAction("promote", inputs({ tags: JSON.stringify({ keystone: ["nope"], glance: [TAG] }) }));
    expect(run.code).not.toBe(0);
    expect(run.stdout).toContain("stackhpc-dev/keystone:nope");
    expect(run.stdout).toContain(`stackhpc-dev/glance:${TAG}`);
    expect(ark.requestLog.filter((r) => r.method !== "GET")).toEqual([]);
  });
});
