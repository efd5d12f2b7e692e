import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeWithShared } from "@release-train/test-support/shared";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { INPUT_NAMES } from "../../actions/sync-package-repos/src/inputs";
import { githubRepositoryOf } from "@release-train/release-train";
import { actionMetadata, runAction } from "./run-action";

const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "sync-action-"));
  tempDirs.push(dir);
  return dir;
}

interface Entry {
  short_name: string;
  sync_group: string;
}

/** The sync groups read straight from the YAML, independently of the library. */
function expectedGroups(configDir: string, filter?: RegExp): string[] {
  const entries = ["rpm", "deb"].flatMap((kind) => {
    const vars = parse(readFileSync(join(configDir, `${kind}-package-repos`), "utf8")) as Record<string, Entry[]>;
    return vars[`${kind}_package_repos`] ?? [];
  });
  const groups = entries.filter((e) => !filter || filter.test(e.short_name)).map((e) => e.sync_group);
  return [...new Set(groups)].sort();
}

describe("sync-package-repos action metadata", () => {
  it("declares exactly the inputs the action reads", () => {
    expect(Object.keys(actionMetadata("sync-package-repos").inputs ?? {}).sort()).toEqual([...INPUT_NAMES].sort());
  });
});

describeWithShared("sync-package-repos action (bundled, as a runner runs it)", (shared) => {
  const configDir = join(shared, "release-train-config");

  it("list-sync-groups writes the nightly matrix to GITHUB_OUTPUT", async () => {
    const run = await runAction("sync-package-repos", { config: configDir, "list-sync-groups": "true" });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const groups = JSON.parse(run.outputs["sync-groups"] ?? "null") as string[];
    expect(groups).toEqual(expectedGroups(configDir));
    expect(groups.length).toBeGreaterThan(5);
  });

  it("list-sync-groups honours the filter", async () => {
    const run = await runAction("sync-package-repos", {
      config: configDir,
      "list-sync-groups": "true",
      filter: "^rocky_9 ^epel$",
    });
    expect(run.code).toBe(0);
    const groups = JSON.parse(run.outputs["sync-groups"] ?? "null") as string[];
    expect(groups).toEqual(expectedGroups(configDir, /^rocky_9|^epel$/));
    expect(groups).toContain("epel");
  });

  it("annotates each configuration problem on its file and line, then fails", async () => {
    const workspace = tempDir();
    cpSync(configDir, join(workspace, "config"), { recursive: true });
    const rpmFile = join(workspace, "config", "rpm-package-repos");
    const lines = readFileSync(rpmFile, "utf8").split("\n");
    // Drop the first repository's short_name: the loader must point at that entry.
    const at = lines.findIndex((l) => /^\s+short_name:/.test(l));
    lines.splice(at, 1);
    writeFileSync(rpmFile, lines.join("\n"));

    const run = await runAction(
      "sync-package-repos",
      { config: join(workspace, "config"), "list-sync-groups": "true" },
      { workspace },
    );
    expect(run.code).toBe(1);
    expect(run.outputs["sync-groups"]).toBeUndefined();
    const annotations = run.stdout.split("\n").filter((l) => l.startsWith("::error file="));
    expect(annotations).toHaveLength(1);
    const [, file, line, message] = /^::error file=([^,]+),line=(\d+),col=\d+[^:]*::(.*)$/.exec(annotations[0] ?? "") ?? [];
    expect(file).toBe("config/rpm-package-repos");
    expect(message).toMatch(/^rpm_package_repos\[0\]\.short_name: /);
    // The annotation points into the first entry (its `- name:` line or a key below it).
    const entryStart = lines.findIndex((l) => /^\s+- name:/.test(l)) + 1;
    expect(Number(line)).toBeGreaterThanOrEqual(entryStart);
    expect(Number(line)).toBeLessThan(at + 1);
    expect(run.stdout).toMatch(/^::error::.*problem/m);
  });

  it("reports every invalid input at once and never prints a secret", async () => {
    const secret = "s3cret-Pa55word";
    const run = await runAction("sync-package-repos", {
      config: configDir,
      target: "prod",
      concurrency: "0",
      "pulp-password": secret,
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("input `target` must be ark or test");
    expect(run.stdout).toContain("input `concurrency` must be a positive integer");
    // The only place the secret may appear is the command that tells the runner to mask it.
    const withSecret = `${run.stdout}${run.stderr}`.split("\n").filter((l) => l.includes(secret));
    expect(withSecret).toEqual([`::add-mask::${secret}`]);
  });

  it("fails clearly when the configuration directory does not exist", async () => {
    const run = await runAction("sync-package-repos", { config: join(tempDir(), "missing"), "list-sync-groups": "true" });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^::error.*missing/m);
  });
});

describe("githubRepositoryOf", () => {
  it("reads owner/name from the remote URLs actions/checkout and people use", () => {
    for (const url of [
      "https://github.com/stackhpc/stackhpc-kayobe-config",
      "https://github.com/stackhpc/stackhpc-kayobe-config.git",
      "https://x-access-token@github.com/stackhpc/stackhpc-kayobe-config/",
      "git@github.com:stackhpc/stackhpc-kayobe-config.git",
      "ssh://git@github.com/stackhpc/stackhpc-kayobe-config.git",
    ]) {
      expect(githubRepositoryOf(url)).toBe("stackhpc/stackhpc-kayobe-config");
    }
    expect(() => githubRepositoryOf("/srv/git/kayobe-config")).toThrow(/cannot tell the GitHub repository/);
  });
});
