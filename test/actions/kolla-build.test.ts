// The bundled kolla-build action run as a runner runs it: plan mode's matrix, every bad input at
// once, a real build (Kolla build double + podman + Debian's docker-registry) and the finish mode's
// kolla-image-tags.yml rewrite and container sync dispatch against the GitHub API stand-in.
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { FAKE_KAYOBE, FAKE_TRIVY, type PodmanStore, podmanStorageProblem, privatePodmanStore, type Registry, startRegistry } from "@release-train/pulp-emulator/fixtures";
import { GitHubStandIn } from "@release-train/test-support/github/index";
import { repoRoot } from "@release-train/test-support/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { runAction } from "./run-action";

// podman's image store does not work in every root (see podmanStorageProblem): say why and skip.
const podmanProblem = await podmanStorageProblem();
if (podmanProblem) console.warn(`skipping the podman cases: ${podmanProblem}`);

const exec = promisify(execFile);
const TOKEN = "ghs_testtoken123";
const CONFIG_REPO = "stackhpc/stackhpc-release-train";
const SYNC_WORKFLOW = ".github/workflows/container-publish-sync.yml";
let root: string;
let kayobeConfig: string;
let registry: Registry;
let storage: Record<string, string>;
let store: PodmanStore;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "action-kolla-build-"));
  kayobeConfig = join(root, "kayobe-config");
  await mkdir(join(kayobeConfig, "etc/kayobe"), { recursive: true });
  await writeFile(join(kayobeConfig, ".gitreview"), "[gerrit]\nhost=review.opendev.org\ndefaultbranch=stable/2025.1\n");
  await writeFile(join(kayobeConfig, "etc/kayobe/kolla-image-tags.yml"), "---\nkolla_image_tags:\n  openstack:\n    ubuntu-noble: 2025.1-ubuntu-noble-20250101T000000\n");
  store = await privatePodmanStore(root);
  storage = { ...store.env, FAKE_KOLLA_LOG: join(root, "kolla-build.log") };
  registry = await startRegistry();
});

afterAll(async () => {
  await registry?.stop();
  await store?.clean();
  await rm(root, { recursive: true, force: true });
});

describe("kolla-build action", () => {
  it("plan mode outputs the matrix, tags and timestamp", async () => {
    const run = await runAction("kolla-build", { mode: "plan", "kayobe-config": kayobeConfig, distros: "rocky-9,ubuntu-noble", timestamp: "20251124T200000" });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(JSON.parse(run.outputs["matrix"]!)).toEqual({
      include: [
        { distro: "rocky-9", base: "rocky", version: "9", tag: "2025.1-rocky-9-20251124T200000" },
        { distro: "ubuntu-noble", base: "ubuntu", version: "noble", tag: "2025.1-ubuntu-noble-20251124T200000" },
      ],
    });
    expect(run.outputs["openstack-release"]).toBe("2025.1");
    expect(JSON.parse(run.outputs["tags"]!)).toEqual({ "rocky-9": "2025.1-rocky-9-20251124T200000", "ubuntu-noble": "2025.1-ubuntu-noble-20251124T200000" });
  });

  it("reports every bad input at once and builds nothing", async () => {
    const run = await runAction("kolla-build", { "kayobe-config": kayobeConfig, engine: "containerd", push: "yes", "container-sync-repository": "not a repo", "registry-username": "u" });
    expect(run.code).toBe(1);
    for (const text of ["input `engine` must be docker, podman or oci", "input `push` must be true or false", "input `container-sync-repository` must be owner/name", "input `registry` is required to build", "input `registry-password` registry-username and registry-password go together"]) {
      expect(run.stdout).toContain(text);
    }
    const plan = await runAction("kolla-build", { "kayobe-config": kayobeConfig, registry: registry.host, distros: "ubuntu-noble centos-9", overcloud: "false", timestamp: "2025-11-24" });
    expect(plan.code).toBe(1);
    for (const text of ["input `distros` names unknown distro \"centos-9\"", "input `overcloud` and `seed` are both false", "input `timestamp` is invalid"]) expect(plan.stdout).toContain(text);
  });

  it.skipIf(podmanProblem)("builds, scans, pushes and verifies; finish proposes the tags and dispatches the sync", async () => {
    const logDir = join(root, "logs");
    const build = await runAction(
      "kolla-build",
      {
        "kayobe-config": kayobeConfig,
        regexes: "^cron$",
        distros: "ubuntu-noble",
        timestamp: "20251124T200000",
        "build-command": FAKE_KAYOBE,
        "kolla-log": storage["FAKE_KOLLA_LOG"]!,
        engine: "podman",
        registry: registry.host,
        "insecure-registry": "true",
        scan: "always",
        "scan-command": `${FAKE_TRIVY}\nimage\n--format\njson`,
        "log-dir": logDir,
        "build-args": "-e\nstackhpc_repo_mirror_auth_proxy_enabled=true",
      },
      { env: storage, timeoutMs: 240_000 },
    );
    expect(build.code, build.stdout).toBe(0);
    expect(build.outputs["tag"]).toBe("2025.1-ubuntu-noble-20251124T200000");
    const images = JSON.parse(build.outputs["images"]!) as { name: string; pushed: boolean; digest: string; scan: string }[];
    expect(images.map((i) => [i.name, i.scan, i.pushed])).toEqual([
      ["base", "clean", true],
      ["cron", "clean", true],
    ]);
    const { stdout } = await exec("skopeo", ["inspect", "--tls-verify=false", `docker://${registry.host}/stackhpc-dev/cron:2025.1-ubuntu-noble-20251124T200000`]);
    expect(images[1]!.digest).toBe(JSON.parse(stdout).Digest);
    expect(JSON.parse(build.outputs["failed"]!)).toEqual([]);
    expect(build.stdout).toContain("::group::");
    expect(build.summary).toContain("| cron | yes | clean | yes |");
    // The extra build arguments reached the build command, one argument each.
    expect(await readFile(join(logDir, "kolla-build-overcloud-ubuntu-noble.log"), "utf8")).toContain("PLAY RECAP");

    // The config repository's dispatch inputs are those examples/config-repo's template declares.
    const template = parse(await readFile(join(repoRoot, "examples/config-repo", SYNC_WORKFLOW), "utf8")) as { on: { workflow_dispatch: { inputs: Record<string, unknown> } } };
    const github = new GitHubStandIn({ tokens: { [TOKEN]: { login: "release-train[bot]" } } });
    await github.start();
    await github.addRepository(CONFIG_REPO, {
      autoInit: true,
      defaultBranch: "main",
      workflows: [{ path: SYNC_WORKFLOW, name: "Publish and sync container images", inputs: Object.keys(template.on.workflow_dispatch.inputs) }],
    });
    try {
      const finish = await runAction(
        "kolla-build",
        {
          mode: "finish",
          "kayobe-config": kayobeConfig,
          results: root,
          "container-sync-repository": CONFIG_REPO,
          "container-sync-token": TOKEN,
        },
        { env: { GITHUB_API_URL: github.url } },
      );
      expect(finish.code, finish.stdout).toBe(0);
      expect(finish.outputs["sync-filter"]).toBe("^base$ ^cron$");
      expect(github.dispatchesOf(CONFIG_REPO)).toEqual([{ workflow: SYNC_WORKFLOW, ref: "main", inputs: { filter: "^base$ ^cron$" } }]);
      expect(github.violations).toEqual([]);
      expect(await readFile(join(kayobeConfig, "etc/kayobe/kolla-image-tags.yml"), "utf8")).toContain("  cron:\n    ubuntu-noble: 2025.1-ubuntu-noble-20251124T200000\n");
      // The token only appears in the runner's mask command, never in a log line.
      expect(finish.stdout.split("\n").filter((l) => l.includes(TOKEN))).toEqual([`::add-mask::${TOKEN}`]);
    } finally {
      await github.stop();
    }
  });
});
