// pulp-certguard's X509CertGuard.permit() (guide.md §10.1, cg: pulp_certguard/app/models.py).
import { Cert, verifyCertificate } from "./chain";
import { certificateBlocks, OpenSslError, pyUnquote, readFirstPemCertificate, reassembleClientCert } from "./pem";

export const X509_MISSING_HEADER = "A client certificate was not received via the `X-CLIENT-CERT` header.";
export const X509_NOT_SIGNED = "Client certificate is not signed by the stored 'ca_certificate'.";
export const X509_EXPIRED = "Client certificate is expired.";

/** The header certguard reads (aiohttp headers are case-insensitive). */
export const X509_HEADER = "x-client-cert";

/** `openssl.load_certificate(FILETYPE_PEM, …)`: the first certificate of a PEM text. */
function loadCertificate(pem: string): Cert {
  const der = readFirstPemCertificate(pem);
  try {
    return new Cert(der);
  } catch {
    // d2i_X509 failure; OpenSSL's exact ASN.1 error stack is not reproduced.
    throw new OpenSslError([
      ["asn1 encoding routines", "wrong tag"],
      ["PEM routines", "ASN1 lib"],
    ]);
  }
}

// Parsed trust stores by bundle text: the content app checks the guard on every request.
const storeCache = new Map<string, Cert[] | OpenSslError>();
const STORE_CACHE_SIZE = 64;

function trustStore(caPem: string): Cert[] {
  let store = storeCache.get(caPem);
  if (!store) {
    try {
      store = certificateBlocks(caPem).map(loadCertificate);
    } catch (error) {
      if (!(error instanceof OpenSslError)) throw error;
      store = error;
    }
    if (storeCache.size >= STORE_CACHE_SIZE) storeCache.delete(storeCache.keys().next().value!);
    storeCache.set(caPem, store);
  }
  if (store instanceof OpenSslError) throw store;
  return store;
}

/**
 * Null when a request carrying `headerValue` in X-CLIENT-CERT is permitted by an x509 guard whose
 * `ca_certificate` is `caPem`; otherwise the 403 reason Pulp gives.
 *
 * Error 20 and 10 map to certguard's own messages as the guide documents (pyOpenSSL < 22 put the
 * error code in `args[0][0]`); every other verify error is OpenSSL's error string.
 */
export function checkX509(headerValue: string | undefined, caPem: string, now = new Date()): string | null {
  if (headerValue === undefined) return X509_MISSING_HEADER;
  const clientPem = reassembleClientCert(pyUnquote(headerValue));
  try {
    // Trust store first, as certguard builds it before loading the client certificate.
    const store = trustStore(caPem);
    const client = loadCertificate(clientPem);
    const failure = verifyCertificate(client, store, now);
    if (!failure) return null;
    if (failure.code === 20) return X509_NOT_SIGNED;
    if (failure.code === 10) return X509_EXPIRED;
    return failure.message;
  } catch (error) {
    if (error instanceof OpenSslError) return error.message;
    throw error;
  }
}

/** certguard serializer check: the (first certificate of the) value must load as PEM X.509. */
export function validateCaCertificate(pem: string): boolean {
  try {
    loadCertificate(pem);
    return true;
  } catch {
    return false;
  }
}

export const CA_CERTIFICATE_INVALID = "Must be PEM encoded X.509 certificate.";
