// Branch + commit + push with real git (a local bare repository as the remote) and the pull
// request call against a stand-in for GitHub's REST API that checks requests as GitHub does.
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { commitOnBranch, openOrUpdatePullRequest, parseRepository } from "../src/github";
import { PULL_REQUEST_TITLE, PULP_REPO_VERSIONS_FILE, proposeKayobeUpdate } from "../src/kayobe";
import { type GitHubStandIn, startGitHubStandIn } from "@release-train/test-support/github/index";

const TOKEN = "ghs_testtoken123";
const OWNER = "stackhpc";
const REPO = "stackhpc-kayobe-config";

const run = promisify(execFile);
const git = async (cwd: string, ...args: string[]) => (await run("git", args, { cwd })).stdout.trim();

let root: string;
let bare: string;
let work: string;
let github: GitHubStandIn;

const VERSIONS_FILE = "---\n# header\nstackhpc_pulp_repo_grafana_version: 20260701T070549\n";

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "rt-github-"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

beforeEach(async () => {
  const id = Math.random().toString(36).slice(2);
  bare = join(root, `${id}-remote.git`);
  work = join(root, `${id}-work`);
  await run("git", ["init", "--quiet", "--bare", "--initial-branch=main", bare]);
  await mkdir(join(work, "etc/kayobe"), { recursive: true });
  await git(work, "init", "--quiet", "--initial-branch=main");
  await writeFile(join(work, PULP_REPO_VERSIONS_FILE), VERSIONS_FILE);
  await writeFile(join(work, "README"), "kayobe-config\n");
  await git(work, "add", ".");
  await git(work, "-c", "user.name=Dev", "-c", "user.email=dev@example.com", "commit", "--quiet", "-m", "initial");
  await git(work, "remote", "add", "origin", bare);
  await git(work, "push", "--quiet", "origin", "main");
  github = await startGitHubStandIn({ repository: `${OWNER}/${REPO}`, bare, token: TOKEN });
});
afterEach(async () => {
  const violations = [...github.violations];
  await github.stop();
  expect(violations).toEqual([]);
});

describe("commitOnBranch", () => {
  it("commits only the given paths and returns undefined when they are unchanged", async () => {
    expect(await commitOnBranch({ cwd: work, branch: "b1", message: "m", paths: [PULP_REPO_VERSIONS_FILE] })).toBeUndefined();
    await writeFile(join(work, "README"), "edited\n");
    await writeFile(join(work, PULP_REPO_VERSIONS_FILE), `${VERSIONS_FILE}x: 1\n`);
    const sha = await commitOnBranch({ cwd: work, branch: "b1", message: "change", paths: [PULP_REPO_VERSIONS_FILE] });
    expect(sha).toMatch(/^[0-9a-f]{40}$/);
    expect(await git(work, "show", "--name-only", "--format=%an <%ae>|%s", sha!)).toBe(
      `release-train <release-train@users.noreply.github.com>|change\n\n${PULP_REPO_VERSIONS_FILE}`,
    );
    expect(await git(work, "status", "--porcelain")).toBe("M README");
  });

  it("rejects an invalid branch name", async () => {
    await expect(commitOnBranch({ cwd: work, branch: "bad..name", message: "m", paths: ["README"] })).rejects.toThrow(
      /git check-ref-format failed/,
    );
  });
});

describe("proposeKayobeUpdate", () => {
  const pullRequest = () => ({ token: TOKEN, repository: `${OWNER}/${REPO}`, base: "main", apiUrl: github.url });

  it("commits on a branch, pushes it and opens a pull request as GitHub's API requires", async () => {
    const result = await proposeKayobeUpdate({
      checkoutDir: work,
      versions: { grafana: "20261125T120000", epel: "20261125T120000" },
      branch: "release-train/pulp-repo-versions-20261125T120000",
      pullRequest: pullRequest(),
    });
    expect(result.pullRequest).toEqual({ number: 1, url: `https://github.com/${OWNER}/${REPO}/pull/1`, created: true });
    expect(result.commit).toBe(await git(bare, "rev-parse", "release-train/pulp-repo-versions-20261125T120000"));
    expect(await git(bare, "show", `${result.commit}:${PULP_REPO_VERSIONS_FILE}`)).toBe(
      "---\n# header\nstackhpc_pulp_repo_epel_version: 20261125T120000\nstackhpc_pulp_repo_grafana_version: 20261125T120000",
    );
    expect(await git(bare, "log", "-1", "--format=%B", result.commit!)).toBe(
      `${PULL_REQUEST_TITLE}\n\nstackhpc_pulp_repo_grafana_version: 20260701T070549 -> 20261125T120000\nstackhpc_pulp_repo_epel_version: (new) -> 20261125T120000`,
    );
    // The branch starts from the base branch.
    expect(await git(bare, "rev-parse", `${result.commit}~1`)).toBe(await git(bare, "rev-parse", "main"));

    const [create] = github.requests;
    expect(create).toMatchObject({
      method: "POST",
      url: `/repos/${OWNER}/${REPO}/pulls`,
      body: { title: PULL_REQUEST_TITLE, head: "release-train/pulp-repo-versions-20261125T120000", base: "main" },
    });
    expect(create!.headers.accept).toContain("application/vnd.github");
    expect((create!.body as { body: string }).body).toContain("| `stackhpc_pulp_repo_epel_version` | (new) | 20261125T120000 |");
  });

  it("updates the open pull request when GitHub answers that one already exists", async () => {
    const branch = "release-train/pulp-repo-versions";
    await proposeKayobeUpdate({ checkoutDir: work, versions: { grafana: "20261125T120000" }, branch, pullRequest: pullRequest() });
    await git(work, "checkout", "--quiet", "main");
    const second = await proposeKayobeUpdate({
      checkoutDir: work,
      versions: { grafana: "20261126T120000" },
      branch,
      pullRequest: pullRequest(),
    });
    expect(second.pullRequest).toEqual({ number: 1, url: `https://github.com/${OWNER}/${REPO}/pull/1`, created: false });
    expect(github.requests.map((r) => `${r.method} ${r.url.split("?")[0]}`)).toEqual([
      `POST /repos/${OWNER}/${REPO}/pulls`,
      `POST /repos/${OWNER}/${REPO}/pulls`,
      `GET /repos/${OWNER}/${REPO}/pulls`,
      `PATCH /repos/${OWNER}/${REPO}/pulls/1`,
    ]);
    expect(new URL(github.requests[2]!.url, github.url).searchParams.get("head")).toBe(`${OWNER}:${branch}`);
    expect(github.pulls).toHaveLength(1);
    expect(github.pulls[0]!.body).toContain("20261126T120000");
    // The branch was replaced by the new proposal.
    expect(await git(bare, "show", `${branch}:${PULP_REPO_VERSIONS_FILE}`)).toContain("grafana_version: 20261126T120000");
  });

  it("does nothing when the versions are already there", async () => {
    const result = await proposeKayobeUpdate({
      checkoutDir: work,
      versions: { grafana: "20260701T070549" },
      branch: "unused",
      pullRequest: pullRequest(),
    });
    expect(result.changed).toBe(false);
    expect(result.pullRequest).toBeUndefined();
    expect(github.requests).toEqual([]);
    expect(await git(bare, "branch", "--list", "unused")).toBe("");
  });

  it("can commit and push without a pull request", async () => {
    const result = await proposeKayobeUpdate({ checkoutDir: work, versions: { grafana: "20261125T120000" }, branch: "only-push", commit: true });
    expect(result.pullRequest).toBeUndefined();
    expect(await git(bare, "rev-parse", "only-push")).toBe(result.commit);
    expect(github.requests).toEqual([]);
  });
});

describe("openOrUpdatePullRequest", () => {
  it("takes the API root from GITHUB_API_URL and fails on bad credentials", async () => {
    const saved = process.env["GITHUB_API_URL"];
    process.env["GITHUB_API_URL"] = github.url;
    try {
      await expect(
        openOrUpdatePullRequest({ token: "wrong", repository: `${OWNER}/${REPO}`, head: "main", base: "main", title: "t", body: "b" }),
      ).rejects.toMatchObject({ status: 401 });
      expect(github.requests).toHaveLength(1);
      // GitHub rejects a head branch that does not exist; that is not "already exists".
      await expect(
        openOrUpdatePullRequest({ token: TOKEN, repository: `${OWNER}/${REPO}`, head: "nope", base: "main", title: "t", body: "b" }),
      ).rejects.toMatchObject({ status: 422 });
    } finally {
      if (saved === undefined) delete process.env["GITHUB_API_URL"];
      else process.env["GITHUB_API_URL"] = saved;
    }
  });

  it("validates owner/name", () => {
    expect(parseRepository("stackhpc/stackhpc-kayobe-config")).toEqual({ owner: "stackhpc", repo: "stackhpc-kayobe-config" });
    expect(() => parseRepository("no-slash")).toThrow(/owner\/name/);
  });
});
