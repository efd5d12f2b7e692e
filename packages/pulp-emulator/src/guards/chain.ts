// OpenSSL 3 X509_verify_cert() as pyOpenSSL's X509StoreContext runs it for certguard: empty
// untrusted set, no flags (no PARTIAL_CHAIN), no purpose. Implemented over node:crypto, which
// wraps the same OpenSSL primitives (X509_check_issued, X509_verify).
import { X509Certificate } from "node:crypto";
import * as px from "@peculiar/x509";

/** OpenSSL verify error codes and X509_verify_cert_error_string() texts used here. */
export const VerifyError = {
  UNABLE_TO_GET_ISSUER_CERT: [2, "unable to get issuer certificate"],
  CERT_SIGNATURE_FAILURE: [7, "certificate signature failure"],
  CERT_NOT_YET_VALID: [9, "certificate is not yet valid"],
  CERT_HAS_EXPIRED: [10, "certificate has expired"],
  DEPTH_ZERO_SELF_SIGNED_CERT: [18, "self-signed certificate"],
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: [20, "unable to get local issuer certificate"],
  CERT_CHAIN_TOO_LONG: [22, "certificate chain too long"],
  INVALID_CA: [24, "invalid CA certificate"],
  PATH_LENGTH_EXCEEDED: [25, "path length constraint exceeded"],
} as const satisfies Record<string, readonly [number, string]>;

export type VerifyFailure = { code: number; message: string; depth: number };

/** A parsed certificate: node's object for OpenSSL checks, peculiar's for extensions and dates. */
export class Cert {
  readonly node: X509Certificate;
  readonly parsed: px.X509Certificate;
  constructor(readonly der: Buffer) {
    this.node = new X509Certificate(der);
    this.parsed = new px.X509Certificate(der);
  }
  /** X509_self_signed(cert, 0): names and key identifiers match; the signature is not checked. */
  get selfSigned(): boolean {
    return this.node.checkIssued(this.node);
  }
  isSame(other: Cert): boolean {
    return this.der.equals(other.der);
  }
}

const MAX_DEPTH = 100; // X509_VERIFY_PARAM default depth

function fail(error: readonly [number, string], depth: number): VerifyFailure {
  return { code: error[0], message: error[1], depth };
}

function timeValid(cert: Cert, now: Date): readonly [number, string] | null {
  // X509_cmp_time: not yet valid if notBefore > now, expired if notAfter <= now.
  if (cert.parsed.notBefore.getTime() > now.getTime()) return VerifyError.CERT_NOT_YET_VALID;
  if (cert.parsed.notAfter.getTime() <= now.getTime()) return VerifyError.CERT_HAS_EXPIRED;
  return null;
}

/** X509_STORE_CTX_get1_issuer: the first matching issuer that is time-valid, else the last match. */
function findIssuer(store: Cert[], subject: Cert, now: Date): Cert | undefined {
  let fallback: Cert | undefined;
  for (const candidate of store) {
    if (!subject.node.checkIssued(candidate.node)) continue;
    if (timeValid(candidate, now) === null) return candidate;
    fallback = candidate;
  }
  return fallback;
}

/** X509_check_ca() != 0, non-strict mode. */
function isCa(cert: Cert): boolean {
  const ku = cert.parsed.getExtension(px.KeyUsagesExtension);
  if (ku && (ku.usages & px.KeyUsageFlags.keyCertSign) === 0) return false;
  const bc = cert.parsed.getExtension(px.BasicConstraintsExtension);
  if (bc) return bc.ca;
  if (ku) return true;
  // v1 self-signed roots are accepted; v1 certificates have no extensions at all.
  return cert.parsed.extensions.length === 0 && cert.selfSigned;
}

function selfIssued(cert: Cert): boolean {
  return cert.node.subject === cert.node.issuer;
}

/** build_chain(): the chain from `leaf` up to a self-signed certificate, using `store` only. */
function buildChain(leaf: Cert, store: Cert[], now: Date): Cert[] | VerifyFailure {
  const chain = [leaf];
  for (;;) {
    const current = chain[chain.length - 1]!;
    const selfSigned = current.selfSigned;
    if (selfSigned && chain.length > 1) return chain; // reached a trust anchor from the store
    const issuer = findIssuer(store, current, now);
    if (!issuer) {
      if (selfSigned) return fail(VerifyError.DEPTH_ZERO_SELF_SIGNED_CERT, 0);
      // Error 20 when nothing came from the store, error 2 when the store's chain stops short.
      const error = chain.length === 1 ? VerifyError.UNABLE_TO_GET_ISSUER_CERT_LOCALLY : VerifyError.UNABLE_TO_GET_ISSUER_CERT;
      return fail(error, chain.length - 1);
    }
    if (selfSigned && issuer.isSame(current)) return [issuer]; // the self-signed leaf is trusted itself
    if (chain.length > MAX_DEPTH || chain.some((c) => c.isSame(issuer))) {
      return fail(VerifyError.CERT_CHAIN_TOO_LONG, chain.length);
    }
    chain.push(issuer);
  }
}

/** check_chain_extensions(): issuers must be CAs and respect pathLenConstraint. */
function checkExtensions(chain: Cert[]): VerifyFailure | null {
  let plen = 0;
  for (let i = 1; i < chain.length; i++) {
    const cert = chain[i]!;
    if (!isCa(cert)) return fail(VerifyError.INVALID_CA, i);
    const pathLength = cert.parsed.getExtension(px.BasicConstraintsExtension)?.pathLength;
    if (i > 1 && pathLength !== undefined && plen > pathLength) return fail(VerifyError.PATH_LENGTH_EXCEEDED, i);
    if (!selfIssued(cert)) plen++;
  }
  return null;
}

/** internal_verify(): from the anchor down, signatures (anchor's own is skipped) then dates. */
function checkSignaturesAndTimes(chain: Cert[], now: Date): VerifyFailure | null {
  for (let n = chain.length - 1; n >= 0; n--) {
    const cert = chain[n]!;
    const issuer = chain[n + 1];
    if (issuer && !cert.node.verify(issuer.node.publicKey)) return fail(VerifyError.CERT_SIGNATURE_FAILURE, n);
    const time = timeValid(cert, now);
    if (time) return fail(time, n);
  }
  return null;
}

/** X509_verify_cert(): null when the leaf chains to a self-signed certificate in `store`. */
export function verifyCertificate(leaf: Cert, store: Cert[], now: Date): VerifyFailure | null {
  const chain = buildChain(leaf, store, now);
  if (!Array.isArray(chain)) return chain;
  return checkExtensions(chain) ?? checkSignaturesAndTimes(chain, now);
}
