// `release-train kolla-build` as a user runs it: --plan prints the tags and matrix as JSON; bad
// options fail naming the option before anything runs; --dry-run prints the kayobe commands.
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const BIN = resolve(import.meta.dirname, "../bin/release-train.mjs");
let root: string;

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const env = { ...process.env };
    for (const name of ["GITHUB_ACTIONS", "GITHUB_TOKEN", "GITHUB_STEP_SUMMARY", "KOLLA_REGISTRY"]) delete env[name];
    execFile(process.execPath, [BIN, "kolla-build", ...args], { env, cwd: root }, (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "rt-kolla-cli-"));
  await writeFile(join(root, ".gitreview"), "[gerrit]\ndefaultbranch=unmaintained/2023.1\n");
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("release-train kolla-build", () => {
  it("--plan prints tags and the matrix, reading the release from .gitreview", async () => {
    const run = await cli(["--plan", "--distros", "rocky-9 ubuntu-jammy", "--timestamp", "20240709T132012"]);
    expect(run.stderr).toBe("");
    const plan = JSON.parse(run.stdout);
    expect(plan.openstackRelease).toBe("2023.1");
    expect(plan.matrix.include.map((m: { tag: string }) => m.tag)).toEqual(["2023.1-rocky-9-20240709T132012", "2023.1-ubuntu-jammy-20240709T132012"]);
  });

  it("rejects bad inputs naming them, all at once", async () => {
    const run = await cli(["--plan", "--distros", "", "--no-overcloud", "--regexes", "a[", "--timestamp", "now"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("input `distros` selects no distro");
    expect(run.stderr).toContain("input `overcloud` and `seed` are both false");
    expect(run.stderr).toContain('input `regexes` has an invalid regular expression "a["');
    expect(run.stderr).toContain('input `timestamp` is invalid: "now"');
    const engine = await cli(["--engine", "containerd"]);
    expect(engine.stderr).toContain("option '--engine <engine>' argument 'containerd' is invalid");
    const registry = await cli(["--distros", "rocky-9"]);
    expect(registry.stderr).toContain("--registry (or $KOLLA_REGISTRY) is required to build");
  });

  it("--dry-run prints the build commands and runs nothing", async () => {
    const run = await cli(["--dry-run", "--distros", "ubuntu-noble", "--seed", "--registry", "ark.example.com", "--timestamp", "20251124T200000", "--build-command", "/nonexistent/kayobe", "--build-arg=-e", "--build-arg=x=1"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("would run: /nonexistent/kayobe overcloud container image build -e kolla_base_distro=ubuntu -e kolla_base_distro_version=noble -e kolla_tag=2023.1-ubuntu-noble-20251124T200000 -e kolla_docker_registry=ark.example.com -e kolla_docker_namespace=stackhpc-dev -e container_engine=docker -e x=1");
    expect(run.stdout).toContain("would run: /nonexistent/kayobe seed container image build");
  });
});
