// The PKI mounts of the Vault stand-in: real CAs (generated at start) issuing real certificates.
import { randomBytes, webcrypto } from "node:crypto";
import { isIP } from "node:net";
import * as px from "@peculiar/x509";
import { formatDuration } from "./duration";
import { exportPrivateKeyPem, generateKeyPair, type KeyPair, type KeyType } from "./keys";

px.cryptoProvider.set(webcrypto as unknown as Parameters<typeof px.cryptoProvider.set>[0]);

/** A PKI role (`<mount>/roles/<name>`), the subset of Vault's fields the stand-in honours. */
export interface PkiRole {
  ttl: number; // seconds, 0 = mount default
  max_ttl: number; // seconds, 0 = mount maximum
  allow_any_name: boolean;
  allowed_domains: string[];
  allow_subdomains: boolean;
  allow_bare_domains: boolean;
  allow_ip_sans: boolean;
  key_type: KeyType;
  key_bits: number;
  client_flag: boolean;
  server_flag: boolean;
}

export interface IssueRequest {
  common_name: string;
  alt_names: string[];
  ip_sans: string[];
  ttl?: number; // seconds
}

export interface IssuedCertificate {
  certificate: string;
  issuing_ca: string;
  ca_chain: string[];
  private_key: string;
  private_key_type: KeyType;
  serial_number: string;
  expiration: number;
}

/** Vault's default and maximum lease TTL (768h). */
export const SYSTEM_MAX_TTL = 768 * 3600;
/** Vault back-dates notBefore by 30s (`not_before_duration`). */
const NOT_BEFORE_SKEW_MS = 30_000;

/** Raised for requests Vault rejects with 400; `message` is Vault's error text. */
export class PkiRequestError extends Error {}

function randomSerial(): string {
  const bytes = randomBytes(20);
  // A positive INTEGER with no leading zero byte: DER would drop it, and the serial would no longer
  // match the certificate's own (1 in 128 issues).
  bytes[0] = (bytes[0]! % 0x7f) + 1;
  return bytes.toString("hex");
}

/** Vault's serial_number format: lower-case hex bytes joined by ':'. */
export function formatSerial(hex: string): string {
  return (hex.length % 2 ? `0${hex}` : hex).match(/../g)!.join(":").toLowerCase();
}

function domainAllowed(name: string, role: PkiRole): boolean {
  if (role.allow_any_name) return true;
  return role.allowed_domains.some(
    (domain) => (role.allow_bare_domains && name === domain) || (role.allow_subdomains && name.endsWith(`.${domain}`)),
  );
}

/** One PKI mount: its CA certificate and key, the chain above it and its roles. */
export class PkiMount {
  readonly roles = new Map<string, PkiRole>();
  private constructor(
    readonly path: string,
    readonly certificate: px.X509Certificate,
    private readonly key: KeyPair,
    /** PEM certificates above this CA, nearest first (empty for a root). */
    readonly parents: string[],
  ) {}

  get certificatePem(): string {
    return this.certificate.toString("pem");
  }

  /** Vault's `ca_chain`: this CA first, then its issuers up to the root. */
  get caChain(): string[] {
    return [this.certificatePem, ...this.parents];
  }

  /** Creates a mount whose CA is self-signed (`issuer` absent) or signed by `issuer`. */
  static async create(options: {
    path: string;
    commonName: string;
    keyType: KeyType;
    notBefore: Date;
    ttlSeconds: number;
    issuer?: PkiMount;
    pathLength?: number;
  }): Promise<PkiMount> {
    const key = await generateKeyPair(options.keyType);
    const name = `CN=${options.commonName}`;
    const issuer = options.issuer;
    const signer = issuer ? issuer.key : key;
    const notAfter = new Date(options.notBefore.getTime() + options.ttlSeconds * 1000);
    const extensions: px.Extension[] = [
      new px.BasicConstraintsExtension(true, options.pathLength, true),
      new px.KeyUsagesExtension(px.KeyUsageFlags.keyCertSign | px.KeyUsageFlags.cRLSign | px.KeyUsageFlags.digitalSignature, true),
      await px.SubjectKeyIdentifierExtension.create(key.keys.publicKey),
      await px.AuthorityKeyIdentifierExtension.create(issuer ? issuer.key.keys.publicKey : key.keys.publicKey),
    ];
    const certificate = await px.X509CertificateGenerator.create({
      serialNumber: randomSerial(),
      subject: name,
      issuer: issuer ? issuer.certificate.subject : name,
      notBefore: options.notBefore,
      notAfter: issuer && notAfter > issuer.certificate.notAfter ? issuer.certificate.notAfter : notAfter,
      publicKey: key.keys.publicKey,
      signingKey: signer.keys.privateKey,
      signingAlgorithm: signer.signingAlgorithm,
      extensions,
    });
    return new PkiMount(options.path, certificate, key, issuer ? issuer.caChain : []);
  }

  /** `<mount>/issue/<role>`: a new key and a certificate for it, signed by this CA. */
  async issue(roleName: string, request: IssueRequest, now: Date): Promise<{ data: IssuedCertificate; warnings: string[] }> {
    const role = this.roles.get(roleName);
    if (!role) throw new PkiRequestError(`unknown role: ${roleName}`);
    if (!request.common_name) {
      throw new PkiRequestError(
        'the common_name field is required, or must be provided in a CSR with "use_csr_common_name" set to true, unless "require_cn" is set to false',
      );
    }
    if (!domainAllowed(request.common_name, role)) {
      throw new PkiRequestError(`common name ${request.common_name} not allowed by this role`);
    }
    for (const name of request.alt_names) {
      if (!domainAllowed(name, role)) throw new PkiRequestError(`subject alternate name ${name} not allowed by this role`);
    }
    for (const ip of request.ip_sans) {
      if (!role.allow_ip_sans) throw new PkiRequestError("IP Subject Alternative Names are not allowed in this role, but was provided some via CSR or API");
      if (!isIP(ip)) throw new PkiRequestError(`the value "${ip}" is not a valid IP address`);
    }

    const warnings: string[] = [];
    const maxTtl = role.max_ttl || SYSTEM_MAX_TTL;
    let ttl = request.ttl || role.ttl || maxTtl;
    if (ttl > maxTtl) {
      warnings.push(`TTL "${formatDuration(ttl)}" is longer than permitted maxTTL "${formatDuration(maxTtl)}", so maxTTL is being used`);
      ttl = maxTtl;
    }
    const notAfter = new Date(Math.floor(now.getTime() / 1000) * 1000 + ttl * 1000);
    if (notAfter > this.certificate.notAfter) {
      throw new PkiRequestError(
        `cannot satisfy request, as TTL would result in notAfter of ${notAfter.toISOString()} that is beyond the expiration of the CA certificate at ${this.certificate.notAfter.toISOString()}`,
      );
    }

    const key = await generateKeyPair(role.key_type, role.key_bits);
    // Vault puts the CN among the DNS SANs unless it is an e-mail address.
    const dns = [...new Set([request.common_name, ...request.alt_names])].filter((n) => !n.includes("@"));
    const usages = role.key_type === "rsa" ? px.KeyUsageFlags.keyEncipherment : px.KeyUsageFlags.keyAgreement;
    const eku = [...(role.server_flag ? [px.ExtendedKeyUsage.serverAuth] : []), ...(role.client_flag ? [px.ExtendedKeyUsage.clientAuth] : [])];
    const extensions: px.Extension[] = [
      new px.BasicConstraintsExtension(false, undefined, true),
      new px.KeyUsagesExtension(px.KeyUsageFlags.digitalSignature | usages, true),
      await px.SubjectKeyIdentifierExtension.create(key.keys.publicKey),
      await px.AuthorityKeyIdentifierExtension.create(this.key.keys.publicKey),
      new px.SubjectAlternativeNameExtension([
        ...dns.map((value) => ({ type: "dns" as const, value })),
        ...request.ip_sans.map((value) => ({ type: "ip" as const, value })),
      ]),
    ];
    if (eku.length) extensions.push(new px.ExtendedKeyUsageExtension(eku));
    const serial = randomSerial();
    const certificate = await px.X509CertificateGenerator.create({
      serialNumber: serial,
      subject: `CN=${request.common_name}`,
      issuer: this.certificate.subject,
      notBefore: new Date(now.getTime() - NOT_BEFORE_SKEW_MS),
      notAfter,
      publicKey: key.keys.publicKey,
      signingKey: this.key.keys.privateKey,
      signingAlgorithm: this.key.signingAlgorithm,
      extensions,
    });
    return {
      warnings,
      data: {
        certificate: certificate.toString("pem"),
        issuing_ca: this.certificatePem,
        ca_chain: this.caChain,
        private_key: await exportPrivateKeyPem(key),
        private_key_type: role.key_type,
        serial_number: formatSerial(serial),
        expiration: Math.floor(notAfter.getTime() / 1000),
      },
    };
  }
}
