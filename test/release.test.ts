// scripts/release.sh on a real git repository with a bare "origin": the tagged commit pins this
// project's action references to the tag, the major tag moves, main keeps @main, and the workflow
// lint accepts the tagged tree.
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { formatProblem, lintWorkflows } from "../scripts/lint-workflows";

const repoRoot = resolve(import.meta.dirname, "..");
const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

const git = (cwd: string, ...args: string[]) =>
  execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], { cwd, encoding: "utf8" }).trim();

/** A clone of this repository's workflows, actions and changelog, with a bare origin. */
function releaseRepo(changelog: string): { work: string; origin: string } {
  const dir = mkdtempSync(join(tmpdir(), "release-"));
  tempDirs.push(dir);
  const work = join(dir, "work");
  const origin = join(dir, "origin.git");
  mkdirSync(work);
  for (const path of [".github", "actions", "scripts/release.sh", "package.json"]) {
    cpSync(join(repoRoot, path), join(work, path), { recursive: true, filter: (src) => !/\/(src|node_modules)$/.test(src) });
  }
  writeFileSync(join(work, "CHANGELOG.md"), changelog);
  git(dir, "init", "-q", "--bare", origin);
  git(work, "init", "-q", "-b", "main");
  git(work, "add", "-A");
  git(work, "commit", "-q", "-m", "main");
  git(work, "remote", "add", "origin", origin);
  git(work, "push", "-q", "origin", "main");
  return { work, origin };
}

function release(work: string, ...args: string[]): { code: number; out: string } {
  try {
    const out = execFileSync("bash", ["scripts/release.sh", ...args], { cwd: work, encoding: "utf8", stdio: "pipe" });
    return { code: 0, out };
  } catch (error) {
    const e = error as { status: number; stdout: string; stderr: string };
    return { code: e.status, out: `${e.stdout}${e.stderr}` };
  }
}

const CHANGELOG = "# Changelog\n\n## [Unreleased]\n\n## [1.2.0]\n\n### Added\n- Something.\n\n## [1.1.0]\n\n- Older.\n";

describe("scripts/release.sh", () => {
  it("tags vX.Y.Z with the project's references pinned to it and moves vX; main keeps @main", async () => {
    const { work, origin } = releaseRepo(CHANGELOG);
    const mainBefore = git(work, "rev-parse", "main");
    const r = release(work, "1.2.0", "--push");
    expect(r.code, r.out).toBe(0);

    const show = (ref: string, file: string) => git(origin, "show", `${ref}:${file}`);
    const tagged = show("v1.2.0", ".github/workflows/package-sync.yml");
    expect(tagged).toContain("uses: stackhpc/release-train/actions/sync-package-repos@v1.2.0");
    expect(tagged).not.toMatch(/stackhpc\/release-train\/[^\s]+@main/);
    expect(show("v1.2.0", ".github/workflows/package-sync-nightly.yml")).toContain(
      "uses: stackhpc/release-train/.github/workflows/package-sync.yml@v1.2.0",
    );
    expect(git(origin, "rev-parse", "v1^{commit}")).toBe(git(origin, "rev-parse", "v1.2.0^{commit}"));
    expect(git(origin, "rev-parse", "main")).toBe(mainBefore);
    expect(show("main", ".github/workflows/package-sync.yml")).toContain("actions/sync-package-repos@main");
    expect(readFileSync(join(work, "release-notes.md"), "utf8")).toBe("\n### Added\n- Something.\n");

    // The tagged tree passes the workflow lint (all of the project's references at v1.2.0).
    const tree = join(work, "..", "tagged");
    execFileSync("git", ["worktree", "add", "-q", "--detach", tree, "v1.2.0"], { cwd: work });
    const problems = (await lintWorkflows(tree)).filter((p) => p.message.endsWith("[ref]"));
    expect(problems.map(formatProblem)).toEqual([]);
  });

  it("a later minor release moves the major tag again", () => {
    const { work, origin } = releaseRepo(CHANGELOG);
    expect(release(work, "1.1.0", "--push").code).toBe(0);
    git(work, "checkout", "-q", "main");
    expect(release(work, "1.2.0", "--push").code).toBe(0);
    expect(git(origin, "rev-parse", "v1^{commit}")).toBe(git(origin, "rev-parse", "v1.2.0^{commit}"));
  });

  it("refuses a bad version, an existing tag and a version missing from CHANGELOG.md, before tagging", () => {
    const { work } = releaseRepo(CHANGELOG);
    expect(release(work, "1.2").out).toContain("version '1.2' is not X.Y.Z");
    expect(release(work, "1.3.0").out).toContain("no '## [1.3.0]' section with notes in CHANGELOG.md");
    expect(git(work, "tag")).toBe("");
    expect(release(work, "1.2.0").code).toBe(0);
    git(work, "checkout", "-q", "main");
    const again = release(work, "v1.2.0");
    expect(again.code).toBe(1);
    expect(again.out).toContain("tag v1.2.0 already exists");
  });
});
