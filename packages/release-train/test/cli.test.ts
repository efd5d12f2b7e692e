// The CLI as users run it: the bin script (through tsx) in a child process.
import { execFile, execFileSync } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describeWithShared } from "@release-train/test-support/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync } from "node:fs";
import { emulatorCliPath } from "../src/cli/emulator";
import { program } from "../src/cli/main";
import { FakeGitHub, OWNER, REPO, TOKEN } from "./github-fake";
import { loadConfig } from "../src/config";
import { syncGroups } from "../src/selection";

const BIN = resolve(dirname(fileURLToPath(import.meta.url)), "../bin/release-train.mjs");

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((done) => {
    const cleanEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
    for (const name of ["GITHUB_ACTIONS", "GITHUB_TOKEN", "RELEASE_TRAIN_CONFIG"]) {
      if (!(name in env)) delete cleanEnv[name];
    }
    execFile(process.execPath, [BIN, ...args], { env: cleanEnv }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
      done({ code, stdout, stderr });
    });
  });
}

let root: string;
let config: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "rt-cli-"));
  config = join(root, "config");
  await mkdir(config);
  await writeFile(
    join(config, "rpm-package-repos"),
    `rpm_package_repos:
  - name: Grafana
    url: https://rpm.grafana.com
    base_path: grafana/oss/rpm/
    short_name: grafana
    sync_group: grafana
    distribution_name: grafana-
  - name: EPEL
    url: https://example.com/epel
    base_path: epel/
    short_name: epel
    sync_group: epel
    distribution_name: epel-
    publish: false
`,
  );
  await writeFile(
    join(config, "deb-package-repos"),
    `deb_package_repos:
  - name: Ubuntu Noble
    url: http://archive.ubuntu.com/ubuntu
    distributions: noble
    base_path: ubuntu/noble/
    short_name: ubuntu_noble
    sync_group: ubuntu_noble
    distribution_name: ubuntu-noble-
`,
  );
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("release-train CLI", () => {
  it("exports a commander program with every command registered", () => {
    expect(program.commands.map((c) => c.name())).toEqual(
      expect.arrayContaining(["validate-config", "sync-groups", "kayobe-update", "emulator"]),
    );
  });

  it("validate-config prints the counts as JSON", async () => {
    const run = await cli(["validate-config", "--config", config]);
    expect(run).toMatchObject({ code: 0, stderr: "" });
    expect(JSON.parse(run.stdout)).toEqual({ rpm: 2, deb: 1, syncGroups: 3 });
  });

  it("validate-config lists every problem, with GitHub annotations in Actions, and exits 1", async () => {
    const bad = join(root, "bad");
    await mkdir(bad);
    await writeFile(join(bad, "rpm-package-repos"), "rpm_package_repos:\n  - name: A\n    url: nope\n    policy: later\n");
    await writeFile(join(bad, "deb-package-repos"), "deb_package_repos: []\nrpm_package_repos: []\n");
    const run = await cli(["validate-config", "--config", bad], { GITHUB_ACTIONS: "true", GITHUB_WORKSPACE: root });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    const lines = run.stderr.trim().split("\n");
    // url, policy; base_path, short_name, sync_group, distribution_name missing; the duplicate.
    expect(lines[0]).toMatch(/^7 problems in configuration .*bad:$/);
    expect(lines.filter((l) => l.startsWith("::error "))).toHaveLength(7);
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/rpm-package-repos:3:10: rpm_package_repos\[0\]\.url: must be an http\(s\) or file URL$/),
        expect.stringMatching(/rpm-package-repos:4:13: rpm_package_repos\[0\]\.policy: must be one of immediate/),
        expect.stringMatching(/rpm-package-repos:2:5: rpm_package_repos\[0\]\.base_path: is required$/),
        // Files load in sorted order, so the later definition is the one in rpm-package-repos.
        expect.stringMatching(/rpm-package-repos:1:1: rpm_package_repos: variable "rpm_package_repos" is also defined at deb-package-repos:2:1 /),
        "::error file=bad/rpm-package-repos,line=3,col=10,title=Invalid release-train configuration::rpm_package_repos[0].url: must be an http(s) or file URL",
      ]),
    );
  });

  it("sync-groups prints the matrix, filtered; an invalid expression is an error", async () => {
    const all = await cli(["sync-groups", "--config", config]);
    expect(all.code).toBe(0);
    expect(all.stdout).toBe('["epel","grafana","ubuntu_noble"]\n');
    const filtered = await cli(["sync-groups", "--filter", "noble graf"], { RELEASE_TRAIN_CONFIG: config });
    expect(JSON.parse(filtered.stdout)).toEqual(["grafana", "ubuntu_noble"]);
    const invalid = await cli(["sync-groups", "--config", config, "--filter", "a["]);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toContain('invalid regular expression "a["');
  });

  it("kayobe-update rewrites the checkout's file and refuses unknown or unpublished repositories", async () => {
    const checkout = join(root, "kayobe-config");
    const file = join(checkout, "etc/kayobe/pulp-repo-versions.yml");
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, "---\n# header\nstackhpc_pulp_repo_grafana_version: 20260101T000000\n");
    const versionsFile = join(root, "versions.json");
    await writeFile(versionsFile, JSON.stringify({ grafana: "20261125T120000", ubuntu_noble: "20261125T120000" }));

    const run = await cli(["kayobe-update", "--config", config, "--kayobe-config", checkout, "--versions", versionsFile]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      changed: true,
      updated: [{ shortName: "grafana", from: "20260101T000000", to: "20261125T120000" }],
      added: [{ shortName: "ubuntu_noble", version: "20261125T120000" }],
    });
    expect(await readFile(file, "utf8")).toBe(
      "---\n# header\nstackhpc_pulp_repo_grafana_version: 20261125T120000\nstackhpc_pulp_repo_ubuntu_noble_version: 20261125T120000\n",
    );

    const unknown = await cli([
      "kayobe-update",
      "--config",
      config,
      "--kayobe-config",
      checkout,
      "--versions",
      '{"epel": "20261125T120000", "nope": "20261125T120000"}',
    ]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("not published by the configuration: epel, nope");

    const noRepo = await cli(
      ["kayobe-update", "--config", config, "--kayobe-config", checkout, "--versions", "{}"],
      { GITHUB_TOKEN: "ghs_secret_value" },
    );
    expect(noRepo.code).toBe(1);
    expect(noRepo.stderr).toContain("--repository owner/name is required");
    expect(noRepo.stderr).not.toContain("ghs_secret_value");
  });

  it("kayobe-update commits, pushes and opens a pull request when given a token", async () => {
    const bare = join(root, "kayobe-remote.git");
    const checkout = join(root, "kayobe-checkout");
    const git = (cwd: string, ...args: string[]) => execFileSync("git", args, { cwd, encoding: "utf8" }).trim();
    git(root, "init", "--quiet", "--bare", "--initial-branch=main", bare);
    await mkdir(join(checkout, "etc/kayobe"), { recursive: true });
    await writeFile(join(checkout, "etc/kayobe/pulp-repo-versions.yml"), "---\nstackhpc_pulp_repo_grafana_version: 20260101T000000\n");
    git(checkout, "init", "--quiet", "--initial-branch=main");
    git(checkout, "add", ".");
    git(checkout, "-c", "user.name=Dev", "-c", "user.email=dev@example.com", "commit", "--quiet", "-m", "initial");
    git(checkout, "remote", "add", "origin", bare);
    git(checkout, "push", "--quiet", "origin", "main");
    const github = new FakeGitHub(bare);
    await github.start();
    try {
      const run = await cli(
        [
          "kayobe-update",
          "--config",
          config,
          "--kayobe-config",
          checkout,
          "--versions",
          '{"grafana": "20261125T120000"}',
          "--repository",
          `${OWNER}/${REPO}`,
          "--branch",
          "release-train/test",
        ],
        { GITHUB_TOKEN: TOKEN, GITHUB_API_URL: github.url },
      );
      expect(run.stderr).toBe("");
      const output = JSON.parse(run.stdout);
      expect(output).toMatchObject({
        changed: true,
        branch: "release-train/test",
        pullRequest: { number: 1, created: true, url: `https://github.com/${OWNER}/${REPO}/pull/1` },
      });
      expect(run.stdout).not.toContain(TOKEN);
      expect(git(bare, "rev-parse", "release-train/test")).toBe(output.commit);
      expect(github.requests.map((r) => [r.method, r.body])).toEqual([
        ["POST", expect.objectContaining({ head: "release-train/test", base: "main" })],
      ]);
    } finally {
      await github.stop();
    }
  });

  it("emulator hands its arguments to the emulator package's CLI", async () => {
    const run = await cli(["emulator", "--help"]);
    if (existsSync(emulatorCliPath)) {
      expect(run.code).toBe(0);
      expect(run.stdout + run.stderr).toMatch(/serve/);
    } else {
      expect(run.code).toBe(1);
      expect(run.stderr).toContain("the Pulp emulator CLI is not available");
    }
  });

  it("reports unknown commands and missing options with exit code 1", async () => {
    const run = await cli(["validate-config"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("required option '--config <dir>' not specified");
  });
});

describeWithShared("release-train CLI on the real configuration", (shared) => {
  it("validate-config on the real files: two Deb entries without distributions cannot sync (Pulp requires them)", async () => {
    const run = await cli(["validate-config", "--config", join(shared, "release-train-config")]);
    expect(run.code).toBe(1);
    const dir = join(shared, "release-train-config");
    expect(run.stderr.split("\n").filter((l) => l.includes("distributions"))).toEqual([
      `${dir}/deb-package-repos:166:5: deb_package_repos[9].distributions: is required unless sync is false (the dists to sync, e.g. "jammy jammy-updates")`,
      `${dir}/deb-package-repos:276:5: deb_package_repos[19].distributions: is required unless sync is false (the dists to sync, e.g. "jammy jammy-updates")`,
    ]);
    // The other entries still load (and sync): 45 RPM and 21 Deb entries in 14 sync groups.
    const config = await loadConfig(dir);
    expect({ rpm: config.rpm.length, deb: config.deb.length, syncGroups: syncGroups(config).length }).toEqual({ rpm: 45, deb: 21, syncGroups: 14 });
  });
});
