import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createArtifactStore } from "../src/content/artifact-store";
import { syncContainer } from "../src/content/container-sync";
import { parseChallenge } from "../src/content/registry-client";
import { buildOciImage, type Registry, startRegistry } from "../src/fixtures";
import type { Emulator } from "../src/index";
import { type Api, startApi } from "./api/helpers";

const USER = "ark";
const PASSWORD = "s3cret-pw";
const TAGS = ["2024.1-1", "2024.1-2", "2024.1-3", "2024.1-4", "2024.1-5"];

/**
 * Token auth in front of the real registry, as Docker Hub and Pulp's registry do it: `/token`
 * issues a bearer token for Basic credentials; `/v2/…` answers 401 with a Bearer challenge without
 * it and otherwise proxies to the registry. Tag lists come in pages of 2 with `Link` headers.
 */
async function startTokenFront(registry: Registry) {
  const tokens = new Set<string>();
  const log: { path: string; auth: string | undefined; status: number }[] = [];
  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", origin);
      const auth = req.headers.authorization;
      const reply = (status: number, headers: Record<string, string>, body: Buffer | string) => {
        log.push({ path: url.pathname + url.search, auth, status });
        res.writeHead(status, headers).end(body);
      };
      if (url.pathname === "/token") {
        if (auth !== `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString("base64")}`) return reply(401, {}, "");
        const token = randomBytes(16).toString("hex");
        tokens.add(token);
        return reply(200, { "content-type": "application/json" }, JSON.stringify({ token, expires_in: 300 }));
      }
      const name = /^\/v2\/(.+?)\/(tags|manifests|blobs)\//.exec(url.pathname)?.[1] ?? "";
      if (!auth?.startsWith("Bearer ") || !tokens.has(auth.slice(7))) {
        const challenge = `Bearer realm="${origin}/token",service="front",scope="repository:${name}:pull"`;
        return reply(401, { "www-authenticate": challenge, "content-type": "application/json" }, '{"errors":[{"code":"UNAUTHORIZED"}]}');
      }
      if (url.pathname.endsWith("/tags/list")) {
        // distribution 2.8 does not paginate tag lists: page its full list as newer registries do.
        const all = ((await (await fetch(`${registry.url}${url.pathname}`)).json()) as { tags: string[] }).tags.sort();
        const last = url.searchParams.get("last");
        const page = all.filter((t) => last === null || t > last).slice(0, 2);
        const more = page.length > 0 && all.some((t) => t > page[page.length - 1]!);
        const next = `<${url.pathname}?n=2&last=${encodeURIComponent(page[page.length - 1] ?? "")}>; rel="next"`;
        return reply(200, { "content-type": "application/json", ...(more ? { link: next } : {}) }, JSON.stringify({ name, tags: page }));
      }
      const upstream = await fetch(`${registry.url}${url.pathname}${url.search}`, { headers: { accept: req.headers.accept ?? "*/*" }, redirect: "manual" });
      const headers: Record<string, string> = {};
      for (const h of ["content-type", "docker-content-digest", "link", "location"]) {
        const v = upstream.headers.get(h);
        if (v) headers[h] = v;
      }
      reply(upstream.status, headers, Buffer.from(await upstream.arrayBuffer()));
    })().catch((err: unknown) => res.writeHead(500).end(String(err)));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url: origin, log, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe("container sync through registry token auth", () => {
  let registry: Registry;
  let front: Awaited<ReturnType<typeof startTokenFront>>;
  let emu: Emulator;
  let api: Api;
  let store: string;

  beforeAll(async () => {
    registry = await startRegistry();
    const dir = await mkdtemp(join(tmpdir(), "oci-keystone-"));
    for (const tag of TAGS) {
      await buildOciImage({ dir, name: "kolla/keystone", tag, files: { "etc/keystone/release": `${tag}\n` } });
      await registry.push(dir, "kolla/keystone", tag);
    }
    front = await startTokenFront(registry);
    ({ emu, api } = await startApi());
    store = await mkdtemp(join(tmpdir(), "container-auth-store-"));
  }, 120_000);

  afterAll(async () => {
    expect(api?.violations ?? []).toEqual([]);
    await emu?.stop();
    await front?.stop();
    await registry?.stop();
    if (store) await rm(store, { recursive: true, force: true });
  });

  it("parses Bearer challenges with quoted, comma-holding values", () => {
    expect(parseChallenge('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:a/b:pull,push"')).toEqual({
      scheme: "bearer",
      params: { realm: "https://auth.docker.io/token", service: "registry.docker.io", scope: "repository:a/b:pull,push" },
    });
    expect(parseChallenge('Basic realm="x"')).toEqual({ scheme: "basic", params: { realm: "x" } });
  });

  it("gets a token with the remote's credentials, retries, and follows tag list pages", async () => {
    const remote = await api.create("/pulp/api/v3/remotes/container/container/", {
      name: "keystone",
      url: front.url,
      upstream_name: "kolla/keystone",
      username: USER,
      password: PASSWORD,
    });
    const repo = await api.create("/pulp/api/v3/repositories/container/container/", { name: "kolla/keystone" });
    const done = await api.task("POST", `${repo.pulp_href}sync/`, { remote: remote.pulp_href });
    expect(done).toMatchObject({ state: "completed", created_resources: [`${repo.pulp_href}versions/1/`] });
    const tags = (await api.get(`/pulp/api/v3/content/container/tags/?repository_version=${encodeURIComponent(done.created_resources[0])}`)).body;
    expect(tags.results.map((t: { name: string }) => t.name).sort()).toEqual(TAGS);

    const tokenRequests = front.log.filter((l) => l.path.startsWith("/token"));
    expect(tokenRequests.length).toBeGreaterThanOrEqual(1);
    expect(tokenRequests[0]!.path).toContain(`scope=${encodeURIComponent("repository:kolla/keystone:pull")}`);
    expect(tokenRequests[0]!.path).toContain("service=front");
    // The first request is challenged, the token is then reused rather than fetched per request.
    expect(front.log[0]).toMatchObject({ status: 401, auth: undefined });
    expect(tokenRequests.length).toBeLessThan(3);
    // 5 tags in pages of 2: three tag list pages, the later ones from the registry's Link header.
    const pages = front.log.filter((l) => l.path.includes("/tags/list") && l.status === 200);
    expect(pages).toHaveLength(3);
    expect(pages.filter((p) => p.path.includes("last="))).toHaveLength(2);
    expect(front.log.filter((l) => l.path.includes("/blobs/") && l.status === 200)).toHaveLength(TAGS.length * 2);
  });

  it("fails on refused credentials without leaking the password", async () => {
    const artifacts = createArtifactStore(join(store, "refused"));
    const attempt = syncContainer(
      { url: front.url, upstream_name: "kolla/keystone", username: USER, password: "wrong-password" },
      { artifacts, download: false },
    );
    const err = await attempt.then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err?.message).toMatch(/401/);
    expect(err?.message).not.toContain("wrong-password");
    // Anonymous access is refused too: the registry never sees an unauthenticated pull.
    await expect(syncContainer({ url: front.url, upstream_name: "kolla/keystone" }, { artifacts, download: false })).rejects.toThrow(/401/);
  });
});
