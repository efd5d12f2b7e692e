// `pnpm start`, promotion: after the nightly, night 1's snapshots are pinned in a kayobe-config
// checkout and promoted (check mode first, then for real), and a customer — an RBAC user of the
// `stackhpc` group — downloads the promoted snapshot and is refused (403) the unpromoted one.
// With nginx installed, a customer's x509 client certificate from the Vault PKI does the same
// through a real TLS front. Containers: the Kolla build's pinned tags are promoted into stackhpc.
import { execFile } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { PulpClient, RegistryClient, VaultClient } from "@release-train/pulp-client";
import { type Emulator, startEmulator } from "@release-train/pulp-emulator";
import { issueServerCertificate, startNginxProxy } from "@release-train/pulp-emulator/proxy";
import { stringify } from "yaml";
import { runContentGuardsCli, runPromoteContainersCli, runPromotePackagesCli } from "../cli/promote";
import { writeConfigDir } from "./upstreams";

const run = promisify(execFile);

export interface PromotionDemoOptions {
  ark: Emulator;
  admin: { username: string; password: string };
  /** Release-train config directory of the nightly. */
  config: string;
  dir: string;
  /** short_name → version to pin (promoted), and the version that stays unpromoted. */
  pinned: Record<string, string>;
  unpromoted: string;
  /** `<base_path>` of the RPM repository (for the customer's download). */
  rpmBasePath: string;
  /** RPM upstream URL (the x509 part syncs its own small Ark from it). */
  rpmUpstream: string;
  say(text: string): void;
  banner(text: string): void;
}

const RBAC_GUARDS = [
  { name: "release", description: "RBAC content-guard for released distributions", roles: [{ role: "core.rbaccontentguard_downloader", groups: ["stackhpc", "stackhpc-dev"] }] },
  { name: "development", description: "RBAC content-guard for development distributions", roles: [{ role: "core.rbaccontentguard_downloader", groups: ["stackhpc-dev"] }] },
];

export async function promotionDemo(o: PromotionDemoOptions): Promise<void> {
  const env = { PULP_PASSWORD: o.admin.password };
  const client = new PulpClient({ baseUrl: o.ark.url, ...o.admin });
  try {
    o.banner("Promotion: night 1's snapshots, as a kayobe-config branch pins them");
    for (const [group, user] of [["stackhpc", "customer"], ["stackhpc-dev", "ci"]] as const) {
      const g = await client.groups.create({ name: group });
      await client.users.create({ username: user, password: "demo-password" });
      await client.groups.addUser(g.pulp_href, user);
    }
    o.say("groups stackhpc (user customer) and stackhpc-dev (user ci) made in Ark");
    await writeFile(join(o.config, "dev-pulp-repos"), `---\n${stringify({ dev_pulp_content_guards_rbac: RBAC_GUARDS })}`);
    const kayobe = join(o.dir, "kayobe-config");
    await mkdir(join(kayobe, "etc/kayobe"), { recursive: true });
    const pins = Object.entries(o.pinned).map(([s, v]) => `stackhpc_pulp_repo_${s}_version: ${v}`);
    await writeFile(join(kayobe, "etc/kayobe/pulp-repo-versions.yml"), `---\n${pins.join("\n")}\n`);
    o.say(`kayobe-config checkout ${kayobe} pins:\n  ${pins.join("\n  ")}`);

    o.say("\n--- release-train content-guards ---\n");
    await runContentGuardsCli({ config: o.config, pulpUrl: o.ark.url, username: o.admin.username }, env, (t) => process.stdout.write(t));
    const common = { config: o.config, pulpUrl: o.ark.url, username: o.admin.username, kayobeConfig: kayobe };
    o.say("\n--- release-train promote packages --dry-run ---\n");
    await runPromotePackagesCli({ ...common, dryRun: true }, env, (t) => process.stdout.write(t));
    o.say("\n--- release-train promote packages ---\n");
    const { result } = await runPromotePackagesCli({ ...common, auditFile: join(o.dir, "promotion-audit-packages.json") }, env, (t) => process.stdout.write(t));
    if (result.failed.length) throw new Error("promotion failed (see above)");
    o.say(`audit record: ${join(o.dir, "promotion-audit-packages.json")}`);

    o.banner("A customer (RBAC user in group stackhpc) downloads");
    const auth = { authorization: `Basic ${Buffer.from("customer:demo-password").toString("base64")}` };
    for (const [label, version] of [
      ["promoted  ", Object.values(o.pinned)[0] as string],
      ["unpromoted", o.unpromoted],
    ] as const) {
      const url = `${o.ark.contentUrl}${o.rpmBasePath}${version}/repodata/repomd.xml`;
      const status = (await fetch(url, { headers: auth })).status;
      o.say(`${label} ${url} → ${status}${status === 403 ? " (development guard)" : ""}`);
    }
  } finally {
    await client.close();
  }
  await x509Demo(o);
}

async function hasNginx(): Promise<boolean> {
  try {
    await run("nginx", ["-v"]);
    return true;
  } catch {
    return false;
  }
}

/** The x509 variant on a small Ark of its own: guards from the Vault PKI, a customer certificate through nginx. */
async function x509Demo(o: PromotionDemoOptions): Promise<void> {
  if (!(await hasNginx())) {
    o.say("\n(nginx is not installed: the x509 client-certificate part is skipped)");
    return;
  }
  o.banner("x509 guards from Vault PKI; a customer's client certificate through nginx");
  const ark = await startEmulator(o.admin);
  if (!ark.vault) throw new Error("the emulator's Vault stand-in is off");
  const vault = new VaultClient({ url: ark.vaultUrl, token: ark.vault.rootToken });
  const server = await issueServerCertificate(ark.vault);
  const proxy = await startNginxProxy({ upstream: ark.url, serverCert: server.certificate, serverKey: server.privateKey, clientCaBundle: ark.vault.guardBundles().release });
  try {
    const config = await writeConfigDir(join(o.dir, "config-x509"), {
      rpm: [{ name: "Rocky (x509 demo)", url: o.rpmUpstream, base_path: "rocky/9/x509/", short_name: "rocky_x509", sync_group: "x", distribution_name: "rocky-x509-" }],
      deb: [],
    });
    await writeFile(join(config, "dev-pulp-repos"), "---\ndev_pulp_content_guards_type: x509\n");
    const opts = { config, pulpUrl: ark.url, username: o.admin.username, vaultUrl: ark.vaultUrl, vaultToken: ark.vault?.rootToken };
    const env = { PULP_PASSWORD: o.admin.password };
    await runContentGuardsCli(opts, env, (t) => process.stdout.write(t));
    const { runSyncPackageReposCli } = await import("../cli/sync-package-repos");
    const versions = ["20261201T010000"];
    await runSyncPackageReposCli({ config, pulpUrl: ark.url, username: o.admin.username, target: "ark", version: versions[0], concurrency: 2, summaryFile: join(o.dir, "x509-sync.md") } as never, env, () => {});
    const { result } = await runPromotePackagesCli({ ...opts, versions: JSON.stringify({ rocky_x509: versions[0] }), summaryFile: join(o.dir, "x509-promote.md") }, env, () => {});
    o.say(`promoted rocky-x509-${versions[0]}: ${result.items.map((i) => i.status).join(", ")}`);
    const dir = join(o.dir, "x509-client");
    await mkdir(dir, { recursive: true });
    const cert = await vault.issueCertificate("pki_client", "client", { common_name: "customer.example" });
    await writeFile(join(dir, "client.crt"), cert.certificate);
    await writeFile(join(dir, "client.key"), cert.privateKey);
    await writeFile(join(dir, "ca.crt"), server.caCertificate);
    const curl = async (path: string) => {
      const { stdout } = await run("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", join(dir, "ca.crt"), "--cert", join(dir, "client.crt"), "--key", join(dir, "client.key"), `${proxy.url}/pulp/content/${path}`]);
      return stdout;
    };
    o.say(`curl --cert <customer certificate from pki_client> ${proxy.url}/pulp/content/rocky/9/x509/${versions[0]}/repodata/repomd.xml → ${await curl(`rocky/9/x509/${versions[0]}/repodata/repomd.xml`)}`);
    // Demote: the customer loses access again.
    await runPromotePackagesCli({ ...opts, versions: JSON.stringify({ rocky_x509: versions[0] }), mode: "demote", summaryFile: join(o.dir, "x509-promote.md") }, env, () => {});
    o.say(`after promote --mode demote, the same request → ${await curl(`rocky/9/x509/${versions[0]}/repodata/repomd.xml`)} (development guard: the client CA is not in it)`);
  } finally {
    await proxy.stop();
    await ark.stop();
  }
}

export interface ContainerPromotionDemoOptions {
  ark: Emulator;
  admin: { username: string; password: string };
  /** Release-train config directory (its `kolla` file lists the built images). */
  config: string;
  /** The Kolla build's kayobe-config checkout: its kolla-image-tags.yml pins the tags to promote. */
  kayobeConfig: string;
  /** An image the build pushed (and published), pulled by the customer afterwards. */
  pull: { name: string; tag: string };
  dir: string;
  say(text: string): void;
  banner(text: string): void;
}

/**
 * Containers: the tags the Kolla build wrote into its kayobe-config's kolla-image-tags.yml resolved
 * and promoted from stackhpc-dev into stackhpc, and a customer pulling the promoted image while
 * stackhpc-dev stays closed to it.
 */
export async function containerPromotionDemo(o: ContainerPromotionDemoOptions): Promise<void> {
  o.banner("Containers: resolve the Kolla build's kolla-image-tags.yml, promote from stackhpc-dev into stackhpc");
  const env = { PULP_PASSWORD: o.admin.password };
  const client = new PulpClient({ baseUrl: o.ark.url, ...o.admin });
  try {
    const { imageTagsJson, kollaImageTags } = await import("../promote/kolla/image-tags");
    const { loadConfig } = await import("../config");
    const resolved = await kollaImageTags({ checkout: o.kayobeConfig, config: await loadConfig(o.config) });
    o.say(`--- release-train kolla-image-tags --kayobe-config ${o.kayobeConfig} ---\n${JSON.stringify(imageTagsJson(resolved))}`);
    const promoted = resolved.images[o.pull.name]?.tags ?? [];
    if (!promoted.includes(o.pull.tag)) throw new Error(`kolla-image-tags.yml does not pin ${o.pull.name}:${o.pull.tag} (it pins ${promoted.join(", ") || "nothing"})`);
    const common = { config: o.config, pulpUrl: o.ark.url, username: o.admin.username, kayobeConfig: o.kayobeConfig };
    o.say("\n--- release-train promote containers --dry-run ---\n");
    await runPromoteContainersCli({ ...common, dryRun: true }, env, (t) => process.stdout.write(t));
    o.say("\n--- release-train promote containers ---\n");
    const { result } = await runPromoteContainersCli({ ...common, auditFile: join(o.dir, "promotion-audit-containers.json") }, env, (t) => process.stdout.write(t));
    if (result.failed.length) throw new Error("container promotion failed (see above)");

    // Customers may pull the release namespace (pulp_container's namespace consumer role).
    await client.users.create({ username: "image-customer", password: "demo-password" });
    const ns = await client.http.request("GET", "pulp_container/namespaces/", { query: { name: "stackhpc" } });
    const nsHref = (ns.body as { results: { pulp_href: string }[] }).results[0]?.pulp_href;
    if (nsHref) await client.http.request("POST", `${nsHref}add_role/`, { body: { role: "container.containernamespace_consumer", users: ["image-customer"] } });
    o.banner("A customer (pull rights on the stackhpc namespace) pulls");
    const customer = new RegistryClient({ url: o.ark.url, username: "image-customer", password: "demo-password" });
    try {
      for (const path of [`stackhpc/${o.pull.name}`, `stackhpc-dev/${o.pull.name}`]) {
        const outcome = await customer.getManifest(path, o.pull.tag).then(
          (m) => `pulled ${m.digest.slice(0, 19)}…`,
          (e: Error) => `refused: ${e.message.split("\n")[0]}`,
        );
        o.say(`${path}:${o.pull.tag} → ${outcome}`);
      }
    } finally {
      await customer.close();
    }
  } finally {
    await client.close();
  }
}
