import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createArtifactStore } from "../src/content/artifact-store";
import { filterTags, nextLink, syncContainer } from "../src/content/container-sync";
import { type BuiltOciImage, buildOciImage, OCI_INDEX, OCI_MANIFEST, type Registry, startRegistry } from "../src/fixtures";
import type { Emulator } from "../src/index";
import { type Api, startApi } from "./api/helpers";

const DOCKER_V2 = "application/vnd.docker.distribution.manifest.v2+json";
const TAGS = "/pulp/api/v3/content/container/tags/";
const MANIFESTS = "/pulp/api/v3/content/container/manifests/";
const BLOBS = "/pulp/api/v3/content/container/blobs/";
const hex = (digest: string) => digest.slice("sha256:".length);

describe("container tag filters and Link pagination", () => {
  it("applies include_tags then exclude_tags with * and ? over the whole tag", () => {
    const tags = ["2024.1-1", "2024.1-2", "2023.1-1", "latest", "2024.10-1"];
    expect(filterTags(tags, null, null)).toEqual(tags);
    expect(filterTags(tags, ["2024.1-*"], null)).toEqual(["2024.1-1", "2024.1-2"]);
    expect(filterTags(tags, ["2024.?-1"], ["*-1"])).toEqual([]);
    expect(filterTags(tags, ["202?.1-?"], ["2023*"])).toEqual(["2024.1-1", "2024.1-2"]);
    expect(filterTags(tags, [], ["latest"])).toEqual(["2024.1-1", "2024.1-2", "2023.1-1", "2024.10-1"]);
    expect(filterTags(["a.b", "axb"], ["a.b"], null)).toEqual(["a.b"]);
  });

  it("follows rel=next relative to the page", () => {
    const page = "http://r:5000/v2/x/tags/list?n=2";
    expect(nextLink('</v2/x/tags/list?last=b&n=2>; rel="next"', page)).toBe("http://r:5000/v2/x/tags/list?last=b&n=2");
    expect(nextLink('<http://o/a>; rel="prev", <http://o/b>; rel="next"', page)).toBe("http://o/b");
    expect(nextLink(undefined, page)).toBeUndefined();
  });
});

describe("OCI image layout fixture", () => {
  it("writes a deterministic layout whose layer is a real tar.gz of the files", async () => {
    const files = { "etc/motd": "hello\n" };
    const a = await buildOciImage({ name: "x", tag: "t", files });
    const b = await buildOciImage({ name: "x", tag: "t", files });
    try {
      expect(a.digest).toBe(b.digest);
      const index = JSON.parse(await readFile(join(a.dir, "index.json"), "utf8"));
      expect(index.manifests).toEqual([expect.objectContaining({ digest: a.digest, annotations: { "org.opencontainers.image.ref.name": "t" } })]);
      const layer = a.blobs.find((d) => d.mediaType.endsWith("tar+gzip"))!;
      const tar = gunzipSync(await readFile(join(a.dir, "blobs", "sha256", hex(layer.digest))));
      // ustar header: name at 0, content after the 512-byte header.
      expect(tar.subarray(0, 8).toString()).toBe("etc/motd");
      expect(tar.subarray(512, 518).toString()).toBe("hello\n");
    } finally {
      await rm(a.dir, { recursive: true, force: true });
      await rm(b.dir, { recursive: true, force: true });
    }
  });
});

describe("container sync from a real registry (docker-registry + skopeo)", () => {
  let registry: Registry;
  let v1: BuiltOciImage;
  let multi: BuiltOciImage;
  let emu: Emulator;
  let api: Api;
  let store: string;

  beforeAll(async () => {
    registry = await startRegistry();
    v1 = await buildOciImage({ name: "kolla/nova-api", tag: "2024.1-1", files: { "etc/nova/release": "2024.1-1\n" } });
    const v2 = await buildOciImage({ name: "kolla/nova-api", tag: "2024.1-2", files: { "etc/nova/release": "2024.1-2\n" } });
    const old = await buildOciImage({ name: "kolla/nova-api", tag: "2023.1-1", files: { "etc/nova/release": "2023.1-1\n" } });
    multi = await buildOciImage({
      name: "kolla/base",
      tag: "multi",
      files: { "etc/os-release": "ID=rocky\n" },
      platforms: [
        { os: "linux", architecture: "amd64" },
        { os: "linux", architecture: "arm64" },
      ],
    });
    await registry.push(v1.dir, "kolla/nova-api", "2024.1-1");
    await registry.push(v2.dir, "kolla/nova-api", "2024.1-2");
    await registry.push(old.dir, "kolla/nova-api", "2023.1-1");
    await registry.push(v1.dir, "kolla/nova-api", "2024.1-1", { format: "v2s2", destTag: "docker" });
    await registry.push(multi.dir, "kolla/base", "multi");
    ({ emu, api } = await startApi());
    store = await mkdtemp(join(tmpdir(), "container-sync-store-"));
  }, 120_000);

  afterAll(async () => {
    expect(api?.violations ?? []).toEqual([]);
    await emu?.stop();
    await registry?.stop();
    if (store) await rm(store, { recursive: true, force: true });
  });

  it("on_demand downloads tags and manifests only; immediate also the digest-verified blobs", async () => {
    const artifacts = createArtifactStore(join(store, "a"));
    const remote = { url: registry.url, upstream_name: "kolla/nova-api", include_tags: ["2024.1-1", "docker"] };
    const lazy = await syncContainer(remote, { artifacts, download: false });
    expect(lazy.tags).toEqual([
      { name: "2024.1-1", manifest: v1.digest },
      { name: "docker", manifest: expect.stringMatching(/^sha256:/) },
    ]);
    const docker = lazy.manifests.find((m) => m.media_type === DOCKER_V2)!;
    expect(lazy.manifests.map((m) => m.media_type).sort()).toEqual([DOCKER_V2, OCI_MANIFEST]);
    // Same layer and config bytes in both formats: skopeo only rewrites the manifest.
    expect(docker.blobs).toEqual(v1.blobs.filter((b) => b.mediaType.includes("layer")).map((b) => b.digest));
    for (const m of lazy.manifests) expect(artifacts.has(hex(m.digest))).toBe(true);
    expect(lazy.blobs.every((b) => !b.downloaded)).toBe(true);
    for (const b of v1.blobs) expect(artifacts.has(hex(b.digest))).toBe(false);

    const full = await syncContainer(remote, { artifacts, download: true });
    expect(full.blobs.every((b) => b.downloaded)).toBe(true);
    for (const b of v1.blobs) {
      expect(await readFile(artifacts.path(hex(b.digest)))).toEqual(await readFile(join(v1.dir, "blobs", "sha256", hex(b.digest))));
    }
  });

  it("fetches every manifest an OCI index lists", async () => {
    const artifacts = createArtifactStore(join(store, "b"));
    const result = await syncContainer({ url: registry.url, upstream_name: "kolla/base" }, { artifacts, download: true });
    expect(result.tags).toEqual([{ name: "multi", manifest: multi.digest }]);
    const index = result.manifests.find((m) => m.digest === multi.digest)!;
    expect(index.media_type).toBe(OCI_INDEX);
    expect(index.listed_manifests.sort()).toEqual(multi.manifests.map((m) => m.digest).sort());
    expect(result.manifests).toHaveLength(3);
    expect(result.blobs.map((b) => b.digest).sort()).toEqual(multi.blobs.map((b) => b.digest).sort());
  });

  it("rejects a blob whose bytes do not match its digest", async () => {
    // A proxy that corrupts every blob it relays from the real registry.
    const proxy = createServer((req, res) => {
      void fetch(`${registry.url}${req.url}`, { headers: { accept: req.headers.accept ?? "*/*" } }).then(async (up) => {
        const body = Buffer.from(await up.arrayBuffer());
        if (req.url?.includes("/blobs/") && body.length > 0) body[0] = body[0]! ^ 0xff;
        const headers: Record<string, string> = {};
        for (const h of ["content-type", "docker-content-digest"]) if (up.headers.get(h)) headers[h] = up.headers.get(h)!;
        res.writeHead(up.status, headers).end(body);
      });
    });
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
      const artifacts = createArtifactStore(join(store, "tampered"));
      const remote = { url, upstream_name: "kolla/nova-api", include_tags: ["2024.1-1"] };
      await expect(syncContainer(remote, { artifacts, download: true })).rejects.toThrow(/checksum|sha256|match/i);
      for (const b of v1.blobs) expect(artifacts.has(hex(b.digest))).toBe(false);
    } finally {
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
    }
  });

  it("fails on a missing repository with the registry's status", async () => {
    const artifacts = createArtifactStore(join(store, "c"));
    await expect(syncContainer({ url: registry.url, upstream_name: "nope/missing" }, { artifacts, download: false })).rejects.toThrow(/404/);
  });

  const tagNames = async (versionHref: string) =>
    ((await api.get(`${TAGS}?repository_version=${encodeURIComponent(versionHref)}&limit=100`)).body.results as { name: string }[])
      .map((t) => t.name)
      .sort();

  it("syncs through the API: versions only on change, additive by default, mirror removes deleted tags", async () => {
    const remote = await api.create("/pulp/api/v3/remotes/container/container/", {
      name: "nova-api",
      url: registry.url,
      upstream_name: "kolla/nova-api",
      include_tags: ["2024.1-*", "2023*"],
      exclude_tags: ["2023.1-?"],
    });
    const repo = await api.create("/pulp/api/v3/repositories/container/container/", { name: "kolla/nova-api" });
    const sync = (body: Record<string, unknown> = {}) => api.task("POST", `${repo.pulp_href}sync/`, { remote: remote.pulp_href, ...body });

    const first = await sync();
    expect(first).toMatchObject({ state: "completed", created_resources: [`${repo.pulp_href}versions/1/`] });
    expect(first.progress_reports.map((p: { code: string }) => p.code)).toEqual([
      "sync.downloading.tag_list",
      "sync.processing.tag",
      "sync.downloading.artifacts",
      "associating.content",
    ]);
    expect(await tagNames(`${repo.pulp_href}versions/1/`)).toEqual(["2024.1-1", "2024.1-2"]);
    const version1 = (await api.get(`${repo.pulp_href}versions/1/`)).body;
    expect(version1.content_summary.added["container.tag"].count).toBe(2);
    expect(version1.content_summary.added["container.manifest"].count).toBe(2);
    // Two configs and two layers.
    expect(version1.content_summary.added["container.blob"].count).toBe(4);
    const manifest = (await api.get(`${MANIFESTS}?digest=${v1.digest}`)).body.results[0];
    expect(manifest).toMatchObject({ digest: v1.digest, media_type: OCI_MANIFEST });
    for (const b of v1.blobs) expect(emu.ctx.artifacts.has(hex(b.digest))).toBe(true);

    // Unchanged upstream: no new version.
    expect((await sync()).created_resources).toEqual([]);

    // A new upstream tag → a new version with it.
    const v3 = await buildOciImage({ name: "kolla/nova-api", tag: "2024.1-3", files: { "etc/nova/release": "2024.1-3\n" } });
    await registry.push(v3.dir, "kolla/nova-api", "2024.1-3");
    expect((await sync()).created_resources).toEqual([`${repo.pulp_href}versions/2/`]);
    expect(await tagNames(`${repo.pulp_href}versions/2/`)).toEqual(["2024.1-1", "2024.1-2", "2024.1-3"]);

    // Deleted upstream: an additive sync keeps it, a mirror sync removes it.
    await registry.deleteTag("kolla/nova-api", "2024.1-3");
    expect((await sync()).created_resources).toEqual([]);
    expect((await sync({ mirror: true })).created_resources).toEqual([`${repo.pulp_href}versions/3/`]);
    expect(await tagNames(`${repo.pulp_href}versions/3/`)).toEqual(["2024.1-1", "2024.1-2"]);
    const version3 = (await api.get(`${repo.pulp_href}versions/3/`)).body;
    expect(version3.content_summary.removed["container.tag"].count).toBe(1);
    expect(version3.content_summary.present["container.blob"].count).toBe(4);

    // A re-pointed tag replaces the old tag of that name, even in an additive sync.
    await registry.push(v3.dir, "kolla/nova-api", "2024.1-3", { destTag: "2024.1-2" });
    expect((await sync()).created_resources).toEqual([`${repo.pulp_href}versions/4/`]);
    const retagged = (await api.get(`${TAGS}?name=2024.1-2&repository_version=${encodeURIComponent(`${repo.pulp_href}versions/4/`)}`)).body;
    expect(retagged.count).toBe(1);
    expect((await api.get(retagged.results[0].tagged_manifest)).body.digest).toBe(v3.digest);
  }, 60_000);

  it("on_demand through the API: blobs are units without downloaded artifacts", async () => {
    const remote = await api.create("/pulp/api/v3/remotes/container/container/", {
      name: "base-lazy",
      url: registry.url,
      upstream_name: "kolla/base",
      policy: "on_demand",
    });
    const repo = await api.create("/pulp/api/v3/repositories/container/container/", { name: "kolla/base" });
    const done = await api.task("POST", `${repo.pulp_href}sync/`, { remote: remote.pulp_href });
    expect(done.created_resources).toEqual([`${repo.pulp_href}versions/1/`]);
    const version = `${repo.pulp_href}versions/1/`;
    const manifests = (await api.get(`${MANIFESTS}?repository_version=${encodeURIComponent(version)}`)).body.results as {
      digest: string;
      media_type: string;
      listed_manifests: string[];
    }[];
    const index = manifests.find((m) => m.digest === multi.digest)!;
    expect(index.media_type).toBe(OCI_INDEX);
    expect(index.listed_manifests).toHaveLength(2);
    expect((await api.get(`${BLOBS}?repository_version=${encodeURIComponent(version)}`)).body.count).toBe(4);
    for (const b of multi.blobs) expect(emu.ctx.artifacts.has(hex(b.digest))).toBe(false);
    for (const m of multi.manifests) expect(emu.ctx.artifacts.has(hex(m.digest))).toBe(true);
  });
});
