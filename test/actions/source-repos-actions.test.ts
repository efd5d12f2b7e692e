// The bundled upstream-sync, tag-and-release and source-repo-sync actions run as a runner runs
// them, against the GitHub stand-in and real git.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ForkFixture, gitIn } from "@release-train/test-support/git-fixtures";
import { GitHubStandIn } from "@release-train/test-support/github/index";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runAction } from "./run-action";

const TOKEN = "ghp_action_token_1234";
let f: ForkFixture;
let github: GitHubStandIn;

beforeEach(async () => {
  f = await ForkFixture.create("rt-actions-");
  github = new GitHubStandIn({ tokens: { [TOKEN]: { login: "stackhpc-ci", scopes: ["repo", "workflow"], workflows: true } } });
  await github.start();
  await f.commit("initial", { branch: "master", files: { "README.rst": "x\n" } });
  const rel = await f.commit("release", { branch: "stable/2025.1", from: "master" });
  await f.tag("20.0.0", rel, true);
  await f.pushUpstream("master", "stable/2025.1", "--tags");
  await f.pushDownstream("master", "stable/2025.1:refs/heads/stackhpc/2025.1");
  await github.addRepository("openstack/kolla", { bare: f.upstream });
  await github.addRepository("stackhpc/kolla", { bare: f.downstream, parent: "openstack/kolla" });
});

afterEach(async () => {
  const violations = [...github.violations];
  await github.stop();
  await f.remove();
  expect(violations).toEqual([]);
});

const env = () => ({ GITHUB_API_URL: github.url, GITHUB_REPOSITORY: "stackhpc/kolla" });

describe("actions/upstream-sync", () => {
  it("opens the pull request, sets outputs and writes the summary; the token never shows", async () => {
    await f.commit("Upstream fix", { branch: "stable/2025.1" });
    await f.pushUpstream("stable/2025.1");
    const run = await runAction("upstream-sync", { "release-series": "2025.1, 2099.1", token: TOKEN }, { env: env() });
    expect(run.code).toBe(1);
    expect(JSON.parse(run.outputs["opened"]!)).toEqual(["2025.1"]);
    expect(JSON.parse(run.outputs["failed"]!)).toEqual(["2099.1"]);
    expect(run.stdout).toContain("::error::2099.1: compare: openstack/kolla has no branch stable/2099.1");
    expect(run.summary).toContain("### Upstream sync of stackhpc/kolla from openstack/kolla");
    expect(run.summary).toContain("| 2025.1 | opened |");
    expect(github.pulls).toHaveLength(1);
    // Only the runner's own masking command may carry it.
    expect((run.stdout + run.stderr).replace(`::add-mask::${TOKEN}`, "")).not.toContain(TOKEN);
  });

  it("reports every invalid input at once", async () => {
    const run = await runAction("upstream-sync", { "release-series": " ", "dry-run": "yes", repository: "kolla", token: TOKEN }, { env: env() });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("input `release-series` names no release series");
    expect(run.stdout).toContain("input `repository` must be owner/name");
    expect(run.stdout).toContain("input `dry-run` must be true or false");
  });
});

describe("actions/tag-and-release", () => {
  it("tags the pushed branch and publishes the release", async () => {
    await f.commit("Our patch", { branch: "stackhpc/2025.1", from: "stable/2025.1" });
    await f.pushDownstream("stackhpc/2025.1");
    const checkout = await f.checkout({ upstreamRemote: "upstream", downstreamRemote: "origin" });
    const run = await runAction("tag-and-release", { "release-series": "stackhpc/2025.1", path: checkout, token: TOKEN }, { env: env(), workspace: checkout });
    expect(run.stdout).not.toContain("::error");
    expect(run.code).toBe(0);
    expect(run.outputs).toMatchObject({ tag: "stackhpc/20.0.0.1", created: "true", "upstream-tag": "20.0.0", "release-url": "https://github.com/stackhpc/kolla/releases/tag/stackhpc/20.0.0.1" });
    expect(await gitIn(f.downstream, ["tag", "--list", "stackhpc/*"])).toBe("stackhpc/20.0.0.1");
    expect(run.summary).toContain("created `stackhpc/20.0.0.1`");
  });
});

describe("actions/source-repo-sync", () => {
  it("opens the pull request for a configured repository", async () => {
    const config = await mkdtemp(join(tmpdir(), "rt-actions-config-"));
    await writeFile(
      join(config, "source-repositories"),
      'maintained_releases: ["2025.1"]\nopenstack_workflows: {default_branch_only: [upstream-sync], elsewhere: [tox, tag-and-release]}\nsource_repositories:\n  kolla:\n    synced_releases: ["2025.1"]\n',
    );
    try {
      const run = await runAction("source-repo-sync", { config, "workflow-ref": "v1.0.0", token: TOKEN }, { env: { GITHUB_API_URL: github.url } });
      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
      expect(JSON.parse(run.outputs["results"]!).map((r: { branch: string; status: string }) => `${r.branch} ${r.status}`)).toEqual(["master opened", "stackhpc/2025.1 opened"]);
      expect(run.summary).toContain("### Source repository sync");
      expect(github.pulls.map((p) => p.head)).toEqual(["master-workflows", "stackhpc/2025.1-workflows"]);
    } finally {
      await rm(config, { recursive: true, force: true });
    }
  }, 180_000);
});
