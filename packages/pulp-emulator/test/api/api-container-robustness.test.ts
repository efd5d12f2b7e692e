import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildOciImage, type Registry, startRegistry } from "../../src/fixtures";
import type { Emulator } from "../../src/index";
import { fakeEngine } from "./fake-engine";
import { type Api, startApi } from "./helpers";

describe("API container endpoints and robustness", () => {
  let emu: Emulator;
  let api: Api;
  let registry: Registry;
  beforeAll(async () => {
    ({ emu, api } = await startApi({ engine: fakeEngine({ revision: "1", packages: ["a"] }) }));
    registry = await startRegistry();
    for (const tag of ["1.25", "latest"]) {
      const image = await buildOciImage({ name: "nginx", tag, files: { "etc/version": `${tag}\n` } });
      await registry.push(image.dir, "library/nginx", tag);
    }
  });
  afterAll(async () => {
    expect(api.violations).toEqual([]);
    await emu.stop();
    await registry?.stop();
  });

  it("handles container remotes, repositories, sync and distributions", async () => {
    expect((await api.post("/pulp/api/v3/remotes/container/container/", { name: "c", url: "https://registry.invalid" })).body).toEqual({
      upstream_name: ["This field is required."],
    });
    const remote = await api.create("/pulp/api/v3/remotes/container/container/", { name: "c", url: registry.url, upstream_name: "library/nginx", include_tags: ["2.*"] });
    expect(remote).toMatchObject({ include_tags: ["2.*"], exclude_tags: null });
    const repo = await api.create("/pulp/api/v3/repositories/container/container/", { name: "stackhpc/nginx" });
    // The real registry has 1.25 and latest: nothing matches 2.*.
    const sync = await api.task("POST", `${repo.pulp_href}sync/`, { remote: remote.pulp_href });
    expect(sync).toMatchObject({ state: "completed", name: "pulp_container.app.tasks.synchronize.synchronize", created_resources: [] });
    await api.task("PATCH", remote.pulp_href, { include_tags: ["1.25", "1.*"] });
    const tagged = await api.task("POST", `${repo.pulp_href}sync/`, { remote: remote.pulp_href });
    expect(tagged.created_resources).toEqual([`${repo.pulp_href}versions/1/`]);
    const tags = (await api.get(`/pulp/api/v3/content/container/tags/?repository_version=${encodeURIComponent(tagged.created_resources[0])}`)).body;
    expect(tags.results.map((t: { name: string }) => t.name)).toEqual(["1.25"]);
    expect((await api.task("POST", `${repo.pulp_href}sync/`, { remote: remote.pulp_href })).created_resources).toEqual([]);
    expect((await api.post(`${repo.pulp_href}sync/`, { remote: remote.pulp_href, optimize: true })).body).toEqual({ optimize: ["Unexpected field"] });
    const dist = await api.create("/pulp/api/v3/distributions/container/container/", { name: "nginx", base_path: "stackhpc/nginx", repository: repo.pulp_href });
    expect(dist).toMatchObject({ base_path: "stackhpc/nginx", private: false, registry_path: `${new URL(emu.url).host}/stackhpc/nginx`, repository_version: null });
    expect(dist.namespace).toMatch(/^\/pulp\/api\/v3\/pulp_container\/namespaces\//);
    const guard = (await api.get(dist.content_guard)).body;
    expect(guard).toMatchObject({ name: "nginx" });
    expect((await api.get("/pulp/api/v3/contentguards/?pulp_type__in=core.content_redirect")).body.count).toBe(1);
    expect(
      (await api.post("/pulp/api/v3/distributions/container/container/", { name: "x", base_path: "x", repository: repo.pulp_href, repository_version: `${repo.pulp_href}versions/0/` })).body,
    ).toEqual({ non_field_errors: ["Only one of the attributes 'repository' and 'repository_version' may be used simultaneously."] });
    expect((await api.get(`/pulp/api/v3/content/container/tags/?name__in=a,1.25&repository_version=${encodeURIComponent(`${repo.pulp_href}versions/0/`)}`)).body.count).toBe(0);
    expect((await api.get(`/pulp/api/v3/content/container/tags/?name__in=a,1.25&repository_version=${encodeURIComponent(`${repo.pulp_href}versions/1/`)}`)).body.count).toBe(1);
    expect((await api.post(`${repo.pulp_href}add/`, { content_units: ["/pulp/api/v3/content/container/tags/00000000-0000-0000-0000-000000000000/"] })).status).toBe(400);
    expect((await api.post(`${repo.pulp_href}remove/`, { content_units: ["*"] })).status).toBe(202);
    expect((await api.post("/pulp/api/v3/repositories/container/container-push/", { name: "p" })).status).toBe(405);
  });

  it("answers garbage bodies and queries with 4xx, never 5xx", async () => {
    const repo = await api.create("/pulp/api/v3/repositories/rpm/rpm/", { name: "fuzz" });
    const dist = await api.create("/pulp/api/v3/distributions/rpm/rpm/", { name: "fuzz", base_path: "fuzz" });
    const guard = await api.create("/pulp/api/v3/contentguards/core/rbac/", { name: "fuzz" });
    const targets: [string, string, string[]][] = [
      ["POST", "/pulp/api/v3/remotes/rpm/rpm/", ["name", "url", "policy", "headers", "pulp_labels", "download_concurrency", "total_timeout"]],
      ["POST", "/pulp/api/v3/remotes/deb/apt/", ["name", "url", "distributions", "sync_udebs"]],
      ["POST", "/pulp/api/v3/repositories/rpm/rpm/", ["name", "remote", "retain_repo_versions", "gpgcheck"]],
      ["PATCH", repo.pulp_href, ["name", "remote", "retain_repo_versions", "description"]],
      ["POST", `${repo.pulp_href}sync/`, ["remote", "mirror", "sync_policy", "skip_types"]],
      ["POST", `${repo.pulp_href}modify/`, ["add_content_units", "remove_content_units", "base_version"]],
      ["POST", "/pulp/api/v3/publications/rpm/rpm/", ["repository", "repository_version", "metadata_checksum_type"]],
      ["POST", "/pulp/api/v3/distributions/rpm/rpm/", ["name", "base_path", "publication", "repository", "content_guard"]],
      ["PATCH", dist.pulp_href, ["name", "base_path", "publication", "repository"]],
      ["POST", "/pulp/api/v3/contentguards/certguard/x509/", ["name", "ca_certificate"]],
      ["POST", `${guard.pulp_href}add_role/`, ["role", "users", "groups"]],
      ["POST", "/pulp/api/v3/users/", ["username", "password", "email", "is_staff"]],
      ["POST", "/pulp/api/v3/groups/", ["name"]],
      ["POST", "/pulp/api/v3/orphans/cleanup/", ["content_hrefs", "orphan_protection_time"]],
      ["POST", "/pulp/api/v3/tasks/purge/", ["finished_before", "states"]],
    ];
    const values: unknown[] = [null, 0, -1, 1.5, "", "x", "/pulp/api/v3/", [], [null], [1], {}, { a: { b: [] } }, true, "9".repeat(40)];
    const statuses = new Set<number>();
    for (const [method, path, fields] of targets) {
      for (const raw of ["null", '"str"', "1", "{", "[]", '{"a":'] as const) statuses.add((await api.call(method, path, undefined, { raw })).status);
      for (const field of fields) {
        for (const value of values) {
          statuses.add((await api.call(method, path, { [field]: value })).status);
          statuses.add((await api.call(method, path, { [field]: value }, { form: true })).status);
        }
      }
    }
    for (const q of ["limit=99999999999999999999&offset=-5", "ordering=", "name__in=", "pulp_href__in=%2F", "pulp_created__gt=yesterday", "retain_repo_versions__range=1"]) {
      statuses.add((await api.get(`/pulp/api/v3/repositories/rpm/rpm/?${q}`)).status);
    }
    statuses.add((await api.get("/pulp/api/v3/content/rpm/packages/?repository_version=%ZZ")).status);
    statuses.add((await api.get("/pulp/api/v3/tasks/?started_at__lt=nope")).status);
    expect([...statuses].filter((s) => s >= 500)).toEqual([]);
    expect((await api.get("/pulp/api/v3/status/")).status).toBe(200);
  }, 120_000);
});
