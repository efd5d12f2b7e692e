import { afterEach, describe, expect, it } from "vitest";
import type { Emulator } from "../../src/index";
import { type FakeUpstream, fakeEngine } from "./fake-engine";
import { type Api, startApi } from "./helpers";

const REPOS = "/pulp/api/v3/repositories/rpm/rpm/";
const REMOTES = "/pulp/api/v3/remotes/rpm/rpm/";
const PUBS = "/pulp/api/v3/publications/rpm/rpm/";

describe("API sync, repository versions and publications", () => {
  let emu: Emulator;
  let api: Api;
  let upstream: FakeUpstream;
  afterEach(async () => {
    expect(api.violations).toEqual([]);
    await emu.stop();
  });

  async function setup(repoFields: Record<string, unknown> = {}, knobs = {}) {
    upstream = { revision: "100", packages: ["alpha", "beta"] };
    ({ emu, api } = await startApi({ engine: fakeEngine(upstream), knobs }));
    const remote = await api.create(REMOTES, { name: "up", url: "http://up.invalid/" });
    const repo = await api.create(REPOS, { name: "repo", ...repoFields });
    return { remote, repo };
  }
  const pubsOf = async (versionHref: string) =>
    (await api.get(`${PUBS}?repository_version=${encodeURIComponent(versionHref)}&offset=0&limit=1`)).body;

  it("creates v1 on first sync, nothing on an identical resync (skip report), v2 when content changes", async () => {
    const { remote, repo } = await setup();
    const first = await api.task("POST", `${repo.pulp_href}sync/`, { remote: remote.pulp_href, sync_policy: "additive" });
    expect(first.created_resources).toEqual([`${repo.pulp_href}versions/1/`]);
    const v1 = (await api.get(`${repo.pulp_href}versions/1/`)).body;
    expect(v1.content_summary.added["rpm.package"].count).toBe(2);
    expect(v1.content_summary.present["rpm.package"].href).toBe(`/pulp/api/v3/content/rpm/packages/?repository_version=${v1.pulp_href}`);
    expect((await api.get(REPOS + `?name=repo`)).body.results[0].latest_version_href).toBe(v1.pulp_href);

    const same = await api.task("POST", `${repo.pulp_href}sync/`, { remote: remote.pulp_href });
    expect(same.created_resources).toEqual([]);
    expect(same.progress_reports).toContainEqual(expect.objectContaining({ code: "sync.was_skipped", state: "completed" }));

    upstream.packages = ["alpha", "gamma"];
    upstream.revision = "101";
    const additive = await api.task("POST", `${repo.pulp_href}sync/`, { remote: remote.pulp_href });
    expect(additive.created_resources).toEqual([`${repo.pulp_href}versions/2/`]);
    const names = (await api.get(`/pulp/api/v3/content/rpm/packages/?repository_version=${encodeURIComponent(additive.created_resources[0])}&ordering=name`)).body.results.map(
      (p: { name: string }) => p.name,
    );
    expect(names).toEqual(["alpha", "beta", "gamma"]);

    upstream.revision = "102";
    const mirror = await api.task("POST", `${repo.pulp_href}sync/`, { remote: remote.pulp_href, sync_policy: "mirror_content_only" });
    const v3 = (await api.get(mirror.created_resources[0])).body;
    expect(v3.number).toBe(3);
    expect(v3.content_summary.removed["rpm.package"].count).toBe(1);
    expect(v3.content_summary.present["rpm.package"].count).toBe(2);
  });

  it("mirror_complete publishes upstream metadata; a metadata-only change republishes the same version (pulp_rpm #2311)", async () => {
    const { remote, repo } = await setup();
    const first = await api.task("POST", `${repo.pulp_href}sync/`, { remote: remote.pulp_href, sync_policy: "mirror_complete" });
    const [v1, pub1] = first.created_resources;
    expect(v1).toBe(`${repo.pulp_href}versions/1/`);
    expect(pub1).toMatch(/^\/pulp\/api\/v3\/publications\/rpm\/rpm\//);
    expect((await api.get(pub1)).body).toMatchObject({ repository_version: v1, repository: repo.pulp_href });

    upstream.revision = "200";
    const resync = await api.task("POST", `${repo.pulp_href}sync/`, { remote: remote.pulp_href, sync_policy: "mirror_complete" });
    expect(resync.created_resources).toHaveLength(1);
    expect(resync.created_resources[0]).toMatch(/^\/pulp\/api\/v3\/publications\/rpm\/rpm\//);
    const found = await pubsOf(v1);
    expect(found.count).toBe(2);
    expect(found.results[0].pulp_href).toBe(resync.created_resources[0]);
    expect((await api.get(repo.pulp_href)).body.latest_version_href).toBe(v1);
  });

  it("without the bug knob a metadata-only change publishes nothing new", async () => {
    const { remote, repo } = await setup({}, { duplicatePublicationBug: false });
    await api.task("POST", `${repo.pulp_href}sync/`, { remote: remote.pulp_href, sync_policy: "mirror_complete" });
    upstream.revision = "200";
    const resync = await api.task("POST", `${repo.pulp_href}sync/`, { remote: remote.pulp_href, sync_policy: "mirror_complete" });
    expect(resync.created_resources).toEqual([]);
    expect((await pubsOf(`${repo.pulp_href}versions/1/`)).count).toBe(1);
  });

  it("applies Pulp's rpm sync-policy validation", async () => {
    const { remote, repo } = await setup({ retain_package_versions: 2 });
    const both = await api.post(`${repo.pulp_href}sync/`, { remote: remote.pulp_href, mirror: true, sync_policy: "additive" });
    expect(both.body).toEqual({
      non_field_errors: ["Cannot use 'mirror' and 'sync_policy' options simultaneously. The 'mirror' option is deprecated, please use 'sync_policy' only."],
    });
    const retain = await api.post(`${repo.pulp_href}sync/`, { remote: remote.pulp_href, sync_policy: "mirror_complete" });
    expect(retain.status).toBe(400);
    expect(retain.body).toEqual(["Cannot use 'retain_package_versions' in combination with a 'mirror_complete' or 'mirror_content_only' sync policy."]);
    const auto = await api.create(REPOS, { name: "auto", autopublish: true });
    expect((await api.post(`${auto.pulp_href}sync/`, { remote: remote.pulp_href, mirror: true })).body).toEqual([
      "Cannot use 'autopublish' in combination with a 'mirror_complete' sync policy.",
    ]);
    const plain = await api.create(REPOS, { name: "plain" });
    expect((await api.post(`${plain.pulp_href}sync/`, { remote: remote.pulp_href, sync_policy: "mirror_complete", skip_types: ["srpm"] })).body).toEqual([
      "Cannot use 'skip_types' in combination with a 'mirror_complete' sync policy.",
    ]);
    expect((await api.post(`${plain.pulp_href}sync/`, {})).body).toEqual({ remote: ["This field is required since a remote is not set on the repository."] });
    expect((await api.post(`${plain.pulp_href}sync/`, { remote: remote.pulp_href, colour: 1 })).body).toEqual({ colour: ["Unexpected field"] });
    const deb = await api.create("/pulp/api/v3/remotes/deb/apt/", { name: "deb", url: "http://d/", distributions: "stable" });
    const mismatch = await api.post(`${plain.pulp_href}sync/`, { remote: deb.pulp_href });
    expect(mismatch.body.remote[0]).toMatch(/^Type for Remote '.*' does not match Repository '.*'\.$/);
  });

  it("modify adds/removes content; autopublish publishes each new version; retention drops old versions", async () => {
    const { remote, repo } = await setup({ autopublish: true, retain_repo_versions: 2 });
    const sync = await api.task("POST", `${repo.pulp_href}sync/`, { remote: remote.pulp_href });
    expect(sync.created_resources).toHaveLength(2);
    const pkgs = (await api.get("/pulp/api/v3/content/rpm/packages/?name=alpha")).body.results;
    expect(pkgs).toHaveLength(1);
    const removed = await api.task("POST", `${repo.pulp_href}modify/`, { remove_content_units: [pkgs[0].pulp_href] });
    expect(removed.name).toBe("pulpcore.app.tasks.repository.add_and_remove");
    expect(removed.created_resources[0]).toBe(`${repo.pulp_href}versions/2/`);
    expect(removed.created_resources[1]).toMatch(/publications\/rpm\/rpm/);
    const noop = await api.task("POST", `${repo.pulp_href}modify/`, { remove_content_units: [pkgs[0].pulp_href] });
    expect(noop.created_resources).toEqual([]);
    const versions = (await api.get(`${repo.pulp_href}versions/`)).body;
    expect(versions.results.map((v: { number: number }) => v.number)).toEqual([2, 1]);
    const readd = await api.task("POST", `${repo.pulp_href}modify/`, { add_content_units: [pkgs[0].pulp_href], base_version: `${repo.pulp_href}versions/2/` });
    expect(readd.created_resources[0]).toBe(`${repo.pulp_href}versions/3/`);
    expect((await api.get(`${repo.pulp_href}versions/1/`)).status).toBe(404);
    expect((await api.get(`${PUBS}?repository=${encodeURIComponent(repo.pulp_href)}`)).body.count).toBe(2);
    const bad = await api.post(`${repo.pulp_href}modify/`, { add_content_units: ["/pulp/api/v3/content/rpm/packages/00000000-0000-0000-0000-000000000000/"] });
    expect(bad.status).toBe(400);
  });

  it("publishes explicitly (202, publish task), allows several publications per version and deletes them with 204", async () => {
    const { remote, repo } = await setup();
    await api.task("POST", `${repo.pulp_href}sync/`, { remote: remote.pulp_href });
    const v1 = `${repo.pulp_href}versions/1/`;
    const r = await api.post(PUBS, { repository_version: v1 });
    expect(r.status).toBe(202);
    const t = await api.wait(r.body.task);
    expect(t).toMatchObject({ name: "pulp_rpm.app.tasks.publishing.publish", reserved_resources_record: [repo.pulp_href] });
    const second = await api.task("POST", PUBS, { repository: repo.pulp_href });
    expect((await pubsOf(v1)).count).toBe(2);
    expect((await api.get(t.created_resources[0])).body).toMatchObject({ metadata_checksum_type: "sha256", package_checksum_type: "sha256", gpgcheck: 0 });
    expect((await api.post(PUBS, {})).body).toEqual({ non_field_errors: ["Either the 'repository' or 'repository_version' need to be specified."] });
    expect((await api.post(PUBS, { repository: repo.pulp_href, repository_version: v1 })).body).toEqual({
      non_field_errors: ["Either the 'repository' or 'repository_version' need to be specified but not both."],
    });
    expect((await api.del(second.created_resources[0])).status).toBe(204);
    expect((await pubsOf(v1)).count).toBe(1);
    expect((await api.patch(t.created_resources[0], {})).status).toBe(405);
  });

  it("deletes repository versions via a task but never the last one", async () => {
    const { remote, repo } = await setup();
    await api.task("POST", `${repo.pulp_href}sync/`, { remote: remote.pulp_href });
    const t = await api.task("DELETE", `${repo.pulp_href}versions/0/`);
    expect(t.state).toBe("completed");
    const last = await api.del(`${repo.pulp_href}versions/1/`);
    expect(last.status).toBe(400);
  });
});
