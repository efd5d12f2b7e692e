// checkX509 against certificates made by the openssl CLI, with `openssl verify` (same OpenSSL
// X509_verify_cert, no partial chains, no untrusted certs) as the oracle for every case.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkX509, validateCaCertificate, X509_EXPIRED, X509_MISSING_HEADER, X509_NOT_SIGNED } from "../src/guards/x509";

let dir = "";
const pem = (name: string) => readFileSync(join(dir, `${name}.pem`), "utf8");
const ssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });

const EXT = `
[ca]
default_ca = ca_default
[ca_default]
database = index.txt
new_certs_dir = newcerts
serial = serial
default_md = sha256
policy = policy_any
unique_subject = no
email_in_dn = no
[policy_any]
commonName = supplied
[root]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[intermediate]
basicConstraints = critical, CA:true, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[leaf]
basicConstraints = CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[not_ca]
basicConstraints = CA:false
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
`;

function key(name: string) {
  ssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", `${name}.key`);
}

function selfSigned(name: string, cn: string) {
  key(name);
  ssl("req", "-x509", "-new", "-key", `${name}.key`, "-subj", `/CN=${cn}`, "-days", "3650", "-config", "ext.cnf",
    "-extensions", "root", "-out", `${name}.pem`);
}

/** `openssl ca` so that start and end dates can lie anywhere (openssl 3.0 x509 -req lacks them). */
function issued(name: string, cn: string, issuer: string, ext: string, start = "-1d", end = "+365d") {
  key(name);
  ssl("req", "-new", "-key", `${name}.key`, "-subj", `/CN=${cn}`, "-out", `${name}.csr`);
  const date = (d: string) => {
    if (!d.startsWith("+") && !d.startsWith("-")) return d;
    const days = Number(d.slice(0, -1));
    return new Date(Date.now() + days * 86_400_000).toISOString().replace(/[-:T]/g, "").slice(2, 14) + "Z";
  };
  ssl("ca", "-batch", "-config", "ext.cnf", "-cert", `${issuer}.pem`, "-keyfile", `${issuer}.key`, "-in", `${name}.csr`,
    "-out", `${name}.pem`, "-notext", "-extensions", ext, "-startdate", date(start), "-enddate", date(end));
}

function bundle(...names: string[]) {
  return names.map(pem).join("Some text between blocks is ignored\n");
}

/** What certguard answers according to `openssl verify`: its first error, mapped like certguard. */
function oracle(leaf: string, ...trusted: string[]): string | null {
  writeFileSync(join(dir, "store.pem"), trusted.map(pem).join(""));
  const run = spawnSync("openssl", ["verify", "-no-CApath", "-no-CAstore", "-CAfile", "store.pem", `${leaf}.pem`], {
    cwd: dir,
    encoding: "utf8",
  });
  const first = /error (\d+) at \d+ depth lookup: (.*)/.exec(run.stderr + run.stdout);
  if (!first) {
    expect(run.status).toBe(0);
    return null;
  }
  if (first[1] === "20") return X509_NOT_SIGNED;
  if (first[1] === "10") return X509_EXPIRED;
  return first[2]!;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "certguard-"));
  writeFileSync(join(dir, "ext.cnf"), EXT);
  writeFileSync(join(dir, "index.txt"), "");
  writeFileSync(join(dir, "serial"), "1000\n");
  mkdirSync(join(dir, "newcerts"));
  selfSigned("root", "Test Root");
  selfSigned("other-root", "Test Root"); // same name, different key: a wrong CA
  issued("int", "Test Intermediate", "root", "intermediate");
  issued("int-expired", "Expired Intermediate", "root", "intermediate", "-30d", "-1d");
  issued("client", "client", "int", "leaf");
  issued("direct", "direct", "root", "leaf");
  issued("expired", "expired", "int", "leaf", "-30d", "-2d");
  issued("future", "future", "int", "leaf", "+2d", "+30d");
  issued("under-expired-int", "under expired int", "int-expired", "leaf");
  issued("not-ca", "not a CA", "root", "not_ca");
  issued("under-not-ca", "under a non-CA", "not-ca", "leaf");
  issued("int2", "Second level", "int", "intermediate"); // violates int's pathlen:0
  issued("under-int2", "too deep", "int2", "leaf");
  issued("wrong", "wrong", "other-root", "leaf");
  selfSigned("self", "self");
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("checkX509 (certguard X509CertGuard.permit)", () => {
  const cases: Array<[string, string, string[], string | null]> = [
    ["leaf via intermediate, full chain stored", "client", ["root", "int"], null],
    ["leaf directly under the root", "direct", ["root"], null],
    ["intermediate not stored", "client", ["root"], X509_NOT_SIGNED],
    ["root not stored (no partial chains)", "client", ["int"], "unable to get issuer certificate"],
    ["signed by another CA of the same name", "wrong", ["root", "int"], X509_NOT_SIGNED],
    ["expired leaf", "expired", ["root", "int"], X509_EXPIRED],
    ["leaf not yet valid", "future", ["root", "int"], "certificate is not yet valid"],
    ["expired intermediate", "under-expired-int", ["root", "int-expired"], X509_EXPIRED],
    ["issuer is not a CA", "under-not-ca", ["root", "not-ca"], "invalid CA certificate"],
    ["path length exceeded", "under-int2", ["root", "int", "int2"], "path length constraint exceeded"],
    ["self-signed client, not stored", "self", ["root"], "self-signed certificate"],
    ["self-signed client, stored", "self", ["self"], null],
    ["the root itself", "root", ["root"], null],
  ];

  it.each(cases)("%s", (_label, leaf, trusted, expected) => {
    const got = checkX509(pem(leaf), bundle(...trusted));
    expect(got).toBe(oracle(leaf, ...trusted));
    expect(got).toBe(expected);
  });

  it("reports a missing header", () => {
    expect(checkX509(undefined, pem("root"))).toBe(X509_MISSING_HEADER);
  });

  it("accepts the URL-encoded header nginx sends ($ssl_client_escaped_cert)", () => {
    const header = encodeURIComponent(pem("client"));
    expect(header).not.toContain("\n");
    expect(checkX509(header, bundle("root", "int"))).toBeNull();
    expect(checkX509(header, pem("root"))).toBe(X509_NOT_SIGNED);
  });

  it("keeps '+' literal when unquoting, like Python's unquote (nginx leaves '+' unescaped)", () => {
    const header = pem("client").replaceAll("\n", "%0A").replaceAll(" ", "%20");
    expect(header).toMatch(/[+/]/);
    expect(checkX509(header, bundle("root", "int"))).toBeNull();
    expect(checkX509(header.replaceAll("+", " "), bundle("root", "int"))).not.toBeNull();
  });

  it("reassembles a newline-less PEM whose newlines became spaces (old Apache)", () => {
    const header = pem("client").trim().replaceAll("\n", " ");
    expect(checkX509(header, bundle("root", "int"))).toBeNull();
    // Also when that newline-less form arrives URL-encoded (space as %20; '+' is not a space).
    expect(checkX509(encodeURIComponent(header), bundle("root", "int"))).toBeNull();
  });

  it("ignores a chain sent in the header: intermediates must be stored", () => {
    const header = encodeURIComponent(pem("client") + pem("int"));
    expect(checkX509(header, bundle("root"))).toBe(X509_NOT_SIGNED);
    expect(checkX509(header, bundle("root", "int"))).toBeNull();
  });

  it("uses the given time for validity", () => {
    const trusted = bundle("root", "int");
    expect(checkX509(pem("future"), trusted, new Date(Date.now() + 3 * 86_400_000))).toBeNull();
    expect(checkX509(pem("client"), trusted, new Date(Date.now() + 400 * 86_400_000))).toBe(X509_EXPIRED);
  });

  it("returns OpenSSL's PEM error for a header that is not a certificate", () => {
    expect(checkX509("not a certificate", pem("root"))).toBe("[('PEM routines', '', 'no start line')]");
    expect(checkX509("-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n", pem("root"))).toBe(
      "[('PEM routines', '', 'bad base64 decode')]",
    );
  });

  it("fails with OpenSSL's error when a block of the guard's bundle does not load", () => {
    const broken = `${pem("root")}-----BEGIN CERTIFICATE-----\n!!\n-----END CERTIFICATE-----\n`;
    for (let i = 0; i < 2; i++) {
      expect(checkX509(pem("client"), broken)).toBe("[('PEM routines', '', 'bad base64 decode')]");
    }
    expect(checkX509(undefined, broken)).toBe(X509_MISSING_HEADER);
  });

  it("refuses everything when the guard's bundle holds no certificate", () => {
    expect(checkX509(pem("client"), "no certificates here")).toBe(X509_NOT_SIGNED);
  });
});

describe("validateCaCertificate", () => {
  it("accepts PEM certificates and bundles, rejects anything else", () => {
    expect(validateCaCertificate(pem("root"))).toBe(true);
    expect(validateCaCertificate(`human readable text\n${bundle("root", "int")}`)).toBe(true);
    expect(validateCaCertificate("hello")).toBe(false);
    expect(validateCaCertificate(readFileSync(join(dir, "root.key"), "utf8"))).toBe(false);
    expect(validateCaCertificate("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")).toBe(false);
  });
});
