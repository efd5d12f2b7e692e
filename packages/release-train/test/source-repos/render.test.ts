// source-repo-sync --render over the shared source-repositories configuration, checked file by
// file against what the source-repo-sync role would put on each branch; plus config errors.
import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describeWithShared, sharedDir } from "@release-train/test-support/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { loadSourceReposConfig } from "../../src/source-repos/config";
import { renderRepository } from "../../src/source-repos/render";
import { KNOWN_WORKFLOWS } from "../../src/source-repos/templates";

const BIN = resolve(dirname(fileURLToPath(import.meta.url)), "../../bin/release-train.mjs");

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const env = { ...process.env };
    delete env["GITHUB_ACTIONS"];
    delete env["GITHUB_TOKEN"];
    execFile(process.execPath, [BIN, ...args], { env }, (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name))).sort();
}

let out: string;
beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), "rt-render-"));
});
afterAll(async () => {
  await rm(out, { recursive: true, force: true });
});

const RELEASES = ["2023.1", "2024.1", "2025.1", "2026.1", "master", "yoga", "zed"];

describeWithShared("source-repo-sync --render with the shared source-repositories", () => {
  let files: string[];
  const read = (path: string) => readFile(join(out, path), "utf8");

  beforeAll(async () => {
    const config = join(sharedDir()!, "release-train-config");
    const run = await cli(["source-repo-sync", "--config", config, "--render", out, "--workflow-ref", "v1.4.0", "--default-branch", "bifrost=stackhpc/2025.1"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    files = await filesUnder(out);
  });

  it("writes exactly the files the role would, per repository and branch", () => {
    const perRelease = (repo: string, releases: string[], workflows: string[]) =>
      releases.flatMap((r) => [`${repo}/stackhpc/${r}/.github/CODEOWNERS`, ...workflows.map((w) => `${repo}/stackhpc/${r}/.github/workflows/${w}.yml`)]);
    const expected = [
      // single-branch and docs: CODEOWNERS on the default branch only.
      "beokay/master/.github/CODEOWNERS",
      "kayobe-automation/master/.github/CODEOWNERS",
      "openstack-admin-guide/master/.github/CODEOWNERS",
      // openstack: upstream-sync on the default branch, tox + tag-and-release on every release.
      "kolla/master/.github/CODEOWNERS",
      "kolla/master/.github/workflows/upstream-sync.yml",
      ...perRelease("kolla", RELEASES, ["tag-and-release", "tox"]),
      "kayobe/master/.github/CODEOWNERS",
      "kayobe/master/.github/workflows/upstream-sync.yml",
      ...perRelease("kayobe", RELEASES, ["tag-and-release", "tox"]),
      "kolla-ansible/master/.github/CODEOWNERS",
      "kolla-ansible/master/.github/workflows/upstream-sync.yml",
      ...perRelease("kolla-ansible", RELEASES, ["tag-and-release", "tox"]),
      // ignored_workflows: no upstream-sync, no tox.
      "stackhpc-kayobe-config/master/.github/CODEOWNERS",
      ...perRelease("stackhpc-kayobe-config", RELEASES, ["tag-and-release"]),
      // ansible: its workflow list on the default branch.
      "ansible-collection-kayobe-workflows/master/.github/CODEOWNERS",
      "ansible-collection-kayobe-workflows/master/.github/workflows/lint-collection.yml",
      "ansible-collection-kayobe-workflows/master/.github/workflows/publish-collection.yml",
      // default branch is a listed release branch: nothing default-branch-only.
      ...perRelease("bifrost", ["2024.1", "2025.1", "2026.1"], ["tag-and-release", "tox"]),
      // no synced releases: no upstream-sync (a workflow without jobs is invalid).
      "barbican/master/.github/CODEOWNERS",
      "blazar/master/.github/CODEOWNERS",
      "cinder/master/.github/CODEOWNERS",
      "cinder/master/.github/workflows/upstream-sync.yml",
      ...perRelease("cinder", ["2023.1", "2024.1", "2025.1"], ["tag-and-release", "tox"]),
    ].sort();
    expect(files).toEqual(expected);
  });

  it("renders CODEOWNERS from the referenced community_files", async () => {
    expect(await read("kolla/stackhpc/zed/.github/CODEOWNERS")).toBe("* @stackhpc/kayobe\n");
    expect(await read("cinder/master/.github/CODEOWNERS")).toBe("* @stackhpc/openstack\n");
  });

  it("upstream-sync: weekly cron, dispatch, one job per release calling the pinned reusable workflow", async () => {
    const wf = parse(await read("kolla/master/.github/workflows/upstream-sync.yml"));
    expect(wf.on).toEqual({ schedule: [{ cron: "15 6 * * 1" }], workflow_dispatch: null });
    expect(wf.permissions).toEqual({ contents: "read" });
    expect(Object.keys(wf.jobs)).toEqual([...RELEASES.map((r) => `synchronise-${r.replace(".", "-")}`), "alert"]);
    expect(wf.jobs.alert).toMatchObject({ needs: RELEASES.map((r) => `synchronise-${r.replace(".", "-")}`), if: "failure()" });
    expect(wf.jobs.alert.steps[0].uses).toBe("stackhpc/release-train/actions/slack-alert@v1.4.0");
    expect(wf.jobs["synchronise-2025-1"]).toEqual({
      name: "Synchronise 2025.1",
      permissions: { contents: "write", "pull-requests": "write", actions: "read" },
      uses: "stackhpc/release-train/.github/workflows/upstream-sync.yml@v1.4.0",
      with: { release_series: "2025.1", upstream_repository: "openstack/kolla", slack_alert: false },
      secrets: "inherit",
    });
    const cinder = parse(await read("cinder/master/.github/workflows/upstream-sync.yml"));
    expect(Object.keys(cinder.jobs)).toEqual(["synchronise-2023-1", "synchronise-2024-1", "synchronise-2025-1", "alert"]);
  });

  it("tag-and-release: on push to its branch, upstream from workflow_args", async () => {
    const wf = parse(await read("stackhpc-kayobe-config/stackhpc/2024.1/.github/workflows/tag-and-release.yml"));
    expect(wf.on).toEqual({ push: { branches: ["stackhpc/2024.1"] } });
    expect(wf.jobs["tag-and-release"]).toEqual({
      permissions: { contents: "write" },
      uses: "stackhpc/release-train/.github/workflows/tag-and-release.yml@v1.4.0",
      with: { release_series: "2024.1", upstream_repository: "openstack/kayobe-config" },
      secrets: "inherit",
    });
    const plain = parse(await read("kolla/stackhpc/master/.github/workflows/tag-and-release.yml"));
    expect(plain.jobs["tag-and-release"].with).toEqual({ release_series: "master" });
  });

  it("tox: on pull requests, least privilege", async () => {
    const wf = parse(await read("kolla/stackhpc/2023.1/.github/workflows/tox.yml"));
    expect(wf).toMatchObject({ on: { pull_request: null }, permissions: { contents: "read" }, jobs: { tox: { uses: "stackhpc/release-train/.github/workflows/tox.yml@v1.4.0" } } });
  });

  it("every rendered workflow is YAML with a header saying it is managed", async () => {
    for (const file of files.filter((f) => f.endsWith(".yml"))) {
      const text = await read(file);
      expect(text.startsWith("---\n# Managed by release-train source-repo-sync")).toBe(true);
      expect(parse(text).jobs, file).toBeTypeOf("object");
    }
  });
});

describe("source-repositories configuration", () => {
  it("per-release ignores and additional releases follow the role", async () => {
    const dir = await mkdtemp(join(tmpdir(), "rt-srcfg-"));
    await writeFile(
      join(dir, "source-repositories"),
      `maintained_releases: ["2025.1", "2024.1"]
openstack_workflows: {default_branch_only: [upstream-sync], elsewhere: [tox, tag-and-release]}
source_repositories:
  nova:
    synced_releases: ["2025.1", "2023.1"]
    additional_releases: ["2023.1"]
    workflows:
      per_release_ignored_workflows:
        "2025.1": [tox]
      additional_workflows:
        default_branch_only: [tox]
`,
    );
    const config = await loadSourceReposConfig(dir, KNOWN_WORKFLOWS);
    const nova = config.repositories[0]!;
    expect(nova.releases).toEqual(["2023.1", "2025.1"]);
    const rendered = renderRepository(nova, { defaultBranches: { nova: "main" } });
    expect(rendered.map((b) => [b.branch, b.files.map((f) => f.path)])).toEqual([
      ["main", [".github/workflows/tox.yml", ".github/workflows/upstream-sync.yml"]],
      ["stackhpc/2023.1", [".github/workflows/tag-and-release.yml", ".github/workflows/tox.yml"]],
      ["stackhpc/2025.1", [".github/workflows/tag-and-release.yml"]],
    ]);
    await rm(dir, { recursive: true, force: true });
  });

  it("reports every problem with file, YAML path and line before anything is written", async () => {
    const dir = await mkdtemp(join(tmpdir(), "rt-srcfg-"));
    await writeFile(
      join(dir, "source-repositories"),
      `maintained_releases: [zed]
openstack_workflows: {default_branch_only: [upstream-sync], elsewhere: [tox, deploy]}
community_files: {codeowners: {kayobe: "* @stackhpc/kayobe\\n"}}
source_repositories:
  kolla:
    repository_type: openstak
  nova:
    synced_release: [zed]
    community_files:
      - codeowners:
          content: "{{ community_files.codeowners.nova }}"
          dest: "../CODEOWNERS"
`,
    );
    const render = join(dir, "out");
    const run = await cli(["source-repo-sync", "--config", dir, "--render", render]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("source-repositories:6:22: source_repositories.kolla.repository_type: must be one of openstack, single-branch, docs, branchless, ansible");
    expect(run.stderr).toContain('source-repositories:8:21: source_repositories.nova.synced_release: unknown field "synced_release"');
    expect(run.stderr).toContain("source_repositories.nova.community_files[0].codeowners.content: community_files.codeowners.nova is not defined");
    expect(run.stderr).toContain("source_repositories.nova.community_files[0].codeowners.dest: must be a relative path inside the repository");
    expect(run.stderr).toContain('source_repositories.nova.workflows: no template for workflow "deploy"');
    expect(run.stderr).toMatch(/^5 problems in configuration /);
    await expect(readdir(render)).rejects.toThrow();
    await rm(dir, { recursive: true, force: true });
  });
});
