// upstream-sync against the GitHub stand-in: the fork and its upstream are real bare repositories
// (the fork shares the upstream's objects, as a GitHub fork network does).
import { ForkFixture } from "@release-train/test-support/git-fixtures";
import { GitHubStandIn } from "@release-train/test-support/github/index";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createGitHubClient } from "../../src/github/client";
import { upstreamSync } from "../../src/source-repos/upstream-sync";

const FULL = "ghp_fullscopes";
const NO_WORKFLOW = "ghp_noworkflowscope";
const INSTALLATION = "ghs_installation";
let f: ForkFixture;
let github: GitHubStandIn;

beforeEach(async () => {
  f = await ForkFixture.create("rt-usync-");
  github = new GitHubStandIn({
    tokens: {
      [FULL]: { login: "stackhpc-ci", scopes: ["repo", "workflow"], workflows: true },
      [NO_WORKFLOW]: { login: "stackhpc-ci", scopes: ["repo"], workflows: false },
      [INSTALLATION]: { login: "release-train[bot]", workflows: false },
    },
  });
  await github.start();
  await f.commit("initial", { branch: "master", files: { "README.rst": "kolla\n" } });
  await f.commit("2025.1 release", { branch: "stable/2025.1", from: "master", files: { "setup.cfg": "[metadata]\n" } });
  await f.pushUpstream("master", "stable/2025.1");
  await f.pushDownstream("master", "stable/2025.1:refs/heads/stackhpc/2025.1");
  await github.addRepository("openstack/kolla", { bare: f.upstream });
  await github.addRepository("stackhpc/kolla", { bare: f.downstream, parent: "openstack/kolla", workflows: [{ path: ".github/workflows/upstream-sync.yml", name: "Upstream Sync" }] });
});

afterEach(async () => {
  const violations = [...github.violations];
  await github.stop();
  await f.remove();
  expect(violations).toEqual([]);
});

const run = (token: string, series: string[], extra: Partial<Parameters<typeof upstreamSync>[0]> = {}) =>
  upstreamSync({
    github: createGitHubClient({ token, apiUrl: github.url, writeIntervalMs: 0 }),
    repository: "stackhpc/kolla",
    upstream: "openstack/kolla",
    series,
    date: new Date("2026-12-01T06:15:00Z"),
    now: new Date("2026-01-10T00:00:00Z"),
    ...extra,
  });

describe("upstreamSync", () => {
  it("opens one pull request when upstream is ahead, and none on a re-run", async () => {
    const a = await f.commit("Fix the thing", { branch: "stable/2025.1", files: { "kolla/a.py": "a\n" } });
    const b = await f.commit("Bump requirements", { branch: "stable/2025.1", files: { "requirements.txt": "x\n" } });
    await f.pushUpstream("stable/2025.1");
    const result = await run(FULL, ["2025.1"]);
    expect(result.results).toMatchObject([{ series: "2025.1", status: "opened", aheadBy: 2, upstreamSha: b, syncBranch: "upstream/2025.1-2026-12-01", pullRequest: { number: 1 } }]);
    expect(github.pulls).toHaveLength(1);
    const [pr] = github.pulls;
    expect(pr).toMatchObject({ title: "Synchronise 2025.1 with upstream", head: "upstream/2025.1-2026-12-01", base: "stackhpc/2025.1", headSha: b, labels: ["automated", "synchronisation"] });
    expect(pr!.body).toContain(`${a.slice(0, 10)} Fix the thing (Test Author)`);
    expect(pr!.body).toContain(`${b.slice(0, 10)} Bump requirements`);
    expect(pr!.body).toContain("https://github.com/stackhpc/kolla/compare/stackhpc/2025.1...openstack:stable/2025.1");
    expect(github.labelsOf("stackhpc/kolla").sort()).toEqual(["automated", "synchronisation"]);

    const again = await run(FULL, ["2025.1"]);
    expect(again.results[0]).toMatchObject({ status: "skipped", reason: `pull request #1 already proposes ${b.slice(0, 12)}` });
    expect(github.pulls).toHaveLength(1);
  });

  it("skips a series the fork already contains and reports each series separately", async () => {
    await f.commit("master work", { branch: "master" });
    await f.pushUpstream("master");
    await f.pushDownstream("master:refs/heads/stackhpc/master");
    const result = await run(FULL, ["2025.1", "master", "2099.1"]);
    expect(result.results.map((r) => [r.series, r.status])).toEqual([
      ["2025.1", "skipped"],
      ["master", "skipped"],
      ["2099.1", "failed"],
    ]);
    expect(result.results[1]).toMatchObject({ upstreamBranch: "master", downstreamBranch: "stackhpc/master" });
    expect(result.results[2]!.reason).toBe("compare: openstack/kolla has no branch stable/2099.1");
    expect(github.pulls).toEqual([]);
  });

  it("creates a missing downstream branch at the upstream commit", async () => {
    const up = await f.commit("2024.1", { branch: "stable/2024.1", from: "master" });
    await f.pushUpstream("stable/2024.1");
    const result = await run(FULL, ["2024.1"]);
    expect(result.results[0]).toMatchObject({ status: "opened", createdDownstreamBranch: true, reason: `created stackhpc/2024.1 at upstream ${up.slice(0, 12)}` });
    expect(await f.git("ls-remote", f.downstream, "refs/heads/stackhpc/2024.1")).toContain(up);
    expect(github.pulls).toEqual([]);
  });

  it("dry run compares and writes nothing", async () => {
    await f.commit("Fix", { branch: "stable/2025.1" });
    await f.pushUpstream("stable/2025.1");
    const result = await run(FULL, ["2025.1"], { dryRun: true });
    expect(result.results[0]).toMatchObject({ status: "skipped", reason: "would open a pull request from upstream/2025.1-2026-12-01 (1 commits)" });
    expect(github.requests.filter((r) => r.method !== "GET")).toEqual([]);
  });

  it("says exactly that a workflow-file change needs the workflows permission (classic PAT without the scope)", async () => {
    await f.commit("Add CI", { branch: "stable/2025.1", files: { ".github/workflows/ci.yml": "on: push\n" } });
    await f.pushUpstream("stable/2025.1");
    const result = await run(NO_WORKFLOW, ["2025.1"]);
    expect(result.results[0]!.status).toBe("failed");
    expect(result.results[0]!.reason).toBe(
      "sync branch: creating upstream/2025.1-2026-12-01 would add upstream changes to .github/workflows/ci.yml, and GitHub refuses that without the workflows permission (the token's scopes: repo): " +
        "use a token with it (a classic PAT with the `workflow` scope, or a GitHub App token with Workflows: read and write; the Actions GITHUB_TOKEN can never have it)",
    );
    // Decided from the compare result: no branch was attempted.
    expect(github.requests.filter((r) => r.method === "POST")).toEqual([]);
  });

  it("turns GitHub's refusal into the same message for an installation token (no scopes to check)", async () => {
    await f.commit("Add CI", { branch: "stable/2025.1", files: { ".github/workflows/ci.yml": "on: push\n" } });
    await f.pushUpstream("stable/2025.1");
    const result = await run(INSTALLATION, ["2025.1"]);
    expect(result.results[0]!.status).toBe("failed");
    expect(result.results[0]!.reason).toMatch(/^sync branch: creating upstream\/2025.1-2026-12-01 would add upstream changes to \.github\/workflows\/ci\.yml, and GitHub refuses that without the workflows permission: .* \(GitHub said: refusing to allow a GitHub App to create or update workflow `\.github\/workflows\/ci\.yml` without `workflows` permission\)$/);
    expect(github.pulls).toEqual([]);
  });

  it("warns when the fork's scheduled workflows are at risk of the 60-day disablement", async () => {
    const quiet = await run(FULL, ["2025.1"], { now: new Date("2026-03-01T00:00:00Z") });
    expect(quiet.warnings).toHaveLength(1);
    expect(quiet.warnings[0]).toMatch(/^stackhpc\/kolla: the last commit on master is \d+ days old \(2026-01-01\); GitHub disables scheduled workflows after 60 days/);
    expect(quiet.warnings[0]).toContain("gh workflow enable upstream-sync.yml");
    github.workflowsOf("stackhpc/kolla")[0]!.state = "disabled_inactivity";
    const disabled = await run(FULL, ["2025.1"]);
    expect(disabled.warnings).toEqual([
      "stackhpc/kolla: workflow .github/workflows/upstream-sync.yml is already disabled for inactivity; re-enable it with `gh workflow enable upstream-sync.yml`",
    ]);
  });
});
