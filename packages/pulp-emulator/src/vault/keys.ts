// Key pairs for the PKI stand-in: WebCrypto keys (for @peculiar/x509) exported in the PEM form
// Vault returns (`private_key_format: der` → PKCS#1 for RSA, SEC1 for EC).
import { createPrivateKey, webcrypto } from "node:crypto";

type CryptoKeyPair = webcrypto.CryptoKeyPair;
type Algorithm = webcrypto.Algorithm;
type EcdsaParams = webcrypto.EcdsaParams;

export type KeyType = "ec" | "rsa";

export interface KeyPair {
  type: KeyType;
  keys: CryptoKeyPair;
  signingAlgorithm: Algorithm | EcdsaParams;
}

const EC_CURVES: Record<number, string> = { 256: "P-256", 384: "P-384", 521: "P-521" };

export function defaultKeyBits(type: KeyType): number {
  return type === "ec" ? 256 : 2048;
}

/** Vault's key_type/key_bits validation messages. */
export function keyParamsError(type: string, bits: number): string | null {
  if (type !== "ec" && type !== "rsa") return `unknown key_type value: ${type}`;
  if (type === "ec" && !EC_CURVES[bits]) return `unsupported bit length for EC key: ${bits}`;
  if (type === "rsa" && ![2048, 3072, 4096, 8192].includes(bits)) return `unsupported bit length for RSA key: ${bits}`;
  return null;
}

export async function generateKeyPair(type: KeyType, bits = defaultKeyBits(type)): Promise<KeyPair> {
  if (type === "ec") {
    const namedCurve = EC_CURVES[bits] ?? "P-256";
    const keys = await webcrypto.subtle.generateKey({ name: "ECDSA", namedCurve }, true, ["sign", "verify"]);
    const hash = bits === 256 ? "SHA-256" : bits === 384 ? "SHA-384" : "SHA-512";
    return { type, keys, signingAlgorithm: { name: "ECDSA", hash } as EcdsaParams };
  }
  const keys = await webcrypto.subtle.generateKey(
    { name: "RSASSA-PKCS1-v1_5", modulusLength: bits, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
    true,
    ["sign", "verify"],
  );
  return { type, keys, signingAlgorithm: { name: "RSASSA-PKCS1-v1_5" } };
}

/** PKCS#1 ("RSA PRIVATE KEY") or SEC1 ("EC PRIVATE KEY") PEM, as Vault's issue endpoint returns. */
export async function exportPrivateKeyPem(pair: KeyPair): Promise<string> {
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey("pkcs8", pair.keys.privateKey));
  const key = createPrivateKey({ key: pkcs8, format: "der", type: "pkcs8" });
  return key.export({ format: "pem", type: pair.type === "ec" ? "sec1" : "pkcs1" }).toString();
}
