// The CA hierarchy of the stand-in (see README.md): a self-signed release CA with the development
// CA, the client CA and the server CA (TLS fronts) as siblings below it.
import type { KeyType } from "./keys";
import { PkiMount, type PkiRole } from "./pki";

export const MOUNTS = { release: "pki", development: "pki_dev", client: "pki_client", server: "pki_server" } as const;
export const ROLES = { build: "build", client: "client", server: "server" } as const;

export interface PkiLayout {
  release: PkiMount;
  development: PkiMount;
  client: PkiMount;
  /** Issues TLS server certificates; in no guard bundle, so its leaves open no content. */
  server: PkiMount;
}

/** Role defaults when created over the API (Vault's: RSA 2048, 768h). */
export function defaultRole(): PkiRole {
  return {
    ttl: 0,
    max_ttl: 0,
    allow_any_name: false,
    allowed_domains: [],
    allow_subdomains: false,
    allow_bare_domains: false,
    allow_ip_sans: true,
    key_type: "rsa",
    key_bits: 2048,
    client_flag: true,
    server_flag: true,
  };
}

export async function createLayout(options: { keyType: KeyType; caTtlSeconds: number; now: Date }): Promise<PkiLayout> {
  const notBefore = new Date(options.now.getTime() - 60_000);
  const common = { keyType: options.keyType, notBefore, ttlSeconds: options.caTtlSeconds };
  const release = await PkiMount.create({ ...common, path: MOUNTS.release, commonName: "Release Train Release CA" });
  const [development, client, server] = await Promise.all([
    PkiMount.create({ ...common, path: MOUNTS.development, commonName: "Release Train Development CA", issuer: release, pathLength: 0 }),
    PkiMount.create({ ...common, path: MOUNTS.client, commonName: "Release Train Client CA", issuer: release, pathLength: 0 }),
    PkiMount.create({ ...common, path: MOUNTS.server, commonName: "Release Train Server CA", issuer: release, pathLength: 0 }),
  ]);
  // Leaf roles; EC keys keep issuance fast (an RSA key takes ~100 ms to generate).
  const leafRole = { ...defaultRole(), allow_any_name: true, key_type: "ec" as const, key_bits: 256, ttl: 24 * 3600, max_ttl: 72 * 3600 };
  development.roles.set(ROLES.build, { ...leafRole });
  client.roles.set(ROLES.client, { ...leafRole, server_flag: false });
  server.roles.set(ROLES.server, { ...leafRole, client_flag: false });
  return { release, development, client, server };
}

/**
 * `ca_certificate` bundles for the two x509 guards. Every certificate of a chain must be stored
 * (certguard verifies without partial chains), so the development bundle holds the release CA
 * too; leaving out the client CA is what keeps client certificates out of development content.
 */
export function guardBundles(layout: PkiLayout): { release: string; development: string } {
  const pem = (mount: PkiMount) => `${mount.certificatePem.trim()}\n`;
  return {
    release: pem(layout.release) + pem(layout.development) + pem(layout.client),
    development: pem(layout.release) + pem(layout.development),
  };
}
