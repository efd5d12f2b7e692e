// The container part of `pnpm start` (and the fixtures of the container system tests): two small
// real OCI images pushed into the local Ark's `stackhpc-dev` namespace as the CI user, publish,
// mirror into the local test Pulp, then an anonymous pull refused and an authorised one served.
// Pushes go through skopeo where it is installed, else through the project's own registry client.
import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { PulpClient, pushOciLayout, RegistryClient, RegistryHttpError } from "@release-train/pulp-client";
import type { Emulator } from "@release-train/pulp-emulator";
import { buildOciImage } from "@release-train/pulp-emulator/fixtures";
import { stringify } from "yaml";
import { runSyncContainerReposCli, type SyncContainerReposCliOptions } from "../cli/sync-container-repos";

const exec = promisify(execFile);

export const CI_USER = { username: "release-train-ci", password: "ci-password" };
export const MIRROR_USER = { username: "test-pulp-mirror", password: "mirror-password" };

/** A `kolla` vars file as the release train has it, for these images (new scheme only by default). */
export async function writeKollaConfig(dir: string, images: string[], options: { syncOldImages?: boolean; distros?: string[] } = {}): Promise<void> {
  const kolla = {
    kolla_container_images: images,
    kolla_unbuildable_images: { old_scheme: Object.fromEntries((options.distros ?? ["rocky"]).map((d) => [d, []])), new_scheme: [] },
    default_kolla_base_distros: options.distros ?? ["rocky"],
    kolla_base_distros_override: "",
    sync_old_images: options.syncOldImages ?? false,
    sync_new_images: true,
  };
  await writeFile(join(dir, "kolla"), `---\n${stringify(kolla)}`);
}

/** Ark's users: CI may create namespaces by pushing; the test Pulp's mirror user reads `stackhpc-dev`. */
export async function createRegistryUsers(ark: Emulator, admin: { username: string; password: string }): Promise<void> {
  const client = new PulpClient({ baseUrl: ark.url, ...admin });
  try {
    const ci = await client.users.create({ username: CI_USER.username, password: CI_USER.password });
    await client.users.create({ username: MIRROR_USER.username, password: MIRROR_USER.password });
    await fetch(new URL(`${ci.pulp_href}roles/`, ark.url), {
      method: "POST",
      headers: { authorization: basic(admin), "content-type": "application/json" },
      body: JSON.stringify({ role: "container.containernamespace_creator", content_object: null }),
    }).then(ok);
  } finally {
    await client.close();
  }
}

/** Give the mirror user pull rights on a namespace (after CI's first push created it). */
export async function grantNamespacePull(ark: Emulator, admin: { username: string; password: string }, namespace: string, username: string): Promise<void> {
  const headers = { authorization: basic(admin), "content-type": "application/json" };
  const list = (await (await fetch(`${ark.url}/pulp/api/v3/pulp_container/namespaces/?name=${namespace}`, { headers })).json()) as { results: { pulp_href: string }[] };
  const ns = list.results[0];
  if (!ns) throw new Error(`namespace ${namespace} does not exist in Ark`);
  await fetch(new URL(`${ns.pulp_href}add_role/`, ark.url), {
    method: "POST",
    headers,
    body: JSON.stringify({ role: "container.containernamespace_consumer", users: [username] }),
  }).then(ok);
}

const basic = (c: { username: string; password: string }) => `Basic ${Buffer.from(`${c.username}:${c.password}`).toString("base64")}`;
const ok = async (res: Response) => {
  if (!res.ok) throw new Error(`${res.url}: HTTP ${res.status} ${await res.text()}`);
};

async function hasSkopeo(): Promise<boolean> {
  return exec("skopeo", ["--version"]).then(
    () => true,
    () => false,
  );
}

/** Build a small real image (OCI layout, one layer) and push it to `<registry>/<name>:<tag>`. */
export async function buildAndPush(
  registryUrl: string,
  creds: { username: string; password: string },
  name: string,
  tag: string,
  dir: string,
  tool?: "skopeo" | "client",
): Promise<{ digest: string; via: "skopeo" | "client" }> {
  const image = await buildOciImage({ dir: join(dir, name.replaceAll("/", "_")), name, tag, files: { [`etc/${name.split("/").pop()}/build`]: `${tag}\n` } });
  const via = tool ?? ((await hasSkopeo()) ? "skopeo" : "client");
  if (via === "skopeo") {
    const host = new URL(registryUrl).host;
    await exec("skopeo", ["copy", "--quiet", "--dest-tls-verify=false", `--dest-creds=${creds.username}:${creds.password}`, `oci:${image.dir}:${tag}`, `docker://${host}/${name}:${tag}`]);
  } else {
    const client = new RegistryClient({ url: registryUrl, ...creds });
    try {
      await pushOciLayout(client, image.dir, name, { tag });
    } finally {
      await client.close();
    }
  }
  return { digest: image.digest, via };
}

export interface ContainerDemoOptions {
  ark: Emulator;
  test: Emulator;
  admin: { username: string; password: string };
  /** Configuration directory: the demo writes its `kolla` file there. */
  config: string;
  /** What the Kolla build pushed into `stackhpc-dev` as the CI user (one tag). */
  pushed: { name: string; tag: string }[];
  say(text: string): void;
  banner(text: string): void;
}

/**
 * The container night of `pnpm start`, after the Kolla build: publish the images it pushed (their
 * push-created distributions made private, release repositories created) and mirror them into the
 * test Pulp. Call `createRegistryUsers` before the build, so that CI may push.
 */
export async function containerDemo(o: ContainerDemoOptions): Promise<void> {
  const images = [...new Set(o.pushed.map((p) => p.name))].sort();
  const tag = o.pushed[0]?.tag;
  if (!tag || !images.includes("keystone")) throw new Error("the container demo needs the Kolla build's keystone image");
  // The `kolla` vars file lists what the build makes; it pushed new-scheme names (stackhpc-dev/<image>).
  await writeKollaConfig(o.config, images, { syncOldImages: false, distros: ["rocky"] });
  o.banner("Containers: publish the Kolla build's images from Ark's stackhpc-dev namespace, mirror them into the test Pulp");
  o.say(`kolla config lists the built images (new scheme stackhpc-dev/<image>, no old-scheme <distro>-source-<image>): ${images.join(", ")}`);
  const before = new RegistryClient({ url: o.ark.url });
  await before.getManifest("stackhpc-dev/keystone", tag);
  await before.close();
  o.say("a push-created distribution is public: an anonymous pull of stackhpc-dev/keystone works (for now)");
  await grantNamespacePull(o.ark, o.admin, "stackhpc-dev", MIRROR_USER.username);

  const common: Omit<SyncContainerReposCliOptions, "pulpUrl" | "target"> = { config: o.config, username: o.admin.username, concurrency: 4 };
  const env = { PULP_PASSWORD: o.admin.password, ARK_PASSWORD: o.admin.password, REMOTE_PASSWORD: MIRROR_USER.password };
  o.say("\n--- release-train sync-container-repos --target ark (publish) ---\n");
  const publish = await runSyncContainerReposCli({ ...common, pulpUrl: o.ark.url, target: "ark" }, env);
  o.say("\n--- release-train sync-container-repos --target test (mirror from Ark, on_demand, token auth) ---\n");
  const mirror = await runSyncContainerReposCli(
    { ...common, pulpUrl: o.test.url, target: "test", arkUrl: o.ark.url, arkUsername: o.admin.username, remoteUsername: MIRROR_USER.username },
    env,
  );
  if (publish.failed.length || mirror.failed.length) throw new Error("the container demo failed (see above)");

  o.banner("Pulling from the test Pulp's registry");
  // A new client: a token issued while the distribution was public stays valid until it expires.
  const anonymous = new RegistryClient({ url: o.ark.url });
  const refused = await anonymous.getManifest("stackhpc-dev/keystone", tag).then(
    () => "served (unexpected!)",
    (e: unknown) => (e instanceof RegistryHttpError ? `refused: HTTP ${e.status} ${e.code ?? ""}` : String(e)),
  );
  o.say(`anonymous pull from Ark after publish:  ${refused}`);
  const testAnon = new RegistryClient({ url: o.test.url });
  const testRefused = await testAnon.getManifest("stackhpc-dev/keystone", tag).then(
    () => "served (unexpected!)",
    (e: unknown) => (e instanceof RegistryHttpError ? `refused: HTTP ${e.status} ${e.code ?? ""}` : String(e)),
  );
  o.say(`anonymous pull from the test Pulp:      ${testRefused}`);
  const authorised = new RegistryClient({ url: o.test.url, ...o.admin });
  const manifest = await authorised.getManifest("stackhpc-dev/keystone", tag);
  const layer = (JSON.parse(manifest.body.toString("utf8")) as { layers: { digest: string }[] }).layers[0]!;
  const blob = await authorised.getBlob("stackhpc-dev/keystone", layer.digest);
  o.say(`authorised pull from the test Pulp:     manifest ${manifest.digest.slice(0, 19)}…, layer ${blob.length} bytes (fetched from Ark on demand)`);
  await Promise.all([anonymous.close(), testAnon.close(), authorised.close()]);
  o.say(
    [
      "Containers: the Kolla build's pushes (as CI) created public development distributions; publish made them",
      "private and created the private release repositories stackhpc/<image>; the test Pulp mirrors them on demand",
      "through Ark's token auth.",
    ].join("\n"),
  );
}
