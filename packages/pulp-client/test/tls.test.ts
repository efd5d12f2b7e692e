import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TLSSocket } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PulpClient } from "../src/index";

let dir: string;
let server: Server;
let url: string;
const pem: Record<string, string> = {};

function openssl(...args: string[]) {
  execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
}

/** CA → server cert for 127.0.0.1 and a client cert, like Vault would issue them. */
function makePki() {
  openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "2", "-subj", "/CN=test-ca");
  for (const name of ["server", "client"]) {
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", `/CN=${name}`);
    writeFileSync(
      join(dir, `${name}.ext`),
      name === "server" ? "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n" : "extendedKeyUsage=clientAuth\n",
    );
    openssl("x509", "-req", "-in", `${name}.csr`, "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", `${name}.crt`, "-days", "2", "-extfile", `${name}.ext`);
  }
  for (const f of ["ca.crt", "server.crt", "server.key", "client.crt", "client.key"]) pem[f] = readFileSync(join(dir, f), "utf8");
}

const status = { versions: [], online_workers: [], online_content_apps: [], database_connection: { connected: true } };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "pulp-client-tls-"));
  makePki();
  server = createServer(
    { key: pem["server.key"], cert: pem["server.crt"], ca: pem["ca.crt"], requestCert: true, rejectUnauthorized: true },
    (req, res) => {
      const peer = (req.socket as TLSSocket).getPeerCertificate();
      res.writeHead(200, { "content-type": "application/json", "x-client-cn": String(peer.subject?.CN) });
      res.end(JSON.stringify(status));
    },
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

describe("TLS and mTLS", () => {
  it("authenticates with a client certificate and trusts the extra CA", async () => {
    const client = new PulpClient({ baseUrl: url, caCert: pem["ca.crt"], clientCert: pem["client.crt"], clientKey: pem["client.key"] });
    const res = await client.http.request("GET", "status/");
    expect(res.status).toBe(200);
    expect(res.headers["x-client-cn"]).toBe("client");
    await client.close();
  });

  it("verifies the server certificate by default", async () => {
    const client = new PulpClient({ baseUrl: url, clientCert: pem["client.crt"], clientKey: pem["client.key"], retry: { retries: 0 } });
    await expect(client.status()).rejects.toThrow(/certificate/i);
    await client.close();
  });

  it("tlsVerify: false skips server verification (the client cert is still sent)", async () => {
    const client = new PulpClient({ baseUrl: url, tlsVerify: false, clientCert: pem["client.crt"], clientKey: pem["client.key"] });
    expect((await client.status()).database_connection.connected).toBe(true);
    await client.close();
  });

  it("a server requiring mTLS rejects a client without a certificate", async () => {
    const client = new PulpClient({ baseUrl: url, caCert: pem["ca.crt"], retry: { retries: 0 } });
    await expect(client.status()).rejects.toThrow();
    await client.close();
  });
});
