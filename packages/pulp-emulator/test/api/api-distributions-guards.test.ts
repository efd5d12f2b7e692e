import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Emulator } from "../../src/index";
import { fakeEngine } from "./fake-engine";
import { type Api, startApi } from "./helpers";

const DISTS = "/pulp/api/v3/distributions/rpm/rpm/";
const REPOS = "/pulp/api/v3/repositories/rpm/rpm/";
const PUBS = "/pulp/api/v3/publications/rpm/rpm/";
const X509 = "/pulp/api/v3/contentguards/certguard/x509/";
const RBAC = "/pulp/api/v3/contentguards/core/rbac/";

let caPem = "";
let certDir = "";
beforeAll(() => {
  certDir = mkdtempSync(join(tmpdir(), "emu-ca-"));
  execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", join(certDir, "ca.key"), "-out", join(certDir, "ca.pem"), "-days", "2", "-subj", "/CN=test-ca"], { stdio: "ignore" });
  caPem = readFileSync(join(certDir, "ca.pem"), "utf8");
});
afterAll(() => rmSync(certDir, { recursive: true, force: true }));

describe("API distributions and content guards", () => {
  let emu: Emulator;
  let api: Api;
  let repo: { pulp_href: string };
  let pub: string;
  beforeEach(async () => {
    ({ emu, api } = await startApi({ engine: fakeEngine({ revision: "1", packages: ["a"] }) }));
    repo = await api.create(REPOS, { name: "repo" });
    pub = (await api.task("POST", PUBS, { repository: repo.pulp_href })).created_resources[0];
  });
  afterEach(async () => {
    expect(api.violations).toEqual([]);
    await emu.stop();
  });

  it("creates distributions via general_create and derives base_url from the content origin", async () => {
    const r = await api.post(DISTS, { name: "d", base_path: "rocky/9", publication: pub, repository: null, content_guard: null });
    expect(r.status).toBe(202);
    const t = await api.wait(r.body.task);
    expect(t).toMatchObject({ name: "pulpcore.app.tasks.base.general_create", reserved_resources_record: ["/api/v3/distributions/"] });
    const d = (await api.get(t.created_resources[0])).body;
    expect(d).toMatchObject({ name: "d", base_path: "rocky/9", base_url: `${emu.url}/pulp/content/rocky/9/`, publication: pub, repository: null, content_guard: null, pulp_labels: {} });
    expect((await api.get(`${DISTS}?base_path=rocky/9`)).body.count).toBe(1);
  });

  it("rejects duplicate names/base paths and overlapping base paths (nested-dict error)", async () => {
    await api.create(DISTS, { name: "d", base_path: "a/b" });
    expect((await api.post(DISTS, { name: "d", base_path: "x" })).body).toEqual({ name: ["This field must be unique."] });
    expect((await api.post(DISTS, { name: "e", base_path: "a/b" })).body).toEqual({ base_path: ["This field must be unique."] });
    expect((await api.post(DISTS, { name: "e", base_path: "a" })).body).toEqual({ base_path: { base_path: "Overlaps with existing distribution 'd'" } });
    expect((await api.post(DISTS, { name: "e", base_path: "a/b/c" })).body).toEqual({ base_path: { base_path: "Overlaps with existing distribution 'd'" } });
    // base_path and name are unique across distribution types.
    expect((await api.post("/pulp/api/v3/distributions/deb/apt/", { name: "d", base_path: "zz" })).body).toEqual({ name: ["This field must be unique."] });
    expect((await api.post(DISTS, { name: "e", base_path: "ab" })).status).toBe(202);
  });

  it("enforces publication/repository exclusion on the merged state (PATCH)", async () => {
    const d = await api.create(DISTS, { name: "d", base_path: "p", publication: pub });
    expect((await api.post(DISTS, { name: "x", base_path: "x", publication: pub, repository: repo.pulp_href })).body).toEqual({
      non_field_errors: ["Only one of the attributes 'repository' and 'publication' may be used simultaneously."],
    });
    expect((await api.patch(d.pulp_href, { repository: repo.pulp_href })).body).toEqual({
      non_field_errors: ["Only one of the attributes 'repository' and 'publication' may be used simultaneously."],
    });
    const sw = await api.task("PATCH", d.pulp_href, { repository: repo.pulp_href, publication: null });
    expect(sw.state).toBe("completed");
    expect((await api.get(d.pulp_href)).body).toMatchObject({ repository: repo.pulp_href, publication: null });
  });

  it("nulls a distribution's publication when the publication is deleted", async () => {
    const d = await api.create(DISTS, { name: "d", base_path: "p", publication: pub });
    expect((await api.del(pub)).status).toBe(204);
    expect((await api.get(d.pulp_href)).body.publication).toBeNull();
    expect((await api.task("DELETE", d.pulp_href)).state).toBe("completed");
    expect((await api.get(d.pulp_href)).status).toBe(404);
  });

  it("manages x509 guards synchronously and validates the CA certificate", async () => {
    const g = await api.post(X509, { name: "release", description: null, ca_certificate: caPem });
    expect(g.status).toBe(201);
    expect(g.body).toEqual({ pulp_href: g.body.pulp_href, pulp_created: g.body.pulp_created, name: "release", description: null, ca_certificate: caPem });
    expect((await api.post(X509, { name: "bad", ca_certificate: "not a cert" })).body).toEqual({ ca_certificate: ["Must be PEM encoded X.509 certificate."] });
    const upd = await api.patch(g.body.pulp_href, { description: "Release" });
    expect(upd.status).toBe(200);
    expect(upd.body.description).toBe("Release");
    const d = await api.create(DISTS, { name: "d", base_path: "g", content_guard: g.body.pulp_href });
    expect((await api.del(g.body.pulp_href)).status).toBe(204);
    expect((await api.get(d.pulp_href)).body.content_guard).toBeNull();
  });

  it("manages RBAC guard roles for users and groups (form bodies)", async () => {
    const guard = (await api.post(RBAC, { name: "development", description: "dev" }, true)).body;
    const user = await api.create("/pulp/api/v3/users/", { username: "alice", password: "pw" });
    expect(user).toMatchObject({ username: "alice", is_staff: false, is_active: true });
    expect(user).not.toHaveProperty("password");
    const group = await api.create("/pulp/api/v3/groups/", { name: "stackhpc-dev" });
    expect((await api.post(`${group.pulp_href}users/`, { username: "alice" })).status).toBe(201);
    expect((await api.get(`${group.pulp_href}users/`)).body.results.map((u: { username: string }) => u.username)).toEqual(["alice"]);
    const role = "core.rbaccontentguard_downloader";
    const add = await api.post(`${guard.pulp_href}add_role/`, { role, groups: ["stackhpc-dev"] }, true);
    expect(add.status).toBe(201);
    expect(add.body).toEqual({ role, users: [], groups: ["stackhpc-dev"] });
    expect((await api.post(`${guard.pulp_href}add_role/`, { role, groups: ["stackhpc-dev"] })).body).toEqual({
      non_field_errors: ["The role is already assigned to group 'stackhpc-dev'."],
    });
    expect((await api.get(`${guard.pulp_href}list_roles/`)).body).toEqual({ roles: [{ role, users: [], groups: ["stackhpc-dev"] }] });
    expect((await api.get(guard.pulp_href)).body.groups).toEqual([{ name: "stackhpc-dev", pulp_href: group.pulp_href, id: group.id }]);
    expect((await api.post(`${guard.pulp_href}remove_role/`, { role, users: ["alice"] })).body).toEqual({
      non_field_errors: ["The role is not assigned to user 'alice'."],
    });
    expect((await api.post(`${guard.pulp_href}remove_role/`, { role, groups: ["stackhpc-dev"] })).status).toBe(201);
    expect((await api.get(`${guard.pulp_href}list_roles/`)).body).toEqual({ roles: [] });
    expect((await api.get("/pulp/api/v3/groups/?name=stackhpc-dev")).body.count).toBe(1);
    expect((await api.get("/pulp/api/v3/users/?username=alice")).body.count).toBe(1);
    expect((await api.del(group.pulp_href)).status).toBe(204);
  });
});
