// The nginx launcher against a tiny upstream that echoes what the proxy forwards; the forwarded
// X-CLIENT-CERT is judged by the same certguard check the content app runs.
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkX509, X509_MISSING_HEADER, X509_NOT_SIGNED } from "../../src/guards/x509";
import { freePort, issueServerCertificate, type NginxProxy, renderNginxConfig, startNginxProxy } from "../../src/proxy/index";
import { createVaultHandler, MOUNTS, ROLES, type VaultStandIn } from "../../src/vault/index";

const run = promisify(execFile);

interface Echoed {
  url: string;
  headers: IncomingHttpHeaders;
}

describe("startNginxProxy (real nginx)", () => {
  let vault: VaultStandIn;
  let upstream: Server;
  let upstreamUrl: string;
  let proxy: NginxProxy;
  let dir: string;
  const files: Record<string, string> = {};

  beforeAll(async () => {
    vault = await createVaultHandler();
    upstream = createServer((req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ url: req.url ?? "", headers: req.headers } satisfies Echoed));
    });
    await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
    upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    const server = await issueServerCertificate(vault);
    proxy = await startNginxProxy({ upstream: upstreamUrl, serverCert: server.certificate, serverKey: server.privateKey, clientCaBundle: vault.guardBundles().release });
    dir = mkdtempSync(join(tmpdir(), "nginx-proxy-test-"));
    const issue = async (mount: string, role: string, cn: string) => (await vault.mounts.get(mount)!.issue(role, { common_name: cn, alt_names: [], ip_sans: [] }, new Date())).data;
    const build = await issue(MOUNTS.development, ROLES.build, "ci-build");
    const client = await issue(MOUNTS.client, ROLES.client, "customer");
    const write = (name: string, text: string) => {
      files[name] = join(dir, name);
      writeFileSync(files[name], text, { mode: 0o600 });
    };
    write("ca.pem", server.caCertificate);
    write("build.pem", build.certificate);
    write("build.key", build.private_key);
    write("client.pem", client.certificate);
    write("client.key", client.private_key);
    write("server-leaf.pem", server.certificate);
    write("server.key", server.privateKey);
  });
  afterAll(async () => {
    await proxy?.stop();
    await new Promise((r) => upstream?.close(r));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** curl verifying the server against the release CA only. */
  async function curl(path: string, cert?: "build" | "client"): Promise<Echoed> {
    const args = ["-sS", "--fail", "--cacert", files["ca.pem"]!, `${proxy.url}${path}`];
    if (cert) args.push("--cert", files[`${cert}.pem`]!, "--key", files[`${cert}.key`]!);
    const { stdout } = await run("curl", args);
    return JSON.parse(stdout) as Echoed;
  }

  it("serves HTTPS on 127.0.0.1 with a Vault-issued certificate clients verify against the release CA", async () => {
    expect(proxy.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const { stdout } = await run("curl", ["-sS", "--cacert", files["ca.pem"]!, "-o", "/dev/null", "-w", "%{http_code} %{ssl_verify_result}", `https://localhost:${proxy.port}/pulp/x`]);
    expect(stdout).toBe("200 0");
    // Without the CA the certificate is not trusted.
    await expect(run("curl", ["-sS", `${proxy.url}/pulp/x`])).rejects.toThrow(/certificate/);
  });

  it("proxies /pulp/ with the URI, Host and X-Forwarded-* headers, and nothing else", async () => {
    const echoed = await curl("/pulp/content/rocky/9/repodata/repomd.xml?x=1%202");
    expect(echoed.url).toBe("/pulp/content/rocky/9/repodata/repomd.xml?x=1%202");
    expect(echoed.headers.host).toBe(`127.0.0.1:${proxy.port}`);
    expect(echoed.headers["x-forwarded-proto"]).toBe("https");
    expect(echoed.headers["x-forwarded-for"]).toBe("127.0.0.1");
    expect(echoed.headers["x-forwarded-port"]).toBe(String(proxy.port));
    const { stdout } = await run("curl", ["-sS", "--cacert", files["ca.pem"]!, "-o", "/dev/null", "-w", "%{http_code}", `${proxy.url}/v1/sys/health`]);
    expect(stdout).toBe("404");
  });

  it("sends no X-CLIENT-CERT without a client certificate (certguard: not received)", async () => {
    const echoed = await curl("/pulp/content/x/");
    expect(echoed.headers["x-client-cert"]).toBeUndefined();
    expect(checkX509(undefined, vault.guardBundles().release)).toBe(X509_MISSING_HEADER);
  });

  it("forwards the client certificate URL-encoded; certguard admits build certs to both guards, client certs to release only", async () => {
    const bundles = vault.guardBundles();
    const build = (await curl("/pulp/content/x/", "build")).headers["x-client-cert"] as string;
    const client = (await curl("/pulp/content/x/", "client")).headers["x-client-cert"] as string;
    expect(build).toMatch(/^-----BEGIN%20CERTIFICATE-----%0A/);
    expect(decodeURIComponent(build).trim()).toBe(readFileSync(files["build.pem"]!, "utf8").trim());
    expect(checkX509(build, bundles.release)).toBeNull();
    expect(checkX509(build, bundles.development)).toBeNull();
    expect(checkX509(client, bundles.release)).toBeNull();
    expect(checkX509(client, bundles.development)).toBe(X509_NOT_SIGNED);
  });

  it("rejects the server's own certificate as a client certificate (no clientAuth usage), and no guard admits it", async () => {
    // optional_no_ca tolerates unknown issuers only; a wrong purpose is nginx's 400.
    const { stdout } = await run("curl", ["-sS", "--cacert", files["ca.pem"]!, "--cert", files["server-leaf.pem"]!, "--key", files["server.key"]!, "-o", "/dev/null", "-w", "%{http_code}", `${proxy.url}/pulp/content/x/`]);
    expect(stdout).toBe("400");
    const leaf = encodeURIComponent(readFileSync(files["server-leaf.pem"]!, "utf8"));
    expect(checkX509(leaf, vault.guardBundles().release)).toBe(X509_NOT_SIGNED);
    expect(checkX509(leaf, vault.guardBundles().development)).toBe(X509_NOT_SIGNED);
  });

  it("logs requests and stops cleanly, freeing the port and its directory", async () => {
    expect(proxy.logs().access).toContain("GET /pulp/content/x/");
    const other = await startNginxProxy({ upstream: upstreamUrl, ...(await serverPair()) });
    expect(existsSync(join(other.dir, "nginx.conf"))).toBe(true);
    await other.stop();
    expect(existsSync(other.dir)).toBe(false);
    await expect(run("curl", ["-sS", "-k", `${other.url}/pulp/`])).rejects.toThrow(/Failed to connect|Couldn't connect/);
  });

  it("reports nginx's own error when it cannot start", async () => {
    const pair = await serverPair();
    await expect(startNginxProxy({ upstream: upstreamUrl, serverCert: pair.serverCert, serverKey: "not a key" })).rejects.toThrow(/nginx exited.*(PEM|key)/s);
    // A fixed port already in use is not retried on another one.
    const port = await freePort();
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(port, "127.0.0.1", resolve));
    try {
      await expect(startNginxProxy({ upstream: upstreamUrl, ...pair, port })).rejects.toThrow(/Address already in use/);
    } finally {
      await new Promise((r) => blocker.close(r));
    }
  });

  it("renders a config whose directives nginx accepts (nginx -t)", async () => {
    const conf = renderNginxConfig({
      dir,
      port: 8443,
      upstream: "http://127.0.0.1:24817/ignored/path",
      serverCertFile: files["server-leaf.pem"]!,
      serverKeyFile: files["server.key"]!,
      clientCaFile: files["ca.pem"]!,
      locations: ["/pulp/", "/v2/"],
    });
    expect(conf).toContain("proxy_pass http://127.0.0.1:24817;");
    expect(conf).toContain("proxy_set_header X-CLIENT-CERT $ssl_client_escaped_cert;");
    expect(conf).toContain("ssl_verify_client optional_no_ca;");
    expect(conf).toMatch(/location "\/v2\/"/);
    writeFileSync(join(dir, "test.conf"), conf);
    mkdirSync(join(dir, "tmp"), { recursive: true });
    const { stderr } = await run("nginx", ["-t", "-p", `${dir}/`, "-c", join(dir, "test.conf"), "-e", join(dir, "t-error.log")]);
    expect(stderr).toMatch(/test is successful/);
    expect(() => renderNginxConfig({ dir, port: 1, upstream: "ftp://x", serverCertFile: "a", serverKeyFile: "b" })).toThrow(/unsupported upstream/);
  });

  async function serverPair() {
    const server = await issueServerCertificate(vault);
    return { serverCert: server.certificate, serverKey: server.privateKey };
  }
});
