/**
 * The registry's token server keys and JWTs (pulp_container `authorization.py`
 * `AuthorizationService`): ES256-signed claims `access, aud, exp, iat, iss, jti, nbf, sub` with a
 * libtrust-format `kid`, verified by the registry for signature, issuer, audience and expiry.
 */
import { createHash, generateKeyPairSync, type KeyObject, randomUUID } from "node:crypto";
import { jwtVerify, SignJWT } from "jose";

/** pulp_container's TOKEN_EXPIRATION_TIME default. */
export const TOKEN_EXPIRATION_SECONDS = 300;
const ALG = "ES256";

export interface Access {
  type: string;
  name: string;
  actions: string[];
}

export interface TokenClaims {
  access: Access[];
  aud: string;
  iss: string;
  sub: string;
  exp: number;
}

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** RFC 4648 base32 with padding, as Python's `base64.b32encode`. */
function base32(data: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = "";
  for (const byte of data) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out.padEnd(Math.ceil(out.length / 8) * 8, "=");
}

/** libtrust key id: base32 of the first 30 hex chars of sha256(DER SPKI), in `:`-separated groups of 4. */
export function libtrustKid(publicKey: KeyObject): string {
  const der = publicKey.export({ type: "spki", format: "der" });
  const truncated = Buffer.from(createHash("sha256").update(der).digest("hex").slice(0, 30), "utf8");
  return base32(truncated).match(/.{1,4}/g)?.join(":") ?? "";
}

export class TokenSigner {
  private readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly kid: string;

  constructor() {
    const pair = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
    this.privateKey = pair.privateKey;
    this.publicKey = pair.publicKey;
    this.kid = libtrustKid(this.publicKey);
  }

  async issue(claims: { access: Access[]; aud: string; iss: string; sub: string }, now = new Date()): Promise<{ token: string; issuedAt: Date }> {
    const iat = Math.floor(now.getTime() / 1000);
    const token = await new SignJWT({ access: claims.access })
      .setProtectedHeader({ alg: ALG, typ: "JWT", kid: this.kid })
      .setAudience(claims.aud)
      .setIssuer(claims.iss)
      .setSubject(claims.sub)
      .setIssuedAt(iat)
      .setNotBefore(iat)
      .setExpirationTime(iat + TOKEN_EXPIRATION_SECONDS)
      .setJti(randomUUID())
      .sign(this.privateKey);
    return { token, issuedAt: now };
  }

  /** The verified claims, or undefined for a bad signature, issuer, audience or an expired token. */
  async verify(token: string, expected: { aud: string; iss: string }): Promise<TokenClaims | undefined> {
    try {
      const { payload } = await jwtVerify(token, this.publicKey, { algorithms: [ALG], audience: expected.aud, issuer: expected.iss });
      const access = Array.isArray(payload["access"]) ? (payload["access"] as Access[]) : [];
      return { access, aud: expected.aud, iss: String(payload.iss), sub: String(payload.sub ?? ""), exp: Number(payload.exp) };
    } catch {
      return undefined;
    }
  }
}
