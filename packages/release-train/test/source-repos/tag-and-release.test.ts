// tag-and-release on real git (bare upstream and fork) with the release published to the GitHub
// stand-in; and the downstream-tag CLI as users run it (JSON, exit codes).
import { execFile } from "node:child_process";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ForkFixture, gitIn } from "@release-train/test-support/git-fixtures";
import { GitHubStandIn } from "@release-train/test-support/github/index";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createGitHubClient } from "../../src/github/client";
import { tagAndRelease } from "../../src/source-repos/tag-and-release";

const BIN = resolve(dirname(fileURLToPath(import.meta.url)), "../../bin/release-train.mjs");
const TOKEN = "ghs_release";
let f: ForkFixture;
let github: GitHubStandIn;

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const env = { ...process.env };
    for (const name of ["GITHUB_ACTIONS", "GITHUB_TOKEN", "GITHUB_REPOSITORY", "GITHUB_STEP_SUMMARY"]) delete env[name];
    execFile(process.execPath, [BIN, ...args], { env }, (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

beforeEach(async () => {
  f = await ForkFixture.create("rt-tar-");
  github = new GitHubStandIn({ tokens: { [TOKEN]: { login: "release-train[bot]", workflows: false } } });
  await github.start();
  await f.commit("initial", { branch: "master" });
  const rel = await f.commit("release", { branch: "stable/2025.1", from: "master" });
  await f.tag("20.0.0", rel, true);
  await f.tag("19.0.0", "master", true);
  await f.pushUpstream("master", "stable/2025.1", "--tags");
  await f.commit("Add our patch", { branch: "stackhpc/2025.1", from: rel });
  await f.commit("Merge-free second fix", { branch: "stackhpc/2025.1" });
  await f.pushDownstream("stackhpc/2025.1");
  await github.addRepository("stackhpc/kolla", { bare: f.downstream });
});

afterEach(async () => {
  const violations = [...github.violations];
  await github.stop();
  await f.remove();
  expect(violations).toEqual([]);
});

describe("tagAndRelease", () => {
  it("pushes upstream tags and the downstream tag, and publishes the release once", async () => {
    const repo = await f.checkout();
    const client = createGitHubClient({ token: TOKEN, apiUrl: github.url, writeIntervalMs: 0 });
    const result = await tagAndRelease({ repo, release: "2025.1", github: client, repository: "stackhpc/kolla" });
    expect(result).toMatchObject({ tag: "stackhpc/20.0.0.1", created: true, pushed: true, upstreamTagsPushed: ["19.0.0", "20.0.0"], release: { action: "created" } });
    expect(await gitIn(f.downstream, ["tag", "--list"])).toBe("19.0.0\n20.0.0\nstackhpc/20.0.0.1");
    const [release] = github.releasesOf("stackhpc/kolla");
    expect(release).toMatchObject({ tag_name: "stackhpc/20.0.0.1", name: "stackhpc/20.0.0.1" });
    expect(release!.body).toContain("stackhpc/20.0.0.1 of stackhpc/2025.1, based on upstream 20.0.0.");
    expect(release!.body).toContain("## Changes since 20.0.0");
    expect(release!.body).toMatch(/- Merge-free second fix \([0-9a-f]{7,}\)\n- Add our patch \([0-9a-f]{7,}\)\n/);

    // Re-run on the same head: nothing new anywhere.
    const again = await tagAndRelease({ repo: await f.checkout(), release: "2025.1", github: client, repository: "stackhpc/kolla" });
    expect(again).toMatchObject({ tag: "stackhpc/20.0.0.1", created: false, upstreamTagsPushed: [], release: { action: "unchanged" } });
    expect(github.releasesOf("stackhpc/kolla")).toHaveLength(1);

    // A new downstream commit: notes since the previous downstream tag only.
    await f.commit("Third fix", { branch: "stackhpc/2025.1" });
    await f.pushDownstream("stackhpc/2025.1");
    const next = await tagAndRelease({ repo: await f.checkout(), release: "2025.1", github: client, repository: "stackhpc/kolla" });
    expect(next).toMatchObject({ tag: "stackhpc/20.0.0.2", release: { action: "created" } });
    expect(next.notes).toContain("## Changes since stackhpc/20.0.0.1");
    expect(next.notes).toContain("- Third fix");
    expect(next.notes).not.toContain("Add our patch");
  });

  it("updates a release whose notes differ (an earlier run was cut off or edited)", async () => {
    const client = createGitHubClient({ token: TOKEN, apiUrl: github.url, writeIntervalMs: 0 });
    await tagAndRelease({ repo: await f.checkout(), release: "2025.1", github: client, repository: "stackhpc/kolla" });
    github.releasesOf("stackhpc/kolla")[0]!.body = "half-written";
    const again = await tagAndRelease({ repo: await f.checkout(), release: "2025.1", github: client, repository: "stackhpc/kolla" });
    expect(again.release?.action).toBe("updated");
    expect(github.releasesOf("stackhpc/kolla")[0]!.body).toContain("Add our patch");
  });

  it("dry run pushes and publishes nothing", async () => {
    const client = createGitHubClient({ token: TOKEN, apiUrl: github.url, writeIntervalMs: 0 });
    const result = await tagAndRelease({ repo: await f.checkout(), release: "2025.1", github: client, repository: "stackhpc/kolla", dryRun: true });
    expect(result).toMatchObject({ tag: "stackhpc/20.0.0.1", created: true, pushed: false, upstreamTagsPushed: ["19.0.0", "20.0.0"], release: { action: "would-create" } });
    expect(await gitIn(f.downstream, ["tag", "--list"])).toBe("");
    expect(github.requests.filter((r) => r.method !== "GET")).toEqual([]);
  });
});

describe("release-train downstream-tag", () => {
  it("--json prints {tag, created, upstreamTag}; a second run reports HEAD already tagged", async () => {
    const repo = await f.checkout();
    const first = await cli(["downstream-tag", "--repo", repo, "--release", "2025.1", "--json", "--push"]);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toEqual({ tag: "stackhpc/20.0.0.1", created: true, upstreamTag: "20.0.0" });
    const second = await cli(["downstream-tag", "--repo", await f.checkout(), "--release", "2025.1"]);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/^HEAD of stackhpc\/2025.1 \([0-9a-f]{12}\) is already tagged stackhpc\/20.0.0.1\n$/);
    const json = await cli(["downstream-tag", "--repo", await f.checkout(), "--release", "2025.1", "--json", "--dry-run"]);
    expect(JSON.parse(json.stdout)).toEqual({ tag: "stackhpc/20.0.0.1", created: false, upstreamTag: "20.0.0" });
  });

  it("--dry-run says what it would create", async () => {
    const run = await cli(["downstream-tag", "--repo", await f.checkout(), "--release", "2025.1", "--dry-run"]);
    expect(run.stdout).toBe("would create stackhpc/20.0.0.1\n");
    expect(run.stderr).toContain("nearest upstream tag 20.0.0");
  });

  it("exits 1 with the reason when there is no upstream ref", async () => {
    const run = await cli(["downstream-tag", "--repo", await f.checkout(), "--release", "bobcat", "--json"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain(
      "release-train: DownstreamTagError: no upstream branch or tag for release bobcat: none of origin/stable/bobcat, origin/unmaintained/bobcat, bobcat-eol, origin/bobcat exists",
    );
  });
});
