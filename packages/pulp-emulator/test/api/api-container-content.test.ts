import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Emulator, pushImage } from "../../src/index";
import type { Resource } from "../../src/store/state";
import { type Api, startApi } from "./helpers";

const TAGS = "/pulp/api/v3/content/container/tags/";

function seedPushRepo(emu: Emulator, name: string): Resource {
  return emu.ctx.createRepository("container/container-push", "container.container-push", {
    name, description: null, pulp_labels: {}, retain_repo_versions: null, manifest_signing_service: null,
  });
}

describe("API container content: push repositories, tag promotion, tag/untag/copy", () => {
  let emu: Emulator;
  let api: Api;
  let push: Resource;
  let dest: { pulp_href: string };
  const layer = "sha256:" + "a".repeat(64);

  beforeAll(async () => {
    ({ emu, api } = await startApi());
    // Push repositories only come from `docker push`: seed one as the registry would.
    push = emu.ctx.createRepository("container/container-push", "container.container-push", {
      name: "stackhpc-dev/nova-api", description: null, pulp_labels: {}, retain_repo_versions: null, manifest_signing_service: null,
    });
    pushImage(emu.ctx, push, { tag: "2024.1-1", layers: [layer, "sha256:" + "b".repeat(64)] });
    pushImage(emu.ctx, push, { tag: "2024.1-2", layers: [layer, "sha256:" + "c".repeat(64)] });
    dest = await api.create("/pulp/api/v3/repositories/container/container/", { name: "stackhpc/nova-api" });
  });
  afterAll(async () => {
    expect(api.violations).toEqual([]);
    await emu.stop();
  });

  it("lists push repositories and their tags, and rejects create/delete on them", async () => {
    const found = (await api.get("/pulp/api/v3/repositories/container/container-push/?name=stackhpc-dev/nova-api")).body;
    expect(found.count).toBe(1);
    expect(found.results[0].latest_version_href).toBe(`${push.href}versions/2/`);
    expect((await api.del(push.href)).status).toBe(405);
    const tags = (await api.get(`${TAGS}?name__in=2024.1-1,2024.1-2,nope&repository_version=${encodeURIComponent(`${push.href}versions/2/`)}`)).body;
    expect(tags.results.map((t: { name: string }) => t.name).sort()).toEqual(["2024.1-1", "2024.1-2"]);
    const manifest = (await api.get(tags.results[0].tagged_manifest)).body;
    expect(manifest.media_type).toBe("application/vnd.docker.distribution.manifest.v2+json");
    expect(manifest.blobs).toHaveLength(2);
  });

  it("promotes tags with add/ (recursively) and removes them keeping shared blobs", async () => {
    const tags = (await api.get(`${TAGS}?name__in=2024.1-1,2024.1-2&repository_version=${encodeURIComponent(`${push.href}versions/2/`)}`)).body.results;
    const added = await api.task("POST", `${dest.pulp_href}add/`, { content_units: tags.map((t: { pulp_href: string }) => t.pulp_href) });
    expect(added.name).toBe("pulp_container.app.tasks.recursive_add_content");
    const v1 = (await api.get(added.created_resources[0])).body;
    expect(v1.content_summary.present).toMatchObject({ "container.tag": { count: 2 }, "container.manifest": { count: 2 }, "container.blob": { count: 5 } });
    const one = tags.find((t: { name: string }) => t.name === "2024.1-1");
    const removed = await api.task("POST", `${dest.pulp_href}remove/`, { content_units: [one.pulp_href] });
    const v2 = (await api.get(removed.created_resources[0])).body;
    // The shared layer stays; the tag's own manifest, config and layer go.
    expect(v2.content_summary.present).toMatchObject({ "container.tag": { count: 1 }, "container.manifest": { count: 1 }, "container.blob": { count: 3 } });
  });

  it("add/ of a tag replaces the destination's tag of the same name (pulp_container's tags_to_replace)", async () => {
    const repointed = seedPushRepo(emu, "stackhpc-dev/replace-test");
    pushImage(emu.ctx, repointed, { tag: "t", layers: ["sha256:" + "d".repeat(64)] });
    const target = await api.create("/pulp/api/v3/repositories/container/container/", { name: "stackhpc/replace-test" });
    const tagIn = async (version: string) => (await api.get(`${TAGS}?name=t&repository_version=${encodeURIComponent(version)}`)).body.results;
    const first = (await tagIn(`${repointed.href}versions/1/`))[0];
    await api.task("POST", `${target.pulp_href}add/`, { content_units: [first.pulp_href] });
    pushImage(emu.ctx, repointed, { tag: "t", layers: ["sha256:" + "e".repeat(64)] });
    const second = (await tagIn(`${repointed.href}versions/2/`))[0];
    expect(second.tagged_manifest).not.toBe(first.tagged_manifest);
    const added = await api.task("POST", `${target.pulp_href}add/`, { content_units: [second.pulp_href] });
    const now = await tagIn(added.created_resources[0]);
    expect(now.map((t: { tagged_manifest: string }) => t.tagged_manifest)).toEqual([second.tagged_manifest]);
  });

  it("tags and untags with pulp_container's validation", async () => {
    const tags = (await api.get(`${TAGS}?name=2024.1-2&repository_version=${encodeURIComponent(`${push.href}versions/2/`)}`)).body.results;
    const digest = (await api.get(tags[0].tagged_manifest)).body.digest;
    expect((await api.post(`${push.href}tag/`, { tag: "-bad", digest })).body.tag[0]).toMatch(/^The provided tag is not valid/);
    expect((await api.post(`${push.href}tag/`, { tag: "x", digest: "sha256:0" })).body).toEqual({
      non_field_errors: ["A manifest with the digest 'sha256:0' does not exist in the latest repository version '<Repository: stackhpc-dev/nova-api; Version: 2>'"],
    });
    const t = await api.task("POST", `${push.href}tag/`, { tag: "latest", digest });
    expect(t).toMatchObject({ state: "completed", name: "pulp_container.app.tasks.tag_image", created_resources: [`${push.href}versions/3/`] });
    expect((await api.post(`${push.href}untag/`, { tag: "missing" })).body).toEqual({
      non_field_errors: ["The tag 'missing' does not exist in the latest repository version '<Repository: stackhpc-dev/nova-api; Version: 3>'"],
    });
    const u = await api.task("POST", `${push.href}untag/`, { tag: "latest" });
    expect(u.created_resources).toEqual([`${push.href}versions/4/`]);
  });

  it("copies tags from a source repository (one source only; unknown names ignored)", async () => {
    expect((await api.post(`${dest.pulp_href}copy_tags/`, { names: ["x"] })).body).toEqual({
      non_field_errors: ["Either the 'repository' or 'repository_version' needs to be specified"],
    });
    const both = await api.post(`${dest.pulp_href}copy_tags/`, { source_repository: push.href, source_repository_version: `${push.href}versions/1/` });
    expect(both.body).toEqual({ non_field_errors: ["Either the 'repository' or 'repository_version' need to be specified but not both."] });
    const copied = await api.task("POST", `${dest.pulp_href}copy_tags/`, { source_repository: push.href, names: ["2024.1-1", "ghost"] });
    const v = (await api.get(copied.created_resources[0])).body;
    expect(v.content_summary.present["container.tag"].count).toBe(2);
    const again = await api.task("POST", `${dest.pulp_href}copy_tags/`, { source_repository_version: `${push.href}versions/2/`, names: ["2024.1-1"] });
    expect(again.created_resources).toEqual([]);
  });
});
