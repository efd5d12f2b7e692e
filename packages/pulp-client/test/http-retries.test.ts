import { afterEach, describe, expect, it } from "vitest";
import { mayHaveBeenApplied, PulpClient, PulpConnectionError, PulpTimeoutError, type RequestEvent } from "../src/index";
import { json, type LocalServer, startServer } from "./support/local-server";

const fastRetry = { retries: 3, minDelayMs: 5, maxDelayMs: 20 };
let server: LocalServer | undefined;
let client: PulpClient | undefined;

afterEach(async () => {
  await client?.close();
  await server?.close();
  client = server = undefined;
});

const status = { versions: [], online_workers: [], online_content_apps: [], database_connection: { connected: true } };

describe("retries", () => {
  it("retries GET on 502/503/504 and returns the eventual success", async () => {
    server = await startServer((_req, res, n) => (n < 3 ? json(res, [502, 503, 504][n]!, {}) : json(res, 200, status)));
    client = new PulpClient({ baseUrl: server.url, retry: fastRetry });
    const s = await client.status();
    expect(s.database_connection.connected).toBe(true);
    expect(server.requests).toHaveLength(4);
  });

  it("honours Retry-After on 429", async () => {
    server = await startServer((_req, res, n) =>
      n === 0 ? json(res, 429, { detail: "slow down" }, { "retry-after": "1" }) : json(res, 200, status),
    );
    client = new PulpClient({ baseUrl: server.url, retry: fastRetry });
    const started = Date.now();
    await client.status();
    // Backoff alone would be ≤ 20 ms; the server asked for a full second.
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(server.requests).toHaveLength(2);
  });

  it("retries POST and PATCH only where Pulp refused before doing anything (429, 503)", async () => {
    const remote = { pulp_href: "/pulp/api/v3/remotes/rpm/rpm/1/", pulp_created: "2026-01-01T00:00:00Z", name: "r", url: "http://x/", policy: "immediate", tls_validation: true };
    server = await startServer((req, res, n) => {
      if (n === 0) json(res, 503, { detail: "unavailable" });
      else if (n === 1) json(res, 429, { detail: "slow down" }, { "retry-after": "0" });
      else if (req.method === "POST") json(res, 201, remote);
      else json(res, 502, "bad gateway");
    });
    client = new PulpClient({ baseUrl: server.url, retry: fastRetry });
    await expect(client.remotes.rpm.create({ name: "r", url: "http://x/" })).resolves.toMatchObject({ name: "r" });
    expect(server.requests.map((r) => r.method)).toEqual(["POST", "POST", "POST"]);
    // A 502 may come from a gateway whose upstream already acted: a write is not repeated.
    const err = await client.distributions.rpm.update("/pulp/api/v3/distributions/rpm/rpm/1/" as never, {}).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: "PulpHttpError", status: 502 });
    expect(server.requests).toHaveLength(4);
  });

  it("gives up after the configured retries with the last error", async () => {
    server = await startServer((_req, res) => json(res, 502, "bad gateway"));
    client = new PulpClient({ baseUrl: server.url, retry: { retries: 2, minDelayMs: 1, maxDelayMs: 2 } });
    await expect(client.status()).rejects.toMatchObject({ name: "PulpHttpError", status: 502 });
    expect(server.requests).toHaveLength(3);
  });

  it("retries connection resets for GET; a POST that may have reached Pulp is not repeated but marked", async () => {
    server = await startServer((req, res, n) => {
      if (n === 0 || req.method === "POST") res.socket?.destroy();
      else json(res, 200, status);
    });
    client = new PulpClient({ baseUrl: server.url, retry: fastRetry });
    await client.status();
    expect(server.requests).toHaveLength(2);
    const err = await client.orphans.cleanup().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PulpConnectionError);
    expect(mayHaveBeenApplied(err)).toBe(true);
    expect((err as Error).message).toMatch(/^POST http:\/\/127\.0\.0\.1:\d+\/pulp\/api\/v3\/orphans\/cleanup\/ failed: /);
    expect(server.requests).toHaveLength(3);
  });

  it("a create whose answer was lost looks the object up by name before sending it again", async () => {
    const remote = { pulp_href: "/pulp/api/v3/remotes/rpm/rpm/1/", pulp_created: "2026-01-01T00:00:00Z", name: "r", url: "http://x/", policy: "immediate", tls_validation: true };
    const page = (results: unknown[]) => ({ count: results.length, next: null, previous: null, results });
    // First POST: Pulp creates the remote, then the connection drops before the answer.
    let created = false;
    server = await startServer((req, res) => {
      if (req.method === "POST") {
        created = true;
        res.socket?.destroy();
      } else json(res, 200, page(created ? [remote] : []));
    });
    client = new PulpClient({ baseUrl: server.url, retry: fastRetry });
    await expect(client.remotes.rpm.create({ name: "r", url: "http://x/" })).resolves.toMatchObject({ pulp_href: remote.pulp_href });
    expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual(["POST /pulp/api/v3/remotes/rpm/rpm/", "GET /pulp/api/v3/remotes/rpm/rpm/?name=r&limit=1"]);
  });

  it("a create whose connection dropped before Pulp acted is sent again after the lookup finds nothing", async () => {
    const remote = { pulp_href: "/pulp/api/v3/remotes/rpm/rpm/1/", pulp_created: "2026-01-01T00:00:00Z", name: "r", url: "http://x/", policy: "immediate", tls_validation: true };
    const page = { count: 0, next: null, previous: null, results: [] };
    server = await startServer((req, res, n) => {
      if (req.method === "GET") json(res, 200, page);
      else if (n === 0) res.socket?.destroy();
      else json(res, 201, remote);
    });
    client = new PulpClient({ baseUrl: server.url, retry: fastRetry });
    await expect(client.remotes.rpm.create({ name: "r", url: "http://x/" })).resolves.toMatchObject({ name: "r" });
    expect(server.requests.map((r) => r.method)).toEqual(["POST", "GET", "POST"]);
  });

  it("does not retry other 4xx/5xx", async () => {
    server = await startServer((_req, res) => json(res, 500, "boom"));
    client = new PulpClient({ baseUrl: server.url, retry: fastRetry });
    await expect(client.status()).rejects.toMatchObject({ status: 500 });
    expect(server.requests).toHaveLength(1);
  });
});

describe("timeouts and cancellation", () => {
  it("times out a request that never answers (and retries it when safe)", async () => {
    server = await startServer(() => {});
    client = new PulpClient({ baseUrl: server.url, requestTimeoutMs: 150, retry: { retries: 1, minDelayMs: 1 } });
    const err = await client.status().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PulpTimeoutError);
    expect((err as Error).message).toContain("150 ms");
    expect(server.requests).toHaveLength(2);
  });

  it("aborts an in-flight request via AbortSignal without retrying", async () => {
    server = await startServer(() => {});
    client = new PulpClient({ baseUrl: server.url, retry: fastRetry });
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error("stop requested")), 100);
    const started = Date.now();
    await expect(client.status({ signal: ac.signal })).rejects.toThrow("stop requested");
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(server.requests).toHaveLength(1);
  });

  it("aborts while waiting out a Retry-After", async () => {
    server = await startServer((_req, res) => json(res, 429, {}, { "retry-after": "30" }));
    client = new PulpClient({ baseUrl: server.url, retry: fastRetry });
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error("cancelled")), 100);
    await expect(client.status({ signal: ac.signal })).rejects.toThrow("cancelled");
    expect(server.requests).toHaveLength(1);
  });
});

describe("concurrency and auth", () => {
  it("keeps at most maxInFlight requests open", async () => {
    server = await startServer((_req, res) => {
      setTimeout(() => json(res, 200, status), 40);
    });
    client = new PulpClient({ baseUrl: server.url, maxInFlight: 3 });
    await Promise.all(Array.from({ length: 10 }, () => client!.status()));
    expect(server.requests).toHaveLength(10);
    expect(server.peakInFlight).toBe(3);
  });

  it("sends basic auth but never reports it in request events", async () => {
    server = await startServer((_req, res) => json(res, 200, status));
    const events: RequestEvent[] = [];
    client = new PulpClient({
      baseUrl: server.url.replace("http://", "http://admin:s3cret-pw@"),
      onRequest: (e) => events.push(e),
    });
    await client.status();
    expect(server.requests[0]!.headers.authorization).toBe(`Basic ${Buffer.from("admin:s3cret-pw").toString("base64")}`);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ method: "GET", status: 200, attempt: 0 });
    expect(JSON.stringify(events)).not.toContain("s3cret-pw");
    expect(events[0]!.url).toBe(`${server.url}/pulp/api/v3/status/`);
  });
});
