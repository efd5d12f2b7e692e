// `pnpm start`, Kolla part: a full (no regexes) Kolla-style overcloud build — the kayobe double
// really builds its small image tree with podman, or as OCI layouts — for one distro, scanned, pushed with retries and verified, then kolla-image-tags.yml
// updated in a local kayobe-config — the images (and checkout) the container publish, the test
// Pulp mirror and the container promotion carry on with.
import { execFile } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { FAKE_KAYOBE, FAKE_TRIVY, podmanStorageProblem, privatePodmanStore } from "@release-train/pulp-emulator/fixtures";
import { KOLLA_IMAGE_TAGS_FILE } from "../kolla-build/image-tags-file";
import { finishKollaBuild, type ImageResult, type KollaBuildRun, runKollaBuild, writeSummary } from "../kolla-build/main";

const exec = promisify(execFile);

export interface KollaDemoOptions {
  dir: string;
  /** Registry to push to (as the CI user): `host` names the images, `url` is its API root. */
  registry: { host: string; url: string; username: string; password: string };
  timestamp: string;
  say(text: string): void;
}

export interface KollaDemoResult {
  run: KollaBuildRun;
  /** The images pushed into `stackhpc-dev` (name, tag, digest). */
  pushed: ImageResult[];
  /** The kayobe-config checkout whose kolla-image-tags.yml the build's finish step updated. */
  kayobeConfig: string;
}

export async function kollaBuildDemo(options: KollaDemoOptions): Promise<KollaDemoResult> {
  const { dir, say } = options;
  // Without a working podman (a bare machine, or a chroot podman cannot store images in) the double
  // writes OCI layouts, pushed through the registry API.
  const podman = await exec("podman", ["--version"]).then(
    async () => (await podmanStorageProblem()) === undefined,
    () => false,
  );
  const engine = podman ? "podman" : "oci";
  const kayobeConfig = join(dir, "kayobe-config");
  await mkdir(join(kayobeConfig, "etc/kayobe/trivy"), { recursive: true });
  await writeFile(join(kayobeConfig, ".gitreview"), "[gerrit]\nhost=review.opendev.org\nproject=openstack/kayobe-config.git\ndefaultbranch=stable/2025.1\n");
  await writeFile(join(kayobeConfig, KOLLA_IMAGE_TAGS_FILE), "---\nkolla_image_tags:\n  openstack:\n    rocky-9: 2025.1-rocky-9-20250101T000000\n");
  await writeFile(join(kayobeConfig, "etc/kayobe/trivy/allowed-vulnerabilities.yml"), "---\nglobal_allowed_vulnerabilities: []\n");
  // A private podman store for the demo, removed with its directory.
  const store = await privatePodmanStore(dir);
  const env = {
    ...store.env,
    FAKE_KOLLA_LOG: join(dir, "kolla-build.log"),
    FAKE_KOLLA_VULNS: JSON.stringify({ "nova-api": [{ id: "CVE-2025-0002", severity: "HIGH", pkg: "python3-urllib3" }] }),
    FAKE_SCAN_ENGINE: engine,
  };
  say(`--- release-train kolla-build --registry-username ${options.registry.username} --distros rocky-9 --engine ${engine} --registry ${options.registry.host} ---\n`);
  const run = await runKollaBuild({
    // No regexes: a complete build, so its finish step moves kolla-image-tags.yml's default tag.
    regexes: "",
    overcloud: true,
    seed: false,
    distros: "rocky-9",
    timestamp: options.timestamp,
    kayobeConfig,
    buildCommand: FAKE_KAYOBE,
    kollaLog: env.FAKE_KOLLA_LOG,
    engine,
    ociDir: join(dir, "oci"),
    registry: options.registry.host,
    registryUrl: options.registry.url,
    registryUsername: options.registry.username,
    registryPassword: options.registry.password,
    namespace: "stackhpc-dev",
    insecureRegistry: options.registry.url.startsWith("http:"),
    push: true,
    pushDirty: false,
    scan: "always",
    scanCommand: [FAKE_TRIVY, "image", "--quiet", "--format", "json"],
    logDir: join(dir, "logs"),
    env,
    write: (t) => process.stdout.write(t.replace(/^/gm, "  ").replace(/ {2}$/, "")),
  });
  const finish = await finishKollaBuild(run.results, { kayobeConfig, updateImageTags: true, branchSuffix: run.plan.timestamp, write: (t) => say(t.trimEnd()) });
  await writeSummary(run.results, finish, undefined, say);
  say(`kolla-image-tags.yml now:\n${(await readFile(join(kayobeConfig, KOLLA_IMAGE_TAGS_FILE), "utf8")).trimEnd()}`);
  if (podman) await store.clean();
  if (run.failures.length || finish.failures.length) throw new Error(`kolla-build failed:\n${[...run.failures, ...finish.failures].join("\n")}`);
  const pushed = run.results.flatMap((r) => r.images.filter((i) => i.pushed));
  if (!pushed.length) throw new Error("kolla-build pushed no image");
  return { run, pushed, kayobeConfig };
}
