// Bad promotion inputs are reported before Pulp is contacted, naming the option, file and line.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PromoteCliOptions, runPromoteContainersCli, runPromotePackagesCli } from "../../src/cli/promote";
import { ConfigError, formatProblems } from "../../src/config/errors";

let dir: string;
let config: string;
// Nothing listens here: any request would fail with a connection error, not the expected message.
const base = (): PromoteCliOptions => ({ config, pulpUrl: "http://127.0.0.1:9", username: "admin" });
const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: Error) => e);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "promote-inputs-"));
  config = join(dir, "config");
  await mkdir(config);
  await writeFile(join(config, "rpm-package-repos"), "rpm_package_repos: []\n");
  await writeFile(join(config, "deb-package-repos"), "deb_package_repos: []\n");
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("promotion input errors", () => {
  it("needs exactly one source of pins", async () => {
    expect((await failure(runPromotePackagesCli(base())))?.message).toBe("give either --kayobe-config <checkout> or --versions <map>, not both or neither");
    expect((await failure(runPromoteContainersCli({ ...base(), tags: "{}", kayobeConfig: dir })))?.message).toBe("give either --kayobe-config <checkout> or --tags <map>, not both or neither");
  });

  it("names the option and every bad entry of an explicit map", async () => {
    const error = await failure(runPromotePackagesCli({ ...base(), versions: '{"a": "2026-01-01", "b": 7, "c": "20260101T000000"}' }));
    expect(error?.message).toBe('--versions: a: invalid version "2026-01-01": expected YYYYMMDDTHHMMSS; b: version must be a string, not 7');
    expect((await failure(runPromotePackagesCli({ ...base(), versions: join(dir, "nope.json") })))?.message).toMatch(/^--versions: cannot read ".*nope.json": ENOENT/);
    expect((await failure(runPromoteContainersCli({ ...base(), tags: '{"nova-api": ["bad tag"], "keystone": []}' })))?.message).toBe(
      '--tags: nova-api: expected a list of valid tags, got ["bad tag"]; keystone: expected a list of valid tags, got []',
    );
  });

  it("points at the line of a bad pin in the kayobe-config checkout", async () => {
    const kayobe = join(dir, "kayobe");
    await mkdir(join(kayobe, "etc/kayobe"), { recursive: true });
    await writeFile(join(kayobe, "etc/kayobe/pulp-repo-versions.yml"), "---\nstackhpc_pulp_repo_a_version: 20260101T000000\nstackhpc_pulp_repo_b_version: latest\n");
    const error = await failure(runPromotePackagesCli({ ...base(), kayobeConfig: kayobe }));
    expect(error).toBeInstanceOf(ConfigError);
    expect(formatProblems(error as ConfigError, kayobe)).toBe('etc/kayobe/pulp-repo-versions.yml:3:31: stackhpc_pulp_repo_b_version: invalid version "latest": expected YYYYMMDDTHHMMSS');
  });

  it("rejects a bad Pulp URL and a bad guard type by name", async () => {
    await writeFile(join(config, "dev-pulp-repos"), "dev_pulp_content_guards_type: kerberos\n");
    const guard = await failure(runPromotePackagesCli({ ...base(), versions: "{}" }));
    expect(guard).toBeInstanceOf(ConfigError);
    expect((guard as ConfigError).problems.map((p) => `${p.file}:${p.line}: ${p.message}`)).toEqual(['dev-pulp-repos:1: must be rbac or x509, not "kerberos"']);
    await writeFile(join(config, "dev-pulp-repos"), "dev_pulp_content_guards_rbac: []\n");
    expect((await failure(runPromoteContainersCli({ ...base(), pulpUrl: "not-a-url", tags: '{"a": ["t"]}' })))?.message).toBe('--pulp-url: not a URL: "not-a-url"');
  });
});
