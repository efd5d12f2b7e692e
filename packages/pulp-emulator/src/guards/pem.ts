// Text handling of certguard's header and PEM input, mirroring Python's urllib and OpenSSL's
// PEM reader so that odd inputs fail (or pass) the way they do in Pulp.

const BEGIN = "-----BEGIN CERTIFICATE-----";
const END = "-----END CERTIFICATE-----";

/** Python's `urllib.parse.unquote`: %XX runs decoded as UTF-8 (invalid bytes → U+FFFD); '+' kept. */
export function pyUnquote(value: string): string {
  return value.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
    const bytes = Buffer.from(run.replace(/%/g, ""), "hex");
    return new TextDecoder("utf-8", { fatal: false }).decode(bytes);
  });
}

/**
 * certguard's `_reassemble_client_cert`: a newline-less PEM (Apache < 2.4.10) has its body's
 * spaces turned into newlines. Python's `.` stops only at "\n", hence `[^\n]*` (greedy).
 */
export function reassembleClientCert(unquoted: string): string {
  const match = /^-----BEGIN CERTIFICATE-----([^\n]*)-----END CERTIFICATE-----/.exec(unquoted);
  if (!match) return unquoted;
  return BEGIN + (match[1] ?? "").replaceAll(" ", "\n") + END + "\n";
}

/** Every BEGIN…END CERTIFICATE block of a bundle (certguard's `_build_trust_store` regex). */
export function certificateBlocks(bundle: string): string[] {
  return bundle.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
}

/** Error raised like pyOpenSSL's `crypto.Error`, whose str() is a list of (lib, func, reason). */
export class OpenSslError extends Error {
  constructor(reasons: Array<[lib: string, reason: string]>) {
    super(`[${reasons.map(([lib, reason]) => `('${lib}', '', '${reason}')`).join(", ")}]`);
  }
}

const PEM_LIB = "PEM routines";
const BEGIN_LINE = /^-----BEGIN (.*)-----\s*$/;

/**
 * DER of the first certificate in `text`, as OpenSSL's `PEM_read_bio_X509` finds it: lines before
 * a BEGIN line are skipped, PEM objects of other types are skipped, "CERTIFICATE" and
 * "X509 CERTIFICATE" are accepted, the END line must name the same type.
 */
export function readFirstPemCertificate(text: string): Buffer {
  const lines = text.split(/\r?\n/);
  let i = 0;
  while (i < lines.length) {
    const begin = BEGIN_LINE.exec(lines[i] ?? "");
    i++;
    if (!begin) continue;
    const name = begin[1] ?? "";
    const body: string[] = [];
    let endLine: string | undefined;
    for (; i < lines.length; i++) {
      const line = lines[i] ?? "";
      if (line.startsWith("-----END ")) {
        endLine = line;
        i++;
        break;
      }
      body.push(line);
    }
    if (endLine === undefined) throw new OpenSslError([[PEM_LIB, "bad end line"]]);
    if (endLine.trimEnd() !== `-----END ${name}-----`) throw new OpenSslError([[PEM_LIB, "bad end line"]]);
    if (name !== "CERTIFICATE" && name !== "X509 CERTIFICATE") continue;
    // RFC 1421 encapsulated headers ("Proc-Type: …") end at the first empty line.
    const data = body.some((l) => l.includes(":")) ? body.slice(body.indexOf("") + 1) : body;
    const b64 = data.join("").replace(/\s+/g, "");
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 !== 0) {
      throw new OpenSslError([[PEM_LIB, "bad base64 decode"]]);
    }
    return Buffer.from(b64, "base64");
  }
  throw new OpenSslError([[PEM_LIB, "no start line"]]);
}
