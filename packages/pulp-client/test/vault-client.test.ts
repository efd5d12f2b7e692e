// VaultClient against the emulator's Vault stand-in (plain HTTP and HTTPS with its own CA).
import { createPrivateKey, X509Certificate } from "node:crypto";
import { createServer, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createVaultHandler, type RunningVault, startVault } from "../../pulp-emulator/src/vault";
import { redactVaultText, VaultClient, VaultError } from "../src/vault";

let vault: RunningVault;

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

async function failure(promise: Promise<unknown>): Promise<VaultError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(VaultError);
  return error as VaultError;
}

beforeAll(async () => {
  vault = await startVault();
});

afterAll(async () => {
  await vault?.stop();
});

describe("VaultClient", () => {
  it("logs in with an AppRole and issues a build certificate", async () => {
    const { roleId, secretId } = vault.createAppRole("release-train", { policies: ["release-train"], tokenTtl: 600 });
    const client = new VaultClient({ url: vault.url });
    expect(client.authenticated).toBe(false);
    const login = await client.loginAppRole(roleId, secretId);
    expect(login).toEqual({ policies: ["default", "release-train"], ttl: 600 });
    expect(client.authenticated).toBe(true);

    const issued = await client.issueCertificate("pki_dev", "build", { common_name: "builder", alt_names: ["b1.example"], ttl: "1h" });
    const cert = new X509Certificate(issued.certificate);
    expect(cert.subject).toBe("CN=builder");
    expect(cert.subjectAltName).toBe("DNS:builder, DNS:b1.example");
    expect(cert.checkPrivateKey(createPrivateKey(issued.privateKey))).toBe(true);
    expect(issued.privateKeyType).toBe("ec");
    expect(issued.serialNumber.replaceAll(":", "")).toBe(cert.serialNumber.toLowerCase());
    expect(Math.abs(issued.expiration.getTime() - (Date.now() + 3600_000))).toBeLessThan(5000);
    expect(issued.caChain.map((c) => new X509Certificate(c).subject)).toEqual([
      "CN=Release Train Development CA",
      "CN=Release Train Release CA",
    ]);
    expect(issued.issuingCa).toBe(issued.caChain[0]);
    expect(issued.warnings).toEqual([]);
    // The token obtained by the login is not visible on the client object.
    expect(inspect(client, { depth: 5 }) + JSON.stringify(client)).not.toMatch(/hvs\./);
  });

  it("reads CA certificates and chains without a token", async () => {
    const client = new VaultClient({ url: `${vault.url}/` });
    const ca = new X509Certificate(await client.readCaCertificate("pki_client"));
    expect(ca.subject).toBe("CN=Release Train Client CA");
    const chain = (await client.readCaChain("/pki_client/")).map((pem) => new X509Certificate(pem));
    expect(chain.map((c) => c.subject)).toEqual(["CN=Release Train Client CA", "CN=Release Train Release CA"]);
    expect(chain[0]!.verify(chain[1]!.publicKey)).toBe(true);
    expect(chain[0]!.raw.equals(ca.raw)).toBe(true);
  });

  it("checks tokens given to loginToken", async () => {
    const client = new VaultClient({ url: vault.url });
    expect(await client.loginToken(vault.rootToken)).toEqual({ policies: ["root"], ttl: 0 });
    const bad = "hvs.AAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    const error = await failure(new VaultClient({ url: vault.url }).loginToken(bad));
    expect(error.status).toBe(403);
    expect(error.errors).toEqual(["permission denied"]);
    expect(error.message).toBe("Vault GET /v1/auth/token/lookup-self failed with HTTP 403: permission denied");
    expect(error.message).not.toContain(bad);
  });

  it("surfaces Vault's errors without the credentials", async () => {
    const { roleId } = vault.createAppRole("ci");
    const secret = "1f0c1b7e-0000-4000-8000-123456789abc";
    const error = await failure(new VaultClient({ url: vault.url }).loginAppRole(roleId, secret));
    expect(error.status).toBe(400);
    expect(error.errors).toEqual(["invalid role or secret ID"]);
    expect(error.message).not.toContain(secret);

    const anonymous = await failure(new VaultClient({ url: vault.url }).issueCertificate("pki_dev", "build", { common_name: "x" }));
    expect(anonymous.status).toBe(403);

    const client = new VaultClient({ url: vault.url, token: vault.rootToken });
    const unknownRole = await failure(client.issueCertificate("pki_dev", "nope", { common_name: "x" }));
    expect(unknownRole).toMatchObject({ status: 400, errors: ["unknown role: nope"], path: "pki_dev/issue/nope" });
  });

  it("rejects malformed responses (zod) and reports connection failures", async () => {
    const fake = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ data: { certificate: "not a pem", private_key: "-----BEGIN EC PRIVATE KEY-----\nsecret" } }));
    });
    const address = await listen(fake);
    try {
      const error = await failure(new VaultClient({ url: `http://${address}`, token: "t" }).issueCertificate("pki", "r", { common_name: "x" }));
      expect(error.status).toBe(200);
      expect(error.message).toMatch(/unexpected response: .*data\.certificate/);
      expect(error.message).not.toContain("secret");
    } finally {
      await close(fake);
    }
    const refused = await failure(new VaultClient({ url: `http://${address}`, requestTimeoutMs: 2000 }).readCaCertificate("pki"));
    expect(refused.status).toBe(0);
  });

  it("redacts tokens and private keys in free text", () => {
    const text = "token hvs.CAESIJ0123456789abcdefghij key -----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----";
    const clean = redactVaultText(text);
    expect(clean).not.toContain("hvs.CAES");
    expect(clean).not.toContain("MIIE");
  });
});

describe("VaultClient over HTTPS", () => {
  let server: Server | undefined;
  let url = "";
  let releaseCa = "";

  beforeAll(async () => {
    // A Vault stand-in served with a server certificate issued by another stand-in's CA.
    const backend = await createVaultHandler({ rootToken: "hvs.https-root-token-000000" });
    const issued = await new VaultClient({ url: vault.url, token: vault.rootToken }).issueCertificate("pki_dev", "build", {
      common_name: "localhost",
      ip_sans: "127.0.0.1",
    });
    releaseCa = issued.caChain.at(-1)!;
    server = createHttpsServer({ cert: `${issued.certificate}\n${issued.caChain[0]}`, key: issued.privateKey }, backend.handler);
    url = `https://${await listen(server)}`;
  });

  afterAll(async () => {
    if (server) await close(server);
  });

  it("trusts an extra CA given as caCert", async () => {
    const client = new VaultClient({ url, caCert: releaseCa });
    expect(await client.loginToken("hvs.https-root-token-000000")).toMatchObject({ policies: ["root"] });
  });

  it("fails TLS verification without it, unless tlsVerify is false", async () => {
    const error = await failure(new VaultClient({ url }).readCaCertificate("pki"));
    expect(error.status).toBe(0);
    expect(error.message).toMatch(/certificate/i);
    const insecure = new VaultClient({ url, tlsVerify: false });
    expect(new X509Certificate(await insecure.readCaCertificate("pki")).subject).toBe("CN=Release Train Release CA");
  });
});
