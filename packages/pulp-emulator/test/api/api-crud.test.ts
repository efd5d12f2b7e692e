import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Emulator } from "../../src/index";
import { type Api, startApi } from "./helpers";

const R = "/pulp/api/v3/remotes/rpm/rpm/";
const REPOS = "/pulp/api/v3/repositories/rpm/rpm/";

describe("API: create/read/update/delete, bodies and errors", () => {
  let emu: Emulator;
  let api: Api;
  beforeEach(async () => {
    ({ emu, api } = await startApi());
  });
  afterEach(async () => {
    expect(api.violations).toEqual([]);
    await emu.stop();
  });

  it("creates a remote synchronously (201 + Location), hides secrets, updates and deletes via tasks", async () => {
    const r = await api.post(R, { name: "r1", url: "http://up.invalid/", password: "s3cret", proxy_url: "http://proxy:3128" });
    expect(r.status).toBe(201);
    expect(r.headers.get("location")).toBe(r.body.pulp_href);
    expect(r.body.pulp_href).toMatch(/^\/pulp\/api\/v3\/remotes\/rpm\/rpm\/[0-9a-f-]{36}\/$/);
    expect(r.body).not.toHaveProperty("password");
    expect(JSON.stringify(r.body)).not.toContain("s3cret");
    expect(r.body.hidden_fields).toContainEqual({ name: "password", is_set: true });
    expect(r.body.hidden_fields).toContainEqual({ name: "username", is_set: false });
    expect(r.body).toMatchObject({ policy: "immediate", tls_validation: true, sles_auth_token: null, headers: null });

    const upd = await api.patch(r.body.pulp_href, { policy: "on_demand", tls_validation: false });
    expect(upd.status).toBe(202);
    expect(Object.keys(upd.body)).toEqual(["task"]);
    const task = await api.wait(upd.body.task);
    expect(task).toMatchObject({ state: "completed", name: "pulpcore.app.tasks.base.general_update", created_resources: [] });
    expect(task.reserved_resources_record).toEqual([r.body.pulp_href]);
    const after = (await api.get(r.body.pulp_href)).body;
    expect(after).toMatchObject({ policy: "on_demand", tls_validation: false, proxy_url: "http://proxy:3128" });

    const del = await api.task("DELETE", r.body.pulp_href);
    expect(del.name).toBe("pulpcore.app.tasks.base.general_delete");
    expect((await api.get(r.body.pulp_href)).status).toBe(404);
  });

  it("rejects unknown fields, accepts explicit nulls and read-only fields", async () => {
    expect((await api.post(R, { name: "x", url: "http://u/", foo: 1 })).body).toEqual({ foo: ["Unexpected field"] });
    const ok = await api.post(REPOS, { name: "repo", description: null, remote: null, pulp_href: "/ignored/" });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ description: null, remote: null, retain_repo_versions: null, latest_version_href: `${ok.body.pulp_href}versions/0/` });
  });

  it("gives DRF-shaped 400s for missing, wrong-typed and invalid values and malformed JSON", async () => {
    expect((await api.post(R, {})).body).toEqual({ name: ["This field is required."], url: ["This field is required."] });
    const bad = await api.post(R, { name: 5, url: "http://u/", policy: "sometimes", download_concurrency: 0, tls_validation: "maybe", pulp_labels: "x" });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({
      policy: ['"sometimes" is not a valid choice.'],
      download_concurrency: ["Ensure this value is greater than or equal to 1."],
      tls_validation: ["Must be a valid boolean."],
      pulp_labels: ['Expected a dictionary of items but got type "str".'],
    });
    expect((await api.post(R, { name: "n", url: "" })).body).toEqual({ url: ["This field may not be blank."] });
    expect((await api.post(R, { name: "n", url: null })).body).toEqual({ url: ["This field may not be null."] });
    const malformed = await api.call("POST", R, undefined, { raw: "{nope" });
    expect(malformed.status).toBe(400);
    expect(malformed.body.detail).toMatch(/^JSON parse error/);
    expect((await api.call("POST", R, undefined, { raw: "[1]" })).body).toEqual({
      non_field_errors: ["Invalid data. Expected a dictionary, but got list."],
    });
    const badRef = await api.post(REPOS, { name: "r", remote: "/pulp/api/v3/remotes/rpm/rpm/00000000-0000-0000-0000-000000000000/" });
    expect(badRef.body).toEqual({ remote: ["Invalid hyperlink - Object does not exist."] });
    expect((await api.post(REPOS, { name: "r", remote: 7 })).body).toEqual({ remote: ["Incorrect type. Expected URL string, received int."] });
    expect((await api.post(REPOS, { name: "r", remote: "http://elsewhere/x/" })).body).toEqual({ remote: ["Invalid hyperlink - No URL match."] });
  });

  it("accepts form-urlencoded bodies with string coercion", async () => {
    const r = await api.post(R, { name: "form", url: "http://u/", tls_validation: "false", download_concurrency: "4", pulp_labels: '{"a":"b"}' }, true);
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ tls_validation: false, download_concurrency: 4, pulp_labels: { a: "b" } });
  });

  it("PUT requires the required fields and keeps unspecified ones", async () => {
    const r = (await api.post(R, { name: "put", url: "http://u/", policy: "on_demand" })).body;
    expect((await api.call("PUT", r.pulp_href, { url: "http://v/" })).body).toEqual({ name: ["This field is required."] });
    expect((await api.task("PUT", r.pulp_href, { name: "put", url: "http://v/" })).state).toBe("completed");
    expect((await api.get(r.pulp_href)).body).toMatchObject({ url: "http://v/", policy: "on_demand" });
  });

  it("enforces unique names", async () => {
    await api.create(REPOS, { name: "dup" });
    expect((await api.post(REPOS, { name: "dup" })).body).toEqual({ name: ["This field must be unique."] });
  });

  it("answers 401 without or with bad credentials, 404 and 405 with DRF bodies", async () => {
    const anon = await api.call("GET", REPOS, undefined, { auth: null });
    expect(anon.status).toBe(401);
    expect(anon.body).toEqual({ detail: "Authentication credentials were not provided." });
    expect(anon.headers.get("www-authenticate")).toBe('Basic realm="api"');
    const wrong = await api.call("GET", REPOS, undefined, { auth: "Basic " + Buffer.from("admin:nope").toString("base64") });
    expect(wrong.body).toEqual({ detail: "Invalid username/password." });
    expect((await api.call("GET", "/pulp/api/v3/status/", undefined, { auth: null })).status).toBe(200);
    expect((await api.get(`${REPOS}00000000-0000-0000-0000-000000000000/`)).body).toEqual({ detail: "Not found." });
    expect((await api.get("/pulp/api/v3/nothing-here/")).status).toBe(404);
    const push = await api.post("/pulp/api/v3/repositories/container/container-push/", { name: "p" });
    expect(push.status).toBe(405);
    expect(push.body).toEqual({ detail: 'Method "POST" not allowed.' });
  });

  it("serves status and the API docs with x-pulp-app-versions", async () => {
    const status = (await api.get("/pulp/api/v3/status/")).body;
    expect(status.versions).toContainEqual({ component: "rpm", version: "3.20.0", package: "pulp-rpm", domain_compatible: false });
    expect(status.content_settings).toEqual({ content_origin: emu.url, content_path_prefix: "/pulp/content/" });
    const docs = (await api.get("/pulp/api/v3/docs/api.json")).body;
    expect(docs.info["x-pulp-app-versions"]).toMatchObject({ core: "3.24.1", rpm: "3.20.0", deb: "2.20.2", container: "2.14.5", certguard: "1.6.4" });
  });

  it("deletes a repository via a task and cascades to distributions", async () => {
    const repo = await api.create(REPOS, { name: "gone" });
    const dist = await api.create("/pulp/api/v3/distributions/rpm/rpm/", { name: "d", base_path: "d", repository: repo.pulp_href });
    const t = await api.task("DELETE", repo.pulp_href);
    expect(t.state).toBe("completed");
    expect((await api.get(repo.pulp_href)).status).toBe(404);
    expect((await api.get(dist.pulp_href)).body.repository).toBeNull();
  });

  it("records every request in the request log", async () => {
    emu.requestLog.length = 0;
    await api.get(REPOS);
    await api.post(REPOS, { bogus: true });
    expect(emu.requestLog).toEqual([
      { method: "GET", path: REPOS, query: "", status: 200 },
      { method: "POST", path: REPOS, query: "", status: 400 },
    ]);
  });
});
