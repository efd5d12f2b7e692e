import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "../../src/index";
import { type Api, startApi } from "./helpers";

const REPOS = "/pulp/api/v3/repositories/rpm/rpm/";

describe("API lists: pagination, filters, ordering", () => {
  let emu: Emulator;
  let api: Api;
  const hrefs: string[] = [];
  beforeAll(async () => {
    ({ emu, api } = await startApi());
    // Created out of name order: the default ordering must sort by name.
    for (const n of ["c", "a", "e", "b", "d"]) hrefs.push((await api.create(REPOS, { name: n, pulp_labels: { tier: n < "c" ? "low" : "high" } })).pulp_href);
  });
  afterAll(async () => {
    expect(api.violations).toEqual([]);
    await emu.stop();
  });

  it("keeps count correct with limit=1 and builds absolute next/previous", async () => {
    const page = (await api.get(`${REPOS}?limit=1&offset=0`)).body;
    expect(page.count).toBe(5);
    expect(page.results.map((r: { name: string }) => r.name)).toEqual(["a"]);
    expect(page.previous).toBeNull();
    expect(page.next).toBe(`${emu.url}${REPOS}?limit=1&offset=1`);
    const mid = (await api.get(`${REPOS}?limit=2&offset=2`)).body;
    expect(mid.results.map((r: { name: string }) => r.name)).toEqual(["c", "d"]);
    expect(mid.previous).toBe(`${emu.url}${REPOS}?limit=2`);
    expect(mid.next).toBe(`${emu.url}${REPOS}?limit=2&offset=4`);
    const last = (await api.get(`${REPOS}?limit=2&offset=4`)).body;
    expect(last.next).toBeNull();
    expect(last.previous).toBe(`${emu.url}${REPOS}?limit=2&offset=2`);
  });

  it("treats limit<=0 and junk as the default page size", async () => {
    for (const q of ["limit=-1", "limit=0", "limit=abc&offset=xyz"]) {
      const body = (await api.get(`${REPOS}?${q}`)).body;
      expect(body.count).toBe(5);
      expect(body.results).toHaveLength(5);
      expect(body.next).toBeNull();
    }
  });

  it("filters by name, name__in, name__startswith, labels and href", async () => {
    const names = async (q: string) => (await api.get(`${REPOS}?${q}`)).body.results.map((r: { name: string }) => r.name);
    expect(await names("name=b")).toEqual(["b"]);
    expect(await names("name__in=e,a,zz")).toEqual(["a", "e"]);
    expect(await names("name__startswith=d")).toEqual(["d"]);
    expect(await names("pulp_label_select=tier%3Dlow")).toEqual(["a", "b"]);
    expect(await names(`pulp_href__in=${encodeURIComponent(hrefs[0]!)}`)).toEqual(["c"]);
    expect(await names("ordering=-name&limit=2")).toEqual(["e", "d"]);
    expect(await names("name=missing")).toEqual([]);
  });

  it("rejects unknown filters and bad orderings with 400", async () => {
    const r = await api.get(`${REPOS}?colour=red`);
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ errors: ["Invalid Filter: 'colour'"] });
    expect((await api.get(`${REPOS}?ordering=colour`)).status).toBe(400);
    const unresolved = await api.get(`${REPOS}?remote=${encodeURIComponent("/pulp/api/v3/remotes/rpm/rpm/00000000-0000-0000-0000-000000000000/")}`);
    expect(unresolved.status).toBe(400);
    expect(unresolved.body.remote[0]).toMatch(/^URI couldn't be resolved/);
    // Validated even when nothing would be listed.
    const noPubs = await api.get(`/pulp/api/v3/publications/rpm/rpm/?repository_version=${encodeURIComponent("/pulp/api/v3/repositories/rpm/rpm/00000000-0000-0000-0000-000000000000/versions/1/")}`);
    expect(noPubs.status).toBe(400);
    const missingVersion = encodeURIComponent(`${hrefs[0]}versions/9/`);
    for (const path of [
      `/pulp/api/v3/distributions/rpm/rpm/?with_content=${encodeURIComponent("/pulp/api/v3/content/rpm/packages/00000000-0000-0000-0000-000000000000/")}`,
      `/pulp/api/v3/content/rpm/packages/?repository_version_added=${missingVersion}`,
      `/pulp/api/v3/artifacts/?repository_version=${missingVersion}`,
    ]) {
      const empty = await api.get(path);
      expect(empty.status, path).toBe(400);
      expect(JSON.stringify(empty.body), path).toMatch(/URI couldn't be resolved/);
    }
  });

  it("restricts fields with fields= and exclude_fields=", async () => {
    const only = (await api.get(`${REPOS}?name=a&fields=name,pulp_href`)).body.results[0];
    expect(Object.keys(only).sort()).toEqual(["name", "pulp_href"]);
    const without = (await api.get(`${REPOS}?name=a&exclude_fields=description`)).body.results[0];
    expect(without).not.toHaveProperty("description");
    expect(without).toHaveProperty("name", "a");
  });

  it("lists repository versions newest first and filters by number", async () => {
    const versions = (await api.get(`${hrefs[0]}versions/`)).body;
    expect(versions.count).toBe(1);
    expect(versions.results[0]).toMatchObject({ number: 0, repository: hrefs[0], base_version: null });
    expect(versions.results[0].content_summary).toEqual({ added: {}, removed: {}, present: {} });
    expect((await api.get(`${hrefs[0]}versions/?number__gt=0`)).body.count).toBe(0);
    expect((await api.get(`${hrefs[0]}versions/0/`)).body.number).toBe(0);
    expect((await api.get(`${hrefs[0]}versions/7/`)).status).toBe(404);
  });

  it("resolves content guard names through the generic /contentguards/ list with base fields only", async () => {
    await api.create("/pulp/api/v3/contentguards/core/rbac/", { name: "release", description: "r" });
    const page = (await api.get("/pulp/api/v3/contentguards/?name=release&offset=0&limit=1")).body;
    expect(page.count).toBe(1);
    expect(Object.keys(page.results[0]).sort()).toEqual(["description", "name", "pulp_created", "pulp_href"]);
    expect((await api.get("/pulp/api/v3/contentguards/?pulp_type__in=certguard.x509")).body.count).toBe(0);
    expect((await api.get("/pulp/api/v3/contentguards/?pulp_type__in=core.rbac,certguard.x509")).body.count).toBe(1);
  });
});
