// TLS server certificates for the nginx front, from the Vault stand-in's server CA.
import type { PkiLayout } from "../vault/index";
import { ROLES } from "../vault/index";

export interface ServerCertificate {
  /** Leaf followed by the server CA: what nginx's `ssl_certificate` should hold. */
  certificate: string;
  privateKey: string;
  /** The release (root) CA: what clients trust (`curl --cacert`, dnf `sslcacert`, apt `CaInfo`). */
  caCertificate: string;
}

/** Issues `pki_server/issue/server` for localhost and 127.0.0.1 (plus `extraNames`). */
export async function issueServerCertificate(vault: { layout: PkiLayout }, extraNames: string[] = []): Promise<ServerCertificate> {
  const { data } = await vault.layout.server.issue(ROLES.server, { common_name: "localhost", alt_names: extraNames, ip_sans: ["127.0.0.1"] }, new Date());
  const trim = (pem: string) => `${pem.trim()}\n`;
  return {
    certificate: trim(data.certificate) + trim(data.issuing_ca),
    privateKey: data.private_key,
    caCertificate: trim(vault.layout.release.certificatePem),
  };
}
