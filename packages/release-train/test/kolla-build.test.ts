// kolla-build for real: the Kolla build double (kayobe's arguments) builds small images with
// podman (vfs storage, a private store per test file), the action's code discovers them from
// podman and kolla-build's log, scans them with a scanner that inspects the images, pushes them to
// Debian's docker-registry through a proxy that fails the first manifest upload of one image,
// verifies the digests and reports. Then the kolla-image-tags pull request and the container
// sync dispatch against the GitHub API stand-in.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { FAKE_KAYOBE, FAKE_TRIVY, type PodmanStore, podmanStorageProblem, privatePodmanStore, type Registry, startRegistry } from "@release-train/pulp-emulator/fixtures";
import { GitHubStandIn } from "@release-train/test-support/github/index";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { KOLLA_IMAGE_TAGS_FILE } from "../src/kolla-build/image-tags-file";
import { finishKollaBuild, type KollaBuildOptions, type KollaBuildRun, readResults, runKollaBuild, writeSummary } from "../src/kolla-build/main";

// podman's image store does not work in every root (see podmanStorageProblem): say why and skip.
const podmanProblem = await podmanStorageProblem();
if (podmanProblem) console.warn(`skipping the podman cases: ${podmanProblem}`);

const exec = promisify(execFile);
const git = async (cwd: string, ...args: string[]) => (await exec("git", args, { cwd })).stdout.trim();
const TIMESTAMP = "20251124T200000";
const TAG = `2025.1-rocky-9-${TIMESTAMP}`;
const TOKEN = "ghs_testtoken123";
const KAYOBE_CONFIG = "stackhpc/stackhpc-kayobe-config";
const RELEASE_TRAIN = "stackhpc/release-train";

let root: string;
let registry: Registry;
let proxy: { server: Server; host: string; manifestPuts: string[] };
let env: Record<string, string>;
let store: PodmanStore;
let kayobeConfig: string;
let bare: string;

/** Forwards to the registry; the first manifest PUT of `failImage` gets a 503. */
async function startFailingProxy(target: string, failImage: string) {
  const manifestPuts: string[] = [];
  let failed = false;
  const server = createServer((req, res) => {
    if (req.method === "PUT" && req.url?.includes("/manifests/")) {
      manifestPuts.push(req.url);
      if (!failed && req.url.startsWith(`/v2/stackhpc-dev/${failImage}/`)) {
        failed = true;
        req.resume();
        res.writeHead(503, { "content-type": "application/json" });
        res.end('{"errors":[{"code":"UNAVAILABLE","message":"injected failure"}]}');
        return;
      }
    }
    const upstream = request(`${target}${req.url}`, { method: req.method, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, host: `127.0.0.1:${(server.address() as AddressInfo).port}`, manifestPuts };
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "rt-kolla-build-"));
  // A private podman store: nothing here touches the machine's images.
  store = await privatePodmanStore(root);
  env = {
    ...store.env,
    FAKE_KOLLA_LOG: join(root, "kolla-build.log"),
    FAKE_KOLLA_FAIL: "^nova-compute$",
    FAKE_KOLLA_VULNS: JSON.stringify({
      keystone: [{ id: "CVE-2025-0001", severity: "CRITICAL", pkg: "openssl" }],
      "nova-api": [
        { id: "CVE-2025-0002", severity: "HIGH", pkg: "python3-urllib3" },
        { id: "CVE-2024-9999", severity: "CRITICAL", pkg: "glibc" },
      ],
    }),
  };
  registry = await startRegistry();
  proxy = await startFailingProxy(registry.url, "nova-api");

  // A kayobe-config checkout: .gitreview, the Trivy allow-list, kolla-image-tags.yml, a remote.
  kayobeConfig = join(root, "kayobe-config");
  bare = join(root, "kayobe-config.git");
  await exec("git", ["init", "--quiet", "--bare", "--initial-branch=stackhpc/2025.1", bare]);
  await mkdir(join(kayobeConfig, "etc/kayobe/trivy"), { recursive: true });
  await writeFile(join(kayobeConfig, ".gitreview"), "[gerrit]\nhost=review.opendev.org\nport=29418\nproject=openstack/kayobe-config.git\ndefaultbranch=stable/2025.1\n");
  await writeFile(join(kayobeConfig, "etc/kayobe/trivy/allowed-vulnerabilities.yml"), "---\nnova_api_allowed_vulnerabilities:\n  - CVE-2024-9999\n");
  await writeFile(join(kayobeConfig, KOLLA_IMAGE_TAGS_FILE), "---\nkolla_image_tags:\n  openstack:\n    rocky-9: 2025.1-rocky-9-20250101T000000\n");
  await git(kayobeConfig, "init", "--quiet", "--initial-branch=stackhpc/2025.1");
  await git(kayobeConfig, "add", ".");
  await git(kayobeConfig, "-c", "user.name=Dev", "-c", "user.email=dev@example.com", "commit", "--quiet", "-m", "initial");
  await git(kayobeConfig, "remote", "add", "origin", bare);
  await git(kayobeConfig, "push", "--quiet", "origin", "stackhpc/2025.1");
}, 120_000);

afterAll(async () => {
  proxy?.server.closeAllConnections();
  await new Promise((resolve) => proxy?.server.close(resolve));
  await registry?.stop();
  if (root) {
    // vfs layers are root-owned copies; podman's own cleanup first, then the directory.
    await store.clean();
    await rm(root, { recursive: true, force: true });
  }
});

function options(overrides: Partial<KollaBuildOptions> = {}): KollaBuildOptions {
  return {
    regexes: "nova-api nova-compute ^keystone$",
    overcloud: true,
    seed: false,
    distros: "rocky-9",
    timestamp: TIMESTAMP,
    kayobeConfig,
    buildCommand: FAKE_KAYOBE,
    kollaLog: env["FAKE_KOLLA_LOG"],
    engine: "podman",
    registry: proxy.host,
    namespace: "stackhpc-dev",
    insecureRegistry: true,
    push: true,
    pushDirty: false,
    pushRetryDelayMs: 50,
    scan: "always",
    scanCommand: [FAKE_TRIVY, "image", "--quiet", "--format", "json"],
    logDir: join(root, "logs"),
    env,
    write: () => {},
    ...overrides,
  };
}

describe.skipIf(podmanProblem)("kolla-build with podman and a real registry", () => {
  let run: KollaBuildRun;
  let output = "";

  beforeAll(async () => {
    run = await runKollaBuild(
      options({
        write: (t) => {
          output += t;
        },
      }),
    );
  }, 300_000);

  it("builds with kayobe's arguments and keeps the logs", async () => {
    const [result] = run.results;
    expect(result!.tag).toBe(TAG);
    expect(result!.steps).toEqual([
      expect.objectContaining({
        kind: "overcloud",
        exitCode: 2,
        args: ["overcloud", "container", "image", "build", "nova-api", "nova-compute", "^keystone$", "-e", "kolla_base_distro=rocky", "-e", "kolla_base_distro_version=9", "-e", `kolla_tag=${TAG}`, "-e", `kolla_docker_registry=${proxy.host}`, "-e", "kolla_docker_namespace=stackhpc-dev", "-e", "container_engine=podman"],
      }),
    ]);
    expect(output).toContain("PLAY RECAP");
    expect(await readFile(join(root, "logs/kolla-build-overcloud-rocky-9.log"), "utf8")).toContain("failed=1");
    expect(await readFile(join(root, "logs/kolla-build-overcloud-rocky-9.kolla.log"), "utf8")).toContain("nova-compute Failed with status: error");
  });

  it("reports each image: built, scan class, pushed, digest", () => {
    const images = Object.fromEntries(run.results[0]!.images.map((i) => [i.name, i]));
    expect(Object.keys(images).sort()).toEqual(["base", "keystone", "keystone-base", "nova-api", "nova-base", "nova-compute", "openstack-base"]);
    expect(images["nova-compute"]).toMatchObject({ built: false, pushed: false });
    expect(images["keystone"]).toMatchObject({ built: true, scan: "critical", pushed: false, held: "critical vulnerabilities (push-dirty not set)" });
    // The allow-listed critical finding is ignored: nova-api is only dirty, and is pushed.
    expect(images["nova-api"]).toMatchObject({ built: true, scan: "dirty", vulnerabilities: 1, pushed: true, attempts: 2 });
    expect(images["base"]).toMatchObject({ built: true, scan: "clean", pushed: true, attempts: 1 });
    for (const name of ["base", "openstack-base", "nova-base", "nova-api", "keystone-base"]) expect(images[name]!.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(output).toMatch(/push .*nova-api.* failed \(attempt 1\/5\).*503/);
  });

  it("verified digests are what the registry serves (read independently with skopeo)", async () => {
    for (const image of run.results[0]!.images.filter((i) => i.pushed)) {
      const { stdout } = await exec("skopeo", ["inspect", "--tls-verify=false", `docker://${registry.host}/stackhpc-dev/${image.name}:${TAG}`]);
      expect(JSON.parse(stdout).Digest).toBe(image.digest);
    }
    const catalog = (await (await fetch(`${registry.url}/v2/_catalog`)).json()) as { repositories: string[] };
    expect(catalog.repositories.sort()).toEqual(["stackhpc-dev/base", "stackhpc-dev/keystone-base", "stackhpc-dev/nova-api", "stackhpc-dev/nova-base", "stackhpc-dev/openstack-base"]);
  });

  it("lists every failure and keeps the scan lists and reports", async () => {
    expect(run.failures).toEqual([
      "rocky-9: build: fake-kayobe.mjs overcloud container image build exited 2 (log: " + join(root, "logs/kolla-build-overcloud-rocky-9.log") + ")",
      "rocky-9: build nova-compute: kolla-build: overcloud image failed with status error",
      "rocky-9: scan keystone: critical vulnerabilities: CVE-2025-0001",
    ].map((f) => f.replace("fake-kayobe.mjs", FAKE_KAYOBE)));
    const dir = join(root, "logs/image-scan-output");
    expect(await readFile(join(dir, "critical-images.txt"), "utf8")).toBe(`${proxy.host}/stackhpc-dev/keystone:${TAG}\n`);
    expect(await readFile(join(dir, "dirty-images.txt"), "utf8")).toBe(`${proxy.host}/stackhpc-dev/nova-api:${TAG}\n`);
    expect(JSON.parse(await readFile(join(dir, "keystone.json"), "utf8")).Results[0].Vulnerabilities[0].VulnerabilityID).toBe("CVE-2025-0001");
    expect(await readFile(join(root, "logs/push-failed-images.txt"), "utf8")).toBe("");
  });

  it("writes the job summary table", async () => {
    const file = join(root, "summary.md");
    await writeSummary(run.results, undefined, file, () => {});
    const summary = await readFile(file, "utf8");
    expect(summary).toContain(`### Kolla images rocky-9, tag \`${TAG}\``);
    expect(summary).toMatch(/\| ❌ nova-compute \| no \| not scanned \| no \| {2}\|/);
    expect(summary).toMatch(/\| keystone \| yes \| critical \(1\) \| held: critical vulnerabilities/);
    expect(summary).toMatch(new RegExp(`\\| nova-api \\| yes \\| dirty \\(1\\) \\| yes \\(attempt 2\\) \\| \`${run.results[0]!.images.find((i) => i.name === "nova-api")!.digest}\` \\|`));
  });

  it("proposes kolla-image-tags.yml and dispatches the container sync for what was pushed", async () => {
    const github = new GitHubStandIn({ tokens: { [TOKEN]: { login: "release-train[bot]" } } });
    await github.start();
    await github.addRepository(KAYOBE_CONFIG, { bare, defaultBranch: "stackhpc/2025.1" });
    await github.addRepository(RELEASE_TRAIN, {
      autoInit: true,
      defaultBranch: "main",
      workflows: [{ path: ".github/workflows/container-sync.yml", name: "Container sync", inputs: ["filter", "sync-old-images"] }],
    });
    const dispatch = (o: { ref?: string; workflow?: string; inputs?: Record<string, string> }) => ({
      token: TOKEN,
      repository: RELEASE_TRAIN,
      workflow: o.workflow ?? "container-sync.yml",
      ref: o.ref ?? "main",
      inputs: o.inputs,
    });
    try {
      const results = await readResults(join(root, "logs"));
      expect(results.map((r) => r.distro)).toEqual(["rocky-9"]);
      const finish = await finishKollaBuild(results, {
        kayobeConfig,
        updateImageTags: true,
        githubToken: TOKEN,
        apiUrl: github.url,
        repository: KAYOBE_CONFIG,
        branchSuffix: TIMESTAMP,
        dispatch: dispatch({ inputs: { "sync-old-images": "false" } }),
        write: () => {},
      });
      expect(finish.failures).toEqual([]);
      expect(github.pulls).toMatchObject([{ repo: KAYOBE_CONFIG, head: `release-train/kolla-image-tags-${TIMESTAMP}`, base: "stackhpc/2025.1", title: "Update Kolla container image tags", state: "open" }]);
      const proposed = parse(await git(bare, "show", `release-train/kolla-image-tags-${TIMESTAMP}:${KOLLA_IMAGE_TAGS_FILE}`));
      expect(proposed.kolla_image_tags).toEqual({ openstack: { "rocky-9": "2025.1-rocky-9-20250101T000000" }, nova_api: { "rocky-9": TAG } });
      expect(github.dispatchesOf(RELEASE_TRAIN)).toEqual([
        { workflow: ".github/workflows/container-sync.yml", ref: "main", inputs: { "sync-old-images": "false", filter: "^base$ ^keystone-base$ ^nova-api$ ^nova-base$ ^openstack-base$" } },
      ]);
      // GitHub's 404/422 refusals are each reported as a failure (nothing else lost, nothing dispatched).
      const refused = async (o: Parameters<typeof dispatch>[0]) => {
        const run = await finishKollaBuild(results, { updateImageTags: false, branchSuffix: TIMESTAMP, apiUrl: github.url, dispatch: dispatch(o), write: () => {} });
        expect(run.failures).toHaveLength(1);
        return run.failures[0];
      };
      expect(await refused({ inputs: { typo: "x" } })).toMatch(/dispatch of stackhpc\/release-train container-sync.yml: Unexpected inputs provided: \["typo"\]/);
      expect(await refused({ ref: "no-such-branch" })).toMatch(/container-sync.yml: No ref found for: no-such-branch/);
      expect(await refused({ workflow: "container-synk.yml" })).toMatch(/container-synk.yml: Not Found/);
      expect(github.dispatchesOf(RELEASE_TRAIN)).toHaveLength(1);
      // Every request and response of the run kept to GitHub's OpenAPI description.
      expect(github.violations).toEqual([]);
    } finally {
      await github.stop();
    }
  });
});

describe.skipIf(podmanProblem)("kolla-build re-run with the same tag", () => {
  it("pushes only what this build made: the engine's older images of the tag are reported, not pushed", async () => {
    let output = "";
    const rerun = await runKollaBuild(
      options({
        regexes: "^cron$",
        logDir: join(root, "logs-rerun"),
        write: (t) => {
          output += t;
        },
      }),
    );
    expect(rerun.failures).toEqual([]);
    expect(rerun.results[0]!.images.map((i) => [i.name, i.pushed])).toEqual([
      ["base", true],
      ["cron", true],
    ]);
    expect(rerun.results[0]!.skipped).toEqual(["keystone", "keystone-base", "nova-api", "nova-base", "openstack-base"]);
    expect(output).toContain("warning: not built by this run, not pushed: keystone, keystone-base, nova-api, nova-base, openstack-base");
  }, 120_000);
});

describe("kolla-build on a machine without a container engine", () => {
  it("the double writes OCI layouts; they are pushed through the registry API and verified", async () => {
    const ociDir = join(root, "oci");
    const run = await runKollaBuild(
      options({
        regexes: "^cron$ ^dnsmasq$",
        seed: true,
        distros: "ubuntu-jammy",
        engine: "oci",
        ociDir,
        kollaLog: join(root, "oci-kolla.log"),
        registry: registry.host,
        logDir: join(root, "oci-logs"),
        // No podman anywhere: the scanner double reads the layouts too.
        env: {
          FAKE_KOLLA_LOG: join(root, "oci-kolla.log"),
          FAKE_SCAN_ENGINE: "oci",
          FAKE_KOLLA_UNBUILDABLE: "^dnsmasq$",
          FAKE_KOLLA_VULNS: JSON.stringify({ cron: [{ id: "CVE-2025-7", severity: "HIGH", pkg: "cronie" }] }),
        },
      }),
    );
    expect(run.failures).toEqual([]);
    const tag = `2025.1-ubuntu-jammy-${TIMESTAMP}`;
    // Overcloud (cron; dnsmasq is not buildable for this base) then seed (bifrost) images.
    expect(run.results[0]!.steps.map((s) => [s.kind, s.exitCode])).toEqual([
      ["overcloud", 0],
      ["seed", 0],
    ]);
    expect(run.results[0]!.skipped).toEqual(["dnsmasq"]);
    expect(run.results[0]!.images.map((i) => [i.name, i.scan, i.pushed])).toEqual([
      ["base", "clean", true],
      ["bifrost-base", "clean", true],
      ["bifrost-deploy", "clean", true],
      ["cron", "dirty", true],
      ["openstack-base", "clean", true],
    ]);
    for (const image of run.results[0]!.images) {
      const { stdout } = await exec("skopeo", ["inspect", "--tls-verify=false", `docker://${registry.host}/stackhpc-dev/${image.name}:${tag}`]);
      const inspected = JSON.parse(stdout);
      expect(inspected.Digest).toBe(image.digest);
      expect(inspected.Labels.name).toBe(image.name);
    }
    // cron's layer holds its parent's files too, as a layered build's image would.
    const { stdout } = await exec("skopeo", ["inspect", "--tls-verify=false", "--raw", `docker://${registry.host}/stackhpc-dev/cron:${tag}`]);
    expect(JSON.parse(stdout).layers).toHaveLength(1);
  });
});

describe("kolla-build bad inputs", () => {
  it("fail before anything runs, naming the input", async () => {
    const calls: string[] = [];
    const spy: KollaBuildOptions["run"] = async (command) => {
      calls.push(command);
      return { exitCode: 0, stdout: "", stderr: "" };
    };
    const attempt = (o: Partial<KollaBuildOptions>) => runKollaBuild(options({ run: spy, ...o })).then(() => "ran", (e: Error) => e.message);
    expect(await attempt({ distros: "" })).toMatch(/input `distros` selects no distro/);
    expect(await attempt({ overcloud: false, seed: false })).toMatch(/input `overcloud` and `seed` are both false/);
    expect(await attempt({ regexes: "nova-[" })).toMatch(/input `regexes` has an invalid regular expression "nova-\["/);
    expect(await attempt({ timestamp: "yesterday" })).toMatch(/input `timestamp` is invalid: "yesterday"/);
    expect(await attempt({ distros: "debian-12" })).toMatch(/input `distros` names unknown distro "debian-12"/);
    expect(await attempt({ kayobeConfig: join(root, "nowhere") })).toMatch(/input `openstack-release` is not given and .*nowhere\/.gitreview does not exist/);
    expect(calls).toEqual([]);
    expect(existsSync(join(root, "nowhere"))).toBe(false);
  });

  it("a dry run prints the commands and runs none", async () => {
    const calls: string[] = [];
    let out = "";
    const result = await runKollaBuild(options({ dryRun: true, seed: true, run: async (c) => {
          calls.push(c);
          return { exitCode: 0, stdout: "", stderr: "" };
        },
        write: (t) => {
          out += t;
        },
        logDir: join(root, "dry") }));
    expect(calls).toEqual([]);
    expect(out).toContain(`would run: ${FAKE_KAYOBE} overcloud container image build nova-api nova-compute '^keystone$' -e kolla_base_distro=rocky`);
    expect(out).toContain(`would run: ${FAKE_KAYOBE} seed container image build -e kolla_base_distro=rocky`);
    expect(result.failures).toEqual([]);
    expect(existsSync(join(root, "dry"))).toBe(false);
  });
});
