// source-repo-sync against the GitHub stand-in: real bare repositories, pull requests exactly
// once under injected secondary rate limits and 429s, resuming an interrupted run, replacing a
// stale work branch, dry-run diffs with zero writes.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ForkFixture, gitIn } from "@release-train/test-support/git-fixtures";
import { GitHubStandIn } from "@release-train/test-support/github/index";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createGitHubClient } from "../../src/github/client";
import { loadSourceReposConfig } from "../../src/source-repos/config";
import { sourceRepoSync } from "../../src/source-repos/sync";
import { KNOWN_WORKFLOWS } from "../../src/source-repos/templates";

const TOKEN = "ghp_sync";
let f: ForkFixture;
let github: GitHubStandIn;
let configDir: string;

beforeEach(async () => {
  f = await ForkFixture.create("rt-srs-");
  github = new GitHubStandIn({ tokens: { [TOKEN]: { login: "stackhpc-ci", scopes: ["repo", "workflow"], workflows: true } } });
  await github.start();
  await f.commit("initial", { branch: "master", files: { "README.rst": "x\n", ".github/CODEOWNERS": "* @someone\n" } });
  await f.commit("2025.1", { branch: "stackhpc/2025.1", from: "master" });
  await f.pushUpstream("master", "stackhpc/2025.1");
  configDir = await mkdtemp(join(tmpdir(), "rt-srs-config-"));
});

afterEach(async () => {
  const violations = [...github.violations];
  await github.stop();
  await f.remove();
  await rm(configDir, { recursive: true, force: true });
  expect(violations).toEqual([]);
});

/** A repository whose bare copy shares the template's objects and starts at its branches. */
async function repository(name: string): Promise<void> {
  const bare = join(f.root, "org", `${name}.git`);
  await mkdir(bare, { recursive: true });
  await gitIn(bare, ["init", "--quiet", "--bare", "-b", "master"]);
  await writeFile(join(bare, "objects", "info", "alternates"), `${join(f.upstream, "objects")}\n`);
  for (const branch of ["master", "stackhpc/2025.1"]) {
    await gitIn(bare, ["update-ref", `refs/heads/${branch}`, await gitIn(f.upstream, ["rev-parse", branch])]);
  }
  await github.addRepository(`stackhpc/${name}`, { bare });
}

async function writeConfig(body: string): Promise<void> {
  await writeFile(join(configDir, "source-repositories"), `maintained_releases: ["2025.1"]\nopenstack_workflows: {default_branch_only: [upstream-sync], elsewhere: [tox, tag-and-release]}\ncommunity_files:\n  codeowners:\n    kayobe: "* @stackhpc/kayobe\\n"\n    openstack: "* @stackhpc/openstack\\n"\nsource_repositories:\n${body}`);
}

const codeowners = (team = "kayobe") => `    community_files:\n      - codeowners:\n          content: "{{ community_files.codeowners.${team} }}"\n          dest: ".github/CODEOWNERS"\n`;

async function run(extra: Partial<Parameters<typeof sourceRepoSync>[0]> = {}) {
  const config = await loadSourceReposConfig(configDir, KNOWN_WORKFLOWS);
  return sourceRepoSync({
    github: createGitHubClient({ token: TOKEN, apiUrl: github.url, writeIntervalMs: 0, writeConcurrency: 8, warn: () => {} }),
    config,
    owner: "stackhpc",
    workflowRef: "v1.0.0",
    concurrency: 8,
    ...extra,
  });
}

const blob = (repo: string, ref: string, path: string) => gitIn(github.bareOf(repo), ["show", `${ref}:${path}`]);

describe("sourceRepoSync", () => {
  it("opens one pull request per repository and branch that differs, with the rendered files and labels", async () => {
    await repository("kolla");
    await writeConfig(`  kolla:\n    synced_releases: ["2025.1"]\n${codeowners()}`);
    const result = await run();
    expect(result.failed).toEqual([]);
    expect(result.targets.map((t) => [t.branch, t.status, t.files])).toEqual([
      ["master", "opened", [{ path: ".github/CODEOWNERS", change: "update" }, { path: ".github/workflows/upstream-sync.yml", change: "create" }]],
      [
        "stackhpc/2025.1",
        "opened",
        [
          { path: ".github/CODEOWNERS", change: "update" },
          { path: ".github/workflows/tag-and-release.yml", change: "create" },
          { path: ".github/workflows/tox.yml", change: "create" },
        ],
      ],
    ]);
    expect(github.pulls.map((p) => [p.head, p.base, p.labels])).toEqual([
      ["master-workflows", "master", ["stackhpc-ci", "workflows"]],
      ["stackhpc/2025.1-workflows", "stackhpc/2025.1", ["stackhpc-ci", "workflows"]],
    ]);
    expect(await blob("stackhpc/kolla", "stackhpc/2025.1-workflows", ".github/CODEOWNERS")).toBe("* @stackhpc/kayobe");
    expect(await blob("stackhpc/kolla", "master-workflows", ".github/workflows/upstream-sync.yml")).toContain("uses: stackhpc/release-train/.github/workflows/upstream-sync.yml@v1.0.0");

    // Re-run: nothing new, no second pull request.
    const again = await run();
    expect(again.targets.map((t) => t.status)).toEqual(["pending", "pending"]);
    expect(github.pulls).toHaveLength(2);
  });

  it("dry run lists the diffs and writes nothing", async () => {
    await repository("kolla");
    await writeConfig(`  kolla:\n    repository_type: single-branch\n    workflows: []\n${codeowners()}`);
    const result = await run({ dryRun: true });
    expect(result.targets).toMatchObject([{ branch: "master", status: "would-open" }]);
    expect(result.targets[0]!.diffs[0]).toContain("-* @someone\n+* @stackhpc/kayobe");
    expect(github.requests.filter((r) => r.method !== "GET")).toEqual([]);
  });

  it("replaces a stale work branch and keeps its pull request", async () => {
    await repository("nova");
    await writeConfig(`  nova:\n    repository_type: single-branch\n    workflows: []\n${codeowners("kayobe")}`);
    await run();
    expect(github.pulls).toHaveLength(1);
    await writeConfig(`  nova:\n    repository_type: single-branch\n    workflows: []\n${codeowners("openstack")}`);
    const second = await run();
    expect(second.targets).toMatchObject([{ status: "updated", pullRequest: { number: 1 } }]);
    expect(second.targets[0]!.actions[0]).toBe("reset stale master-workflows to master");
    expect(github.pulls).toHaveLength(1);
    expect(github.pulls[0]!.state).toBe("open");
    expect(await blob("stackhpc/nova", "master-workflows", ".github/CODEOWNERS")).toBe("* @stackhpc/openstack");
    // One commit on top of the base: the earlier proposal is gone, not stacked.
    expect(await gitIn(github.bareOf("stackhpc/nova"), ["rev-list", "--count", "master..master-workflows"])).toBe("1");
  });

  it("reports a missing branch and a missing repository, and goes on with the others", async () => {
    await repository("kolla");
    await writeConfig(`  kolla:\n    synced_releases: ["2025.1"]\n    additional_releases: ["2099.1"]\n${codeowners()}  ghost:\n    repository_type: docs\n    workflows: []\n${codeowners()}`);
    const result = await run();
    const status = Object.fromEntries(result.targets.map((t) => [`${t.repository} ${t.branch}`, t.status]));
    expect(status).toEqual({ "kolla master": "opened", "kolla stackhpc/2025.1": "opened", "kolla stackhpc/2099.1": "missing-branch", "ghost master": "failed" });
    expect(result.failed.map((t) => t.error)).toEqual(["repository stackhpc/ghost not found (or the token cannot read it)"]);
  });

  it("100 repositories under secondary rate limits and 429s: every pull request exactly once, Retry-After honoured", async () => {
    const names = Array.from({ length: 100 }, (_, i) => `repo-${String(i).padStart(3, "0")}`);
    for (const name of names) await repository(name);
    await writeConfig(names.map((n) => `  ${n}:\n    repository_type: single-branch\n    workflows: []\n${codeowners()}`).join(""));
    github.injectRateLimit({ kind: "secondary", retryAfter: 1, times: 3, match: /^PUT .*\/contents\// });
    github.injectRateLimit({ kind: "429", retryAfter: 1, times: 3, match: /^POST .*\/pulls$/ });
    github.injectRateLimit({ kind: "secondary", retryAfter: 1, times: 2, match: /^GET .*\/git\/ref\// });
    const result = await run();
    expect(result.failed).toEqual([]);
    expect(result.targets.every((t) => t.status === "opened")).toBe(true);
    expect(github.pulls).toHaveLength(100);
    expect(new Set(github.pulls.map((p) => p.repo)).size).toBe(100);
    const limited = github.requests.filter((r) => r.status === 403 || r.status === 429);
    expect(limited).toHaveLength(8);
    for (const refused of limited) {
      const retry = github.requests.find((r) => r.method === refused.method && r.url === refused.url && r.at > refused.at && r.status < 400);
      expect(retry, `${refused.method} ${refused.url} retried`).toBeDefined();
      expect(retry!.at - refused.at).toBeGreaterThanOrEqual(990);
    }
  }, 300_000);

  it("an interrupted run resumes without duplicate pull requests", async () => {
    const names = ["a", "b", "c", "d", "e", "f"];
    for (const name of names) await repository(name);
    await writeConfig(names.map((n) => `  ${n}:\n    repository_type: single-branch\n    workflows: []\n${codeowners()}`).join(""));
    // The run is cut off at the pull request of c and e (work branch and commit already pushed).
    github.injectRateLimit({ kind: "fail", status: 409, retryAfter: 0, times: 1, match: /^POST \/repos\/stackhpc\/c\/pulls$/ });
    github.injectRateLimit({ kind: "fail", status: 409, retryAfter: 0, times: 1, match: /^POST \/repos\/stackhpc\/e\/pulls$/ });
    const first = await run();
    expect(first.failed.map((t) => t.repository)).toEqual(["c", "e"]);
    expect(first.failed[0]!.error).toMatch(/^pull request: /);
    expect(github.pulls).toHaveLength(4);
    const second = await run();
    expect(second.failed).toEqual([]);
    expect(Object.fromEntries(second.targets.map((t) => [t.repository, t.status]))).toEqual({ a: "pending", b: "pending", c: "opened", d: "pending", e: "opened", f: "pending" });
    expect(github.pulls.map((p) => p.repo).sort()).toEqual(names.map((n) => `stackhpc/${n}`));
    // The resumed ones reused their work branch (already holding the files): no second commit.
    expect(await gitIn(github.bareOf("stackhpc/c"), ["rev-list", "--count", "master..master-workflows"])).toBe("1");
  });
});
