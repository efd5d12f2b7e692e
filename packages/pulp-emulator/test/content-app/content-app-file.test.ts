import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Emulator, type ServedDirectory, serveDirectory } from "../../src/index";
import { ADMIN, type Api, startApi } from "../api/helpers";

const sha = (s: string) => createHash("sha256").update(s).digest("hex");

describe("pulp_file: PULP_MANIFEST sync, uploads, publications", () => {
  let emu: Emulator;
  let api: Api;
  let upstream: ServedDirectory;
  let dir: string;
  const files: Record<string, string> = { "data/one.txt": "one\n", "data/two.txt": "two\n" };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "emu-file-"));
    mkdirSync(join(dir, "data"));
    for (const [p, text] of Object.entries(files)) writeFileSync(join(dir, p), text);
    writeFileSync(join(dir, "PULP_MANIFEST"), Object.entries(files).map(([p, t]) => `${p},${sha(t)},${t.length}\n`).join(""));
    upstream = await serveDirectory(dir);
    ({ emu, api } = await startApi());
  });
  afterAll(async () => {
    expect(api.violations).toEqual([]);
    await emu?.stop();
    await upstream?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("syncs a manifest, autopublishes and serves the files and a regenerated manifest", async () => {
    const remote = await api.create("/pulp/api/v3/remotes/file/file/", { name: "files", url: `${upstream.url}PULP_MANIFEST` });
    const repo = await api.create("/pulp/api/v3/repositories/file/file/", { name: "files", autopublish: true });
    expect(repo).toMatchObject({ autopublish: true, manifest: "PULP_MANIFEST" });
    const sync = await api.task("POST", `${repo.pulp_href}sync/`, { remote: remote.pulp_href });
    expect(sync.name).toBe("pulp_file.app.tasks.synchronizing.synchronize");
    expect(sync.created_resources).toHaveLength(2);
    const [version, publication] = sync.created_resources;
    expect((await api.get(publication)).body).toMatchObject({ repository_version: version, distributions: [], manifest: "PULP_MANIFEST" });
    await api.create("/pulp/api/v3/distributions/file/file/", { name: "files", base_path: "files", publication });
    expect((await api.get(publication)).body.distributions).toHaveLength(1);
    expect(await (await fetch(`${emu.contentUrl}files/data/two.txt`)).text()).toBe("two\n");
    const manifest = await (await fetch(`${emu.contentUrl}files/PULP_MANIFEST`)).text();
    expect(manifest).toBe(`data/one.txt,${sha("one\n")},4\ndata/two.txt,${sha("two\n")},4\n`);
    const found = (await api.get(`/pulp/api/v3/content/file/files/?relative_path=data/one.txt&sha256=${sha("one\n")}`)).body;
    expect(found.count).toBe(1);
    expect(found.results[0].artifact).toMatch(/^\/pulp\/api\/v3\/artifacts\//);
  });

  it("uploads artifacts (multipart) and creates content from them", async () => {
    const form = new FormData();
    form.append("file", new Blob(["hello\n"]), "hello.txt");
    form.append("sha256", sha("hello\n"));
    const res = await fetch(`${emu.url}/pulp/api/v3/artifacts/`, { method: "POST", body: form, headers: { Authorization: ADMIN } });
    expect(res.status).toBe(201);
    const artifact = (await res.json()) as { pulp_href: string; sha256: string; size: number; file: string };
    expect(artifact).toMatchObject({ sha256: sha("hello\n"), size: 6, file: `artifact/${sha("hello\n").slice(0, 2)}/${sha("hello\n").slice(2)}` });
    const dup = new FormData();
    dup.append("file", new Blob(["hello\n"]), "again.txt");
    const again = await fetch(`${emu.url}/pulp/api/v3/artifacts/`, { method: "POST", body: dup, headers: { Authorization: ADMIN } });
    expect(again.status).toBe(400);
    const repo = await api.create("/pulp/api/v3/repositories/file/file/", { name: "uploads" });
    const created = await api.task("POST", "/pulp/api/v3/content/file/files/", { relative_path: "hello.txt", artifact: artifact.pulp_href, repository: repo.pulp_href });
    expect(created.name).toBe("pulpcore.app.tasks.base.general_create");
    expect(created.created_resources[1]).toBe(`${repo.pulp_href}versions/1/`);
    const content = (await api.get(created.created_resources[0])).body;
    expect(content).toMatchObject({ relative_path: "hello.txt", artifact: artifact.pulp_href, sha256: sha("hello\n") });
    expect((await api.post("/pulp/api/v3/content/file/files/", { relative_path: "x" })).status).toBe(400);
  });

  it("publishes an upload into an autopublish repository in the same task", async () => {
    const repo = await api.create("/pulp/api/v3/repositories/file/file/", { name: "auto-uploads", autopublish: true });
    const form = new FormData();
    form.append("file", new Blob(["auto\n"]), "auto.txt");
    form.append("relative_path", "auto.txt");
    form.append("repository", repo.pulp_href);
    const res = await fetch(`${emu.url}/pulp/api/v3/content/file/files/`, { method: "POST", body: form, headers: { Authorization: ADMIN } });
    expect(res.status).toBe(202);
    const task = await api.wait(((await res.json()) as { task: string }).task);
    const [content, version, publication] = task.created_resources;
    expect(version).toBe(`${repo.pulp_href}versions/1/`);
    expect((await api.get(publication)).body).toMatchObject({ repository_version: version, manifest: "PULP_MANIFEST" });
    await api.create("/pulp/api/v3/distributions/file/file/", { name: "auto-uploads", base_path: "auto-uploads", repository: repo.pulp_href });
    expect(await (await fetch(`${emu.contentUrl}auto-uploads/auto.txt`)).text()).toBe("auto\n");
    expect((await api.get(content)).body).toMatchObject({ relative_path: "auto.txt", sha256: sha("auto\n") });
  });
});
