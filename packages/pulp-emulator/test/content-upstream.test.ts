import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { type AddressInfo, connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createArtifactStore, redactUrl, resolveUrl, syncRpm, UpstreamHttpError } from "../src/content";
import { buildRpmRepo, type ServedDirectory, serveDirectory } from "../src/fixtures";

const work = mkdtempSync(join(tmpdir(), "content-upstream-test-"));
let server: ServedDirectory;
let proxy: Server;
let proxyUrl: string;
const proxyLog: { target: string; auth?: string }[] = [];

beforeAll(async () => {
  await buildRpmRepo(join(work, "repo"), [{ name: "november", version: "1" }]);
  server = await serveDirectory(join(work, "repo"));
  // A minimal HTTP proxy: CONNECT tunnels and absolute-URI forwarding, with proxy basic auth.
  proxy = createServer((req, res) => {
    proxyLog.push({ target: req.url ?? "", auth: req.headers["proxy-authorization"] });
    fetch(req.url!, { headers: { "user-agent": String(req.headers["user-agent"]) } }).then(async (r) => {
      res.writeHead(r.status).end(Buffer.from(await r.arrayBuffer()));
    });
  });
  proxy.on("connect", (req, socket, head) => {
    proxyLog.push({ target: req.url ?? "", auth: req.headers["proxy-authorization"] });
    if (req.headers["proxy-authorization"] !== `Basic ${Buffer.from("pu:pp").toString("base64")}`) {
      socket.end("HTTP/1.1 407 Proxy Authentication Required\r\n\r\n");
      return;
    }
    const [host, port] = (req.url ?? "").split(":");
    const upstream = connect(Number(port), host, () => {
      socket.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    upstream.on("error", () => socket.destroy());
  });
  await new Promise<void>((ok) => proxy.listen(0, "127.0.0.1", ok));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await server?.stop();
  proxy?.closeAllConnections();
  await new Promise((ok) => proxy?.close(ok));
  rmSync(work, { recursive: true, force: true });
});

describe("upstream access", () => {
  it("goes through an authenticated proxy and sends the remote's headers", async () => {
    const before = server.requests.length;
    const result = await syncRpm(
      { url: server.url, proxy_url: proxyUrl, proxy_username: "pu", proxy_password: "pp", headers: [{ "X-Ark-Token": "t1" }] },
      { artifacts: createArtifactStore(join(work, "a")), download: true },
    );
    expect(result.units).toHaveLength(1);
    expect(proxyLog.length).toBeGreaterThan(0);
    expect(proxyLog.every((e) => e.auth === `Basic ${Buffer.from("pu:pp").toString("base64")}`)).toBe(true);
    const served = server.requests.slice(before);
    expect(served.some((r) => r.path.endsWith(".rpm"))).toBe(true);
    expect(served.every((r) => r.headers["x-ark-token"] === "t1")).toBe(true);
  });

  it("fails on a wrong proxy password", async () => {
    const sync = syncRpm({ url: server.url, proxy_url: proxyUrl, proxy_username: "pu", proxy_password: "no" }, {
      artifacts: createArtifactStore(join(work, "b")),
      download: false,
    });
    await expect(sync).rejects.toThrow();
  });

  it("reports upstream HTTP errors without credentials", async () => {
    const url = server.url.replace("http://", "http://user:pw@");
    const sync = syncRpm({ url: `${url}missing/` }, { artifacts: createArtifactStore(join(work, "c")), download: false });
    await expect(sync).rejects.toBeInstanceOf(UpstreamHttpError);
    await expect(sync).rejects.toThrow(/404/);
    await expect(sync).rejects.not.toThrow(/pw/);
    expect(redactUrl("https://u:p@h/x")).toBe("https://h/x");
    expect(resolveUrl("http://h/a/b", "repodata/repomd.xml")).toBe("http://h/a/b/repodata/repomd.xml");
  });
});
