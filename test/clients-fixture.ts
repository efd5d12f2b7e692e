// Guarded RPM and Deb snapshots in the emulator, behind real nginx, with Vault-issued certificates
// on disk for real clients (curl, dnf, apt-get). Shared by test/clients*.test.ts.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  asHref,
  type ContentGuardHref,
  type DebDistributionBody,
  type DebPublicationHref,
  PulpClient,
  type RpmDistributionBody,
  type RpmPublicationHref,
  VaultClient,
} from "@release-train/pulp-client";
import { type Emulator, startEmulator } from "@release-train/pulp-emulator";
import type { DebPackageSpec, RpmPackageSpec } from "@release-train/pulp-emulator/fixtures";
import { issueServerCertificate, type NginxProxy, startNginxProxy } from "@release-train/pulp-emulator/proxy";
import { startUpstreams, type Upstreams } from "../packages/release-train/src/demo/upstreams";

export const RPM_PACKAGES: RpmPackageSpec[] = [
  { name: "alpha", version: "1.0" },
  { name: "beta", version: "2.0", release: "3" },
];
export const DEB_PACKAGES: DebPackageSpec[] = [
  { name: "gamma", version: "1.0" },
  { name: "delta", version: "2.0-1", arch: "amd64" },
];
export const DEB_DIST = "jammy";

/** Base paths per guard: `open` has none. */
export type Access = "open" | "development" | "release";
export const ACCESS: Access[] = ["open", "development", "release"];

export interface Credential {
  cert: string;
  key: string;
}

export interface GuardedContent {
  dir: string;
  emu: Emulator;
  proxy: NginxProxy;
  upstreams: Upstreams;
  /** The release CA (trust anchor for the proxy's certificate). */
  caFile: string;
  build: Credential;
  client: Credential;
  /** `<proxy>/pulp/content/<kind>-<access>/` */
  url(kind: "rpm" | "deb", access: Access): string;
  stop(): Promise<void>;
}

export async function startGuardedContent(): Promise<GuardedContent> {
  const dir = await mkdtemp(join(tmpdir(), "clients-"));
  const cleanup: (() => Promise<unknown>)[] = [() => rm(dir, { recursive: true, force: true })];
  const stop = async () => {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
  };
  try {
    const upstreams = await startUpstreams(join(dir, "upstream"));
    cleanup.push(() => upstreams.stop());
    await Promise.all([upstreams.rpm("rocky", RPM_PACKAGES), upstreams.deb("ubuntu", DEB_DIST, DEB_PACKAGES)]);

    const emu = await startEmulator();
    cleanup.push(() => emu.stop());
    const vault = emu.vault;
    if (!vault) throw new Error("the emulator's Vault stand-in is off");
    const pulp = new PulpClient({ baseUrl: emu.url, username: "admin", password: "password" });
    cleanup.push(() => pulp.close());

    const bundles = vault.guardBundles();
    const guard = async (name: Access & keyof typeof bundles) =>
      asHref<ContentGuardHref>((await pulp.contentGuards.x509.create({ name, ca_certificate: bundles[name] })).pulp_href);
    const guards: Record<Access, ContentGuardHref | null> = { open: null, development: await guard("development"), release: await guard("release") };

    const rpmRemote = await pulp.remotes.rpm.create({ name: "rocky", url: upstreams.url("rocky"), policy: "immediate" });
    const rpmRepo = await pulp.repositories.rpm.create({ name: "rocky", remote: rpmRemote.pulp_href });
    await (await pulp.repositories.rpm.sync(rpmRepo.pulp_href, {})).wait();
    const rpmPub = await (await pulp.publications.rpm.create({ repository: rpmRepo.pulp_href })).wait();
    const debRemote = await pulp.remotes.deb.create({
      name: "ubuntu",
      url: upstreams.url("ubuntu"),
      distributions: DEB_DIST,
      components: "main",
      architectures: "amd64",
      policy: "immediate",
    });
    const debRepo = await pulp.repositories.deb.create({ name: "ubuntu", remote: debRemote.pulp_href });
    await (await pulp.repositories.deb.sync(debRepo.pulp_href, {})).wait();
    const debPub = await (await pulp.publications.debApt.create({ repository: debRepo.pulp_href, structured: true })).wait();
    const rpmPublication = createdHref<RpmPublicationHref>(rpmPub.created_resources, "/publications/rpm/");
    const debPublication = createdHref<DebPublicationHref>(debPub.created_resources, "/publications/deb/");
    for (const access of ACCESS) {
      const rpm: RpmDistributionBody = { name: `rpm-${access}`, base_path: `rpm-${access}`, publication: rpmPublication, content_guard: guards[access] };
      const deb: DebDistributionBody = { name: `deb-${access}`, base_path: `deb-${access}`, publication: debPublication, content_guard: guards[access] };
      await (await pulp.distributions.rpm.create(rpm)).wait();
      await (await pulp.distributions.deb.create(deb)).wait();
    }

    const server = await issueServerCertificate(vault);
    const proxy = await startNginxProxy({
      upstream: emu.url,
      serverCert: server.certificate,
      serverKey: server.privateKey,
      // The CA names a front advertises when asking for a certificate; nothing is enforced.
      clientCaBundle: bundles.release,
    });
    cleanup.push(() => proxy.stop());

    // Client certificates come from Vault's HTTP API, as the release train gets them.
    const vaultClient = new VaultClient({ url: emu.vaultUrl, token: vault.rootToken });
    const certs = join(dir, "certs");
    await mkdir(certs, { mode: 0o700 });
    const save = async (name: string, text: string) => {
      const path = join(certs, name);
      await writeFile(path, text, { mode: 0o600 });
      return path;
    };
    const credential = async (mount: string, role: string, name: string): Promise<Credential> => {
      const issued = await vaultClient.issueCertificate(mount, role, { common_name: `${name}.example`, ttl: "1h" });
      return { cert: await save(`${name}.pem`, issued.certificate), key: await save(`${name}.key`, issued.privateKey) };
    };
    return {
      dir,
      emu,
      proxy,
      upstreams,
      caFile: await save("ca.pem", server.caCertificate),
      build: await credential("pki_dev", "build", "build"),
      client: await credential("pki_client", "client", "client"),
      url: (kind, access) => `${proxy.url}/pulp/content/${kind}-${access}/`,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

function createdHref<H>(created: readonly (string | null)[], fragment: string): H {
  const href = created.find((h) => h?.includes(fragment));
  if (!href) throw new Error(`no ${fragment} in ${JSON.stringify(created)}`);
  return href as H;
}
