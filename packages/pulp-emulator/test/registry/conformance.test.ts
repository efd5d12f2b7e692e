/**
 * Registry conformance, side by side: every request is sent to Debian's docker-registry
 * (CNCF distribution, the reference implementation) and to the emulator's registry (through
 * Pulp's token flow), and what a client can observe — status, the spec's headers, error codes,
 * bodies — is compared. Where Pulp itself differs from distribution, the difference is asserted
 * explicitly (and named after pulp_container's behaviour).
 */
import { createHash, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Registry, startRegistry } from "../../src/fixtures";
import { type Emulator, startEmulator } from "../../src/index";
import { ADMIN } from "./helpers";

interface Target {
  name: "distribution" | "emulator";
  origin: string;
  auth(scope?: string): Promise<Record<string, string>>;
}

interface Seen {
  status: number;
  headers: Headers;
  text: string;
  code: string | undefined;
}

const digestOf = (data: Buffer | string) => `sha256:${createHash("sha256").update(data).digest("hex")}`;
const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
const OCI_INDEX = "application/vnd.oci.image.index.v1+json";
const V2S2 = "application/vnd.docker.distribution.manifest.v2+json";

async function send(t: Target, method: string, path: string, init: { body?: Buffer | string; headers?: Record<string, string>; scope?: string } = {}): Promise<Seen> {
  const repo = /^\/v2\/(.+)\/(?:tags\/list|manifests\/[^/]+|blobs\/uploads\/[^/]*|blobs\/[^/]+)$/.exec(path.split("?")[0]!)?.[1];
  const scope = init.scope ?? (repo ? `repository:${repo}:pull,push` : undefined);
  const res = await fetch(`${t.origin}${path}`, {
    method,
    redirect: "manual",
    headers: { ...(await t.auth(scope)), ...init.headers },
    ...(init.body !== undefined ? { body: init.body } : {}),
  });
  const text = await res.text();
  let code: string | undefined;
  try {
    code = (JSON.parse(text) as { errors?: { code: string }[] }).errors?.[0]?.code;
  } catch {
    code = undefined;
  }
  return { status: res.status, headers: res.headers, text, code };
}

/** Run a scenario on both registries; returns [distribution, emulator]. */
let targets: Target[] = [];
async function both<T>(fn: (t: Target) => Promise<T>): Promise<[T, T]> {
  const [a, b] = await Promise.all(targets.map(fn));
  return [a!, b!];
}

/** Monolithic upload as clients do it: POST a session, PUT the bytes with `?digest=`. */
async function pushBlob(t: Target, name: string, data: Buffer | string): Promise<Seen> {
  const start = await send(t, "POST", `/v2/${name}/blobs/uploads/`);
  const loc = new URL(start.headers.get("location")!, t.origin);
  loc.searchParams.set("digest", digestOf(data));
  return send(t, "PUT", loc.pathname + loc.search, { body: data, headers: { "content-type": "application/octet-stream" } });
}

function imageManifest(config: string, layers: string[], mediaType = OCI_MANIFEST) {
  const body = JSON.stringify({
    schemaVersion: 2,
    mediaType,
    config: { mediaType: mediaType === V2S2 ? "application/vnd.docker.container.image.v1+json" : "application/vnd.oci.image.config.v1+json", digest: digestOf(config), size: Buffer.byteLength(config) },
    layers: layers.map((l) => ({ mediaType: mediaType === V2S2 ? "application/vnd.docker.image.rootfs.diff.tar.gzip" : "application/vnd.oci.image.layer.v1.tar+gzip", digest: digestOf(l), size: Buffer.byteLength(l) })),
  });
  return { body, digest: digestOf(body) };
}

describe("registry conformance: emulator vs docker-registry", () => {
  let registry: Registry;
  let emu: Emulator;

  beforeAll(async () => {
    [registry, emu] = await Promise.all([startRegistry(), startEmulator({ vault: false })]);
    const basic = `Basic ${Buffer.from(`${ADMIN.username}:${ADMIN.password}`).toString("base64")}`;
    targets = [
      { name: "distribution", origin: registry.url, auth: async () => ({}) },
      {
        name: "emulator",
        origin: emu.url,
        async auth(scope) {
          const u = new URL(`${emu.url}/token/`);
          u.searchParams.set("service", emu.registryHost);
          if (scope) u.searchParams.append("scope", scope);
          const res = await fetch(u, { headers: { authorization: basic } });
          return { authorization: `Bearer ${((await res.json()) as { token: string }).token}` };
        },
      },
    ];
  });

  afterAll(async () => {
    await Promise.all([registry?.stop(), emu?.stop()]);
  });

  it("GET /v2/ answers 200 with Docker-Distribution-Api-Version", async () => {
    const [d, e] = await both((t) => send(t, "GET", "/v2/"));
    expect([d.status, e.status]).toEqual([200, 200]);
    expect(e.headers.get("docker-distribution-api-version")).toBe(d.headers.get("docker-distribution-api-version"));
    expect(JSON.parse(e.text)).toEqual(JSON.parse(d.text));
  });

  it("single-request upload (POST ?digest=): Pulp creates the blob (201), distribution 2.8 opens a session (202)", async () => {
    const data = "single request\n";
    const [d, e] = await both((t) => send(t, "POST", `/v2/conf/single/blobs/uploads/?digest=${digestOf(data)}`, { body: data, headers: { "content-type": "application/octet-stream" } }));
    expect([d.status, e.status]).toEqual([202, 201]);
    expect(e.headers.get("docker-content-digest")).toBe(digestOf(data));
    const get = await send(targets[1]!, "GET", `/v2/conf/single/blobs/${digestOf(data)}`);
    expect(get.text).toBe(data);
  });

  it("monolithic upload (POST, PUT ?digest=) creates the blob: 201, Location, Docker-Content-Digest; HEAD/GET serve it", async () => {
    const data = "layer one\n";
    const [d, e] = await both((t) => pushBlob(t, "conf/mono", data));
    expect([d.status, e.status]).toEqual([201, 201]);
    for (const s of [d, e]) {
      expect(s.headers.get("docker-content-digest")).toBe(digestOf(data));
      expect(new URL(s.headers.get("location")!, "http://x").pathname).toBe(`/v2/conf/mono/blobs/${digestOf(data)}`);
    }
    const [hd, he] = await both((t) => send(t, "HEAD", `/v2/conf/mono/blobs/${digestOf(data)}`));
    expect([hd.status, he.status]).toEqual([200, 200]);
    expect(he.headers.get("content-length")).toBe(hd.headers.get("content-length"));
    expect(he.headers.get("docker-content-digest")).toBe(hd.headers.get("docker-content-digest"));
    const [gd, ge] = await both((t) => send(t, "GET", `/v2/conf/mono/blobs/${digestOf(data)}`));
    expect([gd.text, ge.text]).toEqual([data, data]);
  });

  it("chunked upload: POST 202 session, PATCH with Content-Range, GET status 204, closing PUT ?digest= 201", async () => {
    const parts = ["first chunk|", "second chunk"];
    const whole = parts.join("");
    const run = async (t: Target) => {
      const start = await send(t, "POST", "/v2/conf/chunked/blobs/uploads/");
      const steps: unknown[] = [[start.status, start.headers.get("range"), !!start.headers.get("docker-upload-uuid")]];
      let location = start.headers.get("location")!;
      let offset = 0;
      for (const p of parts) {
        const patch = await send(t, "PATCH", new URL(location, t.origin).pathname + new URL(location, t.origin).search, {
          body: p,
          headers: { "content-type": "application/octet-stream", "content-range": `${offset}-${offset + p.length - 1}` },
        });
        offset += p.length;
        steps.push([patch.status, patch.headers.get("range")]);
        location = patch.headers.get("location")!;
      }
      const loc = new URL(location, t.origin);
      const status = await send(t, "GET", loc.pathname + loc.search);
      steps.push([status.status, status.headers.get("range")]);
      loc.searchParams.set("digest", digestOf(whole));
      const put = await send(t, "PUT", loc.pathname + loc.search);
      steps.push([put.status, put.headers.get("docker-content-digest")]);
      const get = await send(t, "GET", `/v2/conf/chunked/blobs/${digestOf(whole)}`);
      steps.push([get.status, get.text]);
      return steps;
    };
    const [d, e] = await both(run);
    expect(e).toEqual(d);
    expect(d[0]).toEqual([202, "0-0", true]);
    expect(d.at(-1)).toEqual([200, whole]);
  });

  it("errors: wrong digest DIGEST_INVALID, unknown session 404, unknown blob BLOB_UNKNOWN", async () => {
    const run = async (t: Target) => {
      const start = await send(t, "POST", "/v2/conf/errors/blobs/uploads/");
      const loc = new URL(start.headers.get("location")!, t.origin);
      loc.searchParams.set("digest", digestOf("something else"));
      const badDigest = await send(t, "PUT", loc.pathname + loc.search, { body: "abc", headers: { "content-type": "application/octet-stream" } });
      const unknownSession = await send(t, "GET", `/v2/conf/errors/blobs/uploads/${randomUUID()}`);
      const unknownBlob = await send(t, "GET", `/v2/conf/errors/blobs/${digestOf("never uploaded")}`);
      return { badDigest: [badDigest.status, badDigest.code], unknownSession: [unknownSession.status, unknownSession.code], unknownBlob: [unknownBlob.status, unknownBlob.code] };
    };
    const [d, e] = await both(run);
    expect(d.badDigest).toEqual([400, "DIGEST_INVALID"]);
    expect(e.badDigest).toEqual(d.badDigest);
    expect(e.unknownBlob).toEqual([404, "BLOB_UNKNOWN"]);
    expect(e.unknownBlob).toEqual(d.unknownBlob);
    // distribution rejects the missing `_state` of its own upload URLs (BLOB_UPLOAD_INVALID);
    // Pulp has no upload state token and answers BLOB_UPLOAD_UNKNOWN.
    expect(d.unknownSession).toEqual([404, "BLOB_UPLOAD_INVALID"]);
    expect(e.unknownSession).toEqual([404, "BLOB_UPLOAD_UNKNOWN"]);
  });

  it("a PATCH whose Content-Range does not start at the upload's size is refused with 416 (spec); distribution 2.8 does not check", async () => {
    const run = async (t: Target) => {
      const start = await send(t, "POST", "/v2/conf/range/blobs/uploads/");
      const loc = new URL(start.headers.get("location")!, t.origin);
      const patch = await send(t, "PATCH", loc.pathname + loc.search, { body: "abc", headers: { "content-range": "5-7", "content-type": "application/octet-stream" } });
      return [patch.status, patch.code];
    };
    const [d, e] = await both(run);
    expect(d[0]).toBe(202);
    expect(e).toEqual([416, "BLOB_UPLOAD_INVALID"]);
  });

  it("manifests by tag and digest: PUT 201, GET/HEAD with Content-Type, Docker-Content-Digest, Content-Length (OCI and Docker v2)", async () => {
    for (const mediaType of [OCI_MANIFEST, V2S2]) {
      const name = mediaType === V2S2 ? "conf/docker" : "conf/oci";
      const config = `{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]},"m":"${mediaType}"}`;
      const layer = `layer of ${name}`;
      const m = imageManifest(config, [layer], mediaType);
      const run = async (t: Target) => {
        await pushBlob(t, name, config);
        await pushBlob(t, name, layer);
        const put = await send(t, "PUT", `/v2/${name}/manifests/v1`, { body: m.body, headers: { "content-type": mediaType } });
        const out: unknown[] = [[put.status, put.headers.get("docker-content-digest"), new URL(put.headers.get("location")!, "http://x").pathname]];
        for (const [method, refName] of [["GET", "v1"], ["HEAD", "v1"], ["GET", m.digest]] as const) {
          const r = await send(t, method, `/v2/${name}/manifests/${refName}`, { headers: { accept: [OCI_MANIFEST, V2S2, OCI_INDEX].join(", ") } });
          out.push([method, r.status, r.headers.get("content-type"), r.headers.get("docker-content-digest"), r.headers.get("content-length"), method === "GET" ? r.text : ""]);
        }
        const missing = await send(t, "GET", `/v2/${name}/manifests/nope`);
        out.push([missing.status, missing.code]);
        return out;
      };
      const [d, e] = await both(run);
      expect(e).toEqual(d);
      expect(d[0]).toEqual([201, m.digest, `/v2/${name}/manifests/${m.digest}`]);
      expect(d[1]).toEqual(["GET", 200, mediaType, m.digest, String(Buffer.byteLength(m.body)), m.body]);
    }
  });

  it("an image index pushed after its manifests by digest; a tag re-pointed to another manifest", async () => {
    const name = "conf/index";
    const cfg = (arch: string) => `{"architecture":"${arch}","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}`;
    const images = ["amd64", "arm64"].map((arch) => ({ arch, config: cfg(arch), layer: `layer-${arch}`, ...imageManifest(cfg(arch), [`layer-${arch}`]) }));
    const index = JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: images.map((i) => ({ mediaType: OCI_MANIFEST, digest: i.digest, size: Buffer.byteLength(i.body), platform: { os: "linux", architecture: i.arch } })),
    });
    const run = async (t: Target) => {
      for (const i of images) {
        await pushBlob(t, name, i.config);
        await pushBlob(t, name, i.layer);
        await send(t, "PUT", `/v2/${name}/manifests/${i.digest}`, { body: i.body, headers: { "content-type": OCI_MANIFEST } });
      }
      const put = await send(t, "PUT", `/v2/${name}/manifests/latest`, { body: index, headers: { "content-type": OCI_INDEX } });
      const get = await send(t, "GET", `/v2/${name}/manifests/latest`, { headers: { accept: OCI_INDEX } });
      const child = await send(t, "GET", `/v2/${name}/manifests/${images[1]!.digest}`, { headers: { accept: OCI_MANIFEST } });
      const repoint = await send(t, "PUT", `/v2/${name}/manifests/latest`, { body: images[0]!.body, headers: { "content-type": OCI_MANIFEST } });
      const after = await send(t, "GET", `/v2/${name}/manifests/latest`, { headers: { accept: [OCI_MANIFEST, OCI_INDEX].join(", ") } });
      return [put.status, get.status, get.headers.get("content-type"), get.text, child.status, repoint.status, after.headers.get("docker-content-digest")];
    };
    const [d, e] = await both(run);
    expect(e).toEqual(d);
    expect(d.slice(0, 3)).toEqual([201, 200, OCI_INDEX]);
    expect(d.at(-1)).toBe(images[0]!.digest);
  });

  it("a manifest referencing a blob the repository lacks is refused with 400", async () => {
    const m = imageManifest('{"missing":true}', ["missing layer"]);
    const [d, e] = await both((t) => send(t, "PUT", "/v2/conf/missing/manifests/v1", { body: m.body, headers: { "content-type": OCI_MANIFEST } }));
    expect([d.status, e.status]).toEqual([400, 400]);
    // distribution says MANIFEST_BLOB_UNKNOWN; pulp_container's BlobInvalid says BLOB_UNKNOWN.
    expect([d.code, e.code]).toEqual(["MANIFEST_BLOB_UNKNOWN", "BLOB_UNKNOWN"]);
  });

  it("cross-repository mount (?mount=&from=) answers 201; an impossible mount starts an upload (202)", async () => {
    const data = "mounted layer";
    await both((t) => pushBlob(t, "conf/source", data));
    // Pulp mounts from a distribution: the source needs a tag so a distribution exists.
    const cfg = '{"mount":"source"}';
    const m = imageManifest(cfg, [data]);
    await both(async (t) => {
      await pushBlob(t, "conf/source", cfg);
      await send(t, "PUT", "/v2/conf/source/manifests/v1", { body: m.body, headers: { "content-type": OCI_MANIFEST } });
    });
    const [d, e] = await both(async (t) => {
      // The mount needs pull on the source too: a token with both scopes.
      const headers: Record<string, string> = {};
      if (t.name === "emulator") {
        const u = new URL(`${t.origin}/token/`);
        u.searchParams.set("service", emu.registryHost);
        u.searchParams.append("scope", "repository:conf/target:pull,push");
        u.searchParams.append("scope", "repository:conf/source:pull");
        const res = await fetch(u, { headers: { authorization: `Basic ${Buffer.from("admin:password").toString("base64")}` } });
        headers["authorization"] = `Bearer ${((await res.json()) as { token: string }).token}`;
      }
      const mount = await fetch(`${t.origin}/v2/conf/target/blobs/uploads/?mount=${digestOf(data)}&from=conf/source`, { method: "POST", headers });
      const fallback = await fetch(`${t.origin}/v2/conf/target/blobs/uploads/?mount=${digestOf("nothing")}&from=conf/source`, { method: "POST", headers });
      return [mount.status, mount.headers.get("docker-content-digest"), fallback.status];
    });
    expect(e).toEqual(d);
    expect(d).toEqual([201, digestOf(data), 202]);
  });

  it("tags/list and _catalog; n/last pagination with Link (Pulp and distribution both page the catalog)", async () => {
    const name = "conf/tags";
    const cfg = '{"tags":true}';
    const m = imageManifest(cfg, []);
    const tags = ["a1", "b2", "c3"];
    await both(async (t) => {
      await pushBlob(t, name, cfg);
      for (const tag of tags) await send(t, "PUT", `/v2/${name}/manifests/${tag}`, { body: m.body, headers: { "content-type": OCI_MANIFEST } });
    });
    const [d, e] = await both((t) => send(t, "GET", `/v2/${name}/tags/list`));
    // distribution lists in storage order, Pulp sorted by name.
    const sortedTags = (s: Seen) => ({ ...JSON.parse(s.text), tags: [...JSON.parse(s.text).tags].sort() });
    expect(sortedTags(d)).toEqual({ name, tags });
    expect(JSON.parse(e.text)).toEqual({ name, tags });
    // Pulp pages tags/list (distribution 2.8 returns everything): first page of 2, then the rest.
    const page1 = await send(targets[1]!, "GET", `/v2/${name}/tags/list?n=2`);
    expect(JSON.parse(page1.text).tags).toEqual(["a1", "b2"]);
    const next = /<([^>]+)>;\s*rel="next"/.exec(page1.headers.get("link") ?? "")?.[1];
    expect(next).toBeDefined();
    const u = new URL(next!);
    const page2 = await send(targets[1]!, "GET", u.pathname + u.search);
    expect(JSON.parse(page2.text).tags).toEqual(["c3"]);
    expect(page2.headers.get("link")).toBeNull();
    const [cd, ce] = await both((t) => send(t, "GET", "/v2/_catalog?n=2", { scope: "registry:catalog:*" }));
    expect([cd.status, ce.status]).toEqual([200, 200]);
    const firstPage = (s: Seen) => (JSON.parse(s.text) as { repositories: string[] }).repositories;
    expect(firstPage(cd)).toHaveLength(2);
    expect(firstPage(ce)).toHaveLength(2);
    expect(!!cd.headers.get("link")).toBe(true);
    expect(!!ce.headers.get("link")).toBe(true);
  });

  it("unknown repository: NAME_UNKNOWN for tags/list", async () => {
    const [d, e] = await both((t) => send(t, "GET", "/v2/conf/never/tags/list"));
    expect([d.status, d.code]).toEqual([404, "NAME_UNKNOWN"]);
    expect([e.status, e.code]).toEqual([404, "NAME_UNKNOWN"]);
  });

  it("the emulator's token challenge: 401 UNAUTHORIZED with realm, service and scope; insufficient scope; bad token", async () => {
    const anon = await fetch(`${emu.url}/v2/conf/oci/manifests/v1`);
    expect(anon.status).toBe(401);
    expect(((await anon.json()) as { errors: { code: string }[] }).errors[0]!.code).toBe("UNAUTHORIZED");
    expect(anon.headers.get("www-authenticate")).toBe(`Bearer realm="${emu.url}/token/",service="${emu.registryHost}",scope="repository:conf/oci:pull"`);
    expect(anon.headers.get("docker-distribution-api-version")).toBe("registry/2.0");
    const push = await fetch(`${emu.url}/v2/conf/oci/blobs/uploads/`, { method: "POST" });
    expect(push.headers.get("www-authenticate")).toContain('scope="repository:conf/oci:push"');
    const catalog = await fetch(`${emu.url}/v2/_catalog`);
    expect(catalog.headers.get("www-authenticate")).toContain('scope="registry:catalog:*"');
    const root = await fetch(`${emu.url}/v2/`);
    expect(root.headers.get("www-authenticate")).toBe(`Bearer realm="${emu.url}/token/",service="${emu.registryHost}"`);
    const pullToken = (await targets[1]!.auth("repository:conf/oci:pull")).authorization!;
    const denied = await fetch(`${emu.url}/v2/conf/oci/blobs/uploads/`, { method: "POST", headers: { authorization: pullToken } });
    expect(denied.status).toBe(401);
    expect(denied.headers.get("www-authenticate")).toContain('error="insufficient_scope"');
    const bad = await fetch(`${emu.url}/v2/conf/oci/manifests/v1`, { headers: { authorization: `${pullToken.slice(0, -4)}AAAA` } });
    expect(bad.status).toBe(401);
    expect(bad.headers.get("www-authenticate")).toContain('error="invalid_token"');
    const noService = await fetch(`${emu.url}/token/`);
    expect([noService.status, await noService.json()]).toEqual([400, { detail: "No service name provided." }]);
  });
});
