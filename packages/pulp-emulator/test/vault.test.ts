// The Vault stand-in over HTTP: auth flows, PKI issuance, error shapes, and the CA layout proven
// against certguard's verification (checkX509) and `openssl verify`.
import { spawnSync } from "node:child_process";
import { createPrivateKey, createPublicKey, X509Certificate } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkX509, X509_NOT_SIGNED } from "../src/guards/x509";
import { type RunningVault, startVault } from "../src/vault";

let vault: RunningVault;
let clock = Date.now();

async function call(method: string, path: string, options: { token?: string; body?: unknown } = {}) {
  const response = await fetch(`${vault.url}/v1/${path}`, {
    method,
    headers: { ...(options.token && { "X-Vault-Token": options.token }), "content-type": "application/json" },
    ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  const type = response.headers.get("content-type") ?? "";
  return { status: response.status, type, text, json: type.includes("json") && text ? JSON.parse(text) : undefined };
}

async function issue(mount: string, role: string, token: string, body: Record<string, unknown>) {
  const reply = await call("POST", `${mount}/issue/${role}`, { token, body });
  expect(reply.status, reply.text).toBe(200);
  return reply.json.data as {
    certificate: string;
    issuing_ca: string;
    ca_chain: string[];
    private_key: string;
    private_key_type: string;
    serial_number: string;
    expiration: number;
  };
}

beforeAll(async () => {
  vault = await startVault({ now: () => new Date(clock) });
});

afterAll(async () => {
  await vault?.stop();
});

describe("Vault stand-in: CA reads", () => {
  it("serves each mount's CA as PEM, DER, JSON and chain", async () => {
    const pem = await call("GET", "pki_dev/ca/pem");
    expect(pem.status).toBe(200);
    const dev = new X509Certificate(pem.text);
    expect(dev.subject).toBe("CN=Release Train Development CA");
    expect(dev.ca).toBe(true);
    const json = await call("GET", "pki_dev/cert/ca");
    expect(json.json.data.certificate.trim()).toBe(pem.text.trim());
    const chain = await call("GET", "pki_dev/ca_chain");
    const certs = chain.text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g)!;
    expect(certs.map((c) => new X509Certificate(c).subject)).toEqual([
      "CN=Release Train Development CA",
      "CN=Release Train Release CA",
    ]);
    const root = new X509Certificate(certs[1]!);
    expect(dev.checkIssued(root)).toBe(true);
    expect(dev.verify(root.publicKey)).toBe(true);
    const der = await fetch(`${vault.url}/v1/pki/ca`);
    expect(new X509Certificate(Buffer.from(await der.arrayBuffer())).subject).toBe("CN=Release Train Release CA");
  });
});

describe("Vault stand-in: auth", () => {
  it("refuses missing and unknown tokens with 403", async () => {
    expect(await call("POST", "pki_dev/issue/build", { body: { common_name: "x" } })).toMatchObject({
      status: 403,
      json: { errors: ["permission denied"] },
    });
    expect((await call("GET", "auth/token/lookup-self", { token: "hvs.nope" })).status).toBe(403);
  });

  it("looks up the root token", async () => {
    const reply = await call("GET", "auth/token/lookup-self", { token: vault.rootToken });
    expect(reply.json.data).toMatchObject({ policies: ["root"], ttl: 0, type: "service" });
  });

  it("sets up an AppRole over the API and logs in with it", async () => {
    const root = vault.rootToken;
    expect((await call("POST", "auth/approle/role/ci", { token: root, body: { token_policies: "build", token_ttl: "1h" } })).status).toBe(204);
    const roleId = (await call("GET", "auth/approle/role/ci/role-id", { token: root })).json.data.role_id as string;
    const secret = await call("POST", "auth/approle/role/ci/secret-id", { token: root });
    expect(secret.json.data).toMatchObject({ secret_id: expect.any(String), secret_id_accessor: expect.any(String) });
    const login = await call("POST", "auth/approle/login", { body: { role_id: roleId, secret_id: secret.json.data.secret_id } });
    expect(login.status).toBe(200);
    expect(login.json.auth).toMatchObject({
      client_token: expect.stringMatching(/^hvs\./),
      policies: ["build", "default"],
      lease_duration: 3600,
      metadata: { role_name: "ci" },
    });
    const token = login.json.auth.client_token as string;
    // The build policy allows build certificates only.
    await issue("pki_dev", "build", token, { common_name: "ci.example" });
    expect((await call("POST", "pki_client/issue/client", { token, body: { common_name: "c" } })).status).toBe(403);
    expect((await call("POST", "auth/approle/role/evil", { token, body: {} })).status).toBe(403);
    // Tokens expire after token_ttl.
    clock += 3601_000;
    expect((await call("GET", "auth/token/lookup-self", { token })).status).toBe(403);
    clock = Date.now();
  });

  it("rejects wrong AppRole credentials with Vault's 400", async () => {
    const { roleId } = vault.createAppRole("other");
    expect(await call("POST", "auth/approle/login", { body: { role_id: roleId, secret_id: "wrong" } })).toMatchObject({
      status: 400,
      json: { errors: ["invalid role or secret ID"] },
    });
    expect((await call("POST", "auth/approle/login", { body: {} })).json.errors).toEqual(["missing role_id"]);
  });

  it("honours secret_id_num_uses", async () => {
    const root = vault.rootToken;
    await call("POST", "auth/approle/role/once", { token: root, body: { secret_id_num_uses: 1 } });
    const roleId = (await call("GET", "auth/approle/role/once/role-id", { token: root })).json.data.role_id;
    const secretId = (await call("POST", "auth/approle/role/once/secret-id", { token: root })).json.data.secret_id;
    expect((await call("POST", "auth/approle/login", { body: { role_id: roleId, secret_id: secretId } })).status).toBe(200);
    expect((await call("POST", "auth/approle/login", { body: { role_id: roleId, secret_id: secretId } })).status).toBe(400);
  });
});

describe("Vault stand-in: PKI issue", () => {
  it("issues a real certificate with a matching private key", async () => {
    const data = await issue("pki_client", "client", vault.rootToken, { common_name: "alice", alt_names: "a.example,b.example", ttl: "2h" });
    const cert = new X509Certificate(data.certificate);
    expect(cert.subject).toBe("CN=alice");
    expect(cert.subjectAltName).toBe("DNS:alice, DNS:a.example, DNS:b.example");
    expect(cert.keyUsage).toEqual(["1.3.6.1.5.5.7.3.2"]); // clientAuth only
    expect(cert.serialNumber.toLowerCase()).toBe(data.serial_number.replaceAll(":", ""));
    expect(data.expiration).toBe(Math.floor(new Date(cert.validTo).getTime() / 1000));
    expect(data.expiration - Math.floor(clock / 1000)).toBeGreaterThanOrEqual(7199);
    expect(data.private_key).toMatch(/^-----BEGIN EC PRIVATE KEY-----/);
    expect(data.private_key_type).toBe("ec");
    const publicFromKey = createPublicKey(createPrivateKey(data.private_key)).export({ type: "spki", format: "der" });
    expect(publicFromKey.equals(cert.publicKey.export({ type: "spki", format: "der" }))).toBe(true);
    expect(cert.checkIssued(new X509Certificate(data.issuing_ca))).toBe(true);
    expect(data.ca_chain.map((c) => new X509Certificate(c).subject)).toEqual(["CN=Release Train Client CA", "CN=Release Train Release CA"]);
  });

  it("clamps the TTL to the role's max_ttl with Vault's warning", async () => {
    const reply = await call("POST", "pki_dev/issue/build", { token: vault.rootToken, body: { common_name: "x", ttl: "1000h" } });
    expect(reply.json.warnings[0]).toMatch(/^TTL "1000h0m0s" is longer than permitted maxTTL "72h0m0s"/);
    expect(reply.json.data.expiration - Math.floor(clock / 1000)).toBeLessThanOrEqual(72 * 3600 + 1);
  });

  it("creates roles over the API (RSA keys, allowed domains)", async () => {
    const root = vault.rootToken;
    const created = await call("POST", "pki_dev/roles/web", { token: root, body: { allowed_domains: "example.org", allow_subdomains: true, max_ttl: "1h" } });
    expect(created.json.data).toMatchObject({ key_type: "rsa", key_bits: 2048, max_ttl: 3600 });
    const data = await issue("pki_dev", "web", root, { common_name: "www.example.org" });
    expect(data.private_key).toMatch(/^-----BEGIN RSA PRIVATE KEY-----/);
    expect(new X509Certificate(data.certificate).publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect((await call("POST", "pki_dev/issue/web", { token: root, body: { common_name: "www.example.com" } })).json.errors).toEqual([
      "common name www.example.com not allowed by this role",
    ]);
  });

  it("answers Vault's errors for unknown roles, missing names and unknown routes", async () => {
    const root = vault.rootToken;
    expect((await call("POST", "pki_dev/issue/nope", { token: root, body: { common_name: "x" } })).json).toEqual({ errors: ["unknown role: nope"] });
    const missing = await call("POST", "pki_dev/issue/build", { token: root, body: {} });
    expect(missing.status).toBe(400);
    expect(missing.json.errors[0]).toMatch(/^the common_name field is required/);
    const unknown = await call("GET", "nowhere/thing", { token: root });
    expect(unknown).toMatchObject({ status: 404, json: { errors: ['no handler for route "nowhere/thing". route entry not found.'] } });
    expect((await call("POST", "pki_dev/issue/build", { token: root, body: { common_name: "x", ttl: "soon" } })).status).toBe(400);
  });
});

describe("CA layout for the release and development guards", () => {
  let dir = "";
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "vault-layout-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function opensslVerify(bundle: string, cert: string): string {
    writeFileSync(join(dir, "bundle.pem"), bundle);
    writeFileSync(join(dir, "cert.pem"), cert);
    const run = spawnSync("openssl", ["verify", "-no-CApath", "-no-CAstore", "-CAfile", "bundle.pem", "cert.pem"], { cwd: dir, encoding: "utf8" });
    return (run.stdout + run.stderr).trim();
  }

  it("build certificates open both guards, client certificates only release", async () => {
    const { release, development } = vault.guardBundles();
    const build = await issue("pki_dev", "build", vault.rootToken, { common_name: "build-host" });
    const client = await issue("pki_client", "client", vault.rootToken, { common_name: "customer" });
    const header = (pem: string) => encodeURIComponent(pem);

    expect(checkX509(header(build.certificate), release)).toBeNull();
    expect(checkX509(header(build.certificate), development)).toBeNull();
    expect(checkX509(header(client.certificate), release)).toBeNull();
    expect(checkX509(header(client.certificate), development)).toBe(X509_NOT_SIGNED);

    // Sending the chain along does not help: certguard ignores intermediates in the header.
    expect(checkX509(header(client.certificate + "\n" + client.ca_chain.join("\n")), development)).toBe(X509_NOT_SIGNED);

    // Same verdicts from OpenSSL itself.
    expect(opensslVerify(development, build.certificate)).toBe("cert.pem: OK");
    expect(opensslVerify(release, client.certificate)).toBe("cert.pem: OK");
    expect(opensslVerify(development, client.certificate)).toContain("error 20 at 0 depth lookup");
  });
});
