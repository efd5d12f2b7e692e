/**
 * Recordings from an older Pulp (3.14-era shapes, guide §16 and the rec314 notes) and broken
 * recording files: the harness must report, never crash, and the emulator must answer the legacy
 * calls the way the Pulp it emulates (3.24) does.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Api } from "./recordings/api";
import { compareResponse } from "./recordings/compare";
import { loadStartEmulator } from "./recordings/emulator";
import { HrefMap } from "./recordings/href-map";
import { groupModules, loadRecordings, segments } from "./recordings/recordings";
import { type InteractionResult, replayModule, type StartEmulator } from "./recordings/replay";
import { Upstreams } from "./recordings/upstreams";

const V3 = "/pulp/api/v3";
const SPEC = { method: "GET", path: `${V3}/docs/api.json`, requestBody: null, status: 200, responseBody: "<openapi spec omitted>" };
const REMOTE = `${V3}/remotes/rpm/rpm/0b7e5a4e-2c61-4c1f-9d0e-8d6f7a1b2c3d/`;
const REPO = `${V3}/repositories/rpm/rpm/5f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f/`;
const DEB_REMOTE = `${V3}/remotes/deb/apt/6a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/`;
const DEB_REPO = `${V3}/repositories/deb/apt/7b2c3d4e-5f6a-4b7c-9d8e-0f1a2b3c4d5e/`;
const ARTIFACT = `${V3}/artifacts/8c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f/`;
const GUARD = `${V3}/contentguards/container/content_redirect/9d4e5f6a-7b8c-4d9e-8f0a-2b3c4d5e6f70/`;
const UNKNOWN_SHA = "ab".repeat(32);
const PULP_SHA = "9a09346843b8532b895e61f9d9df434ff2f8592b31bfbea72ed09cc97cbe33ee";
/** A UUIDv4-shaped task href from a short hex id. */
const task = (id: string) => `${V3}/tasks/00000000-0000-4000-8000-${id.padStart(12, "0")}/`;
const page = (results: unknown[]) => ({ count: results.length, next: null, previous: null, results });

/** A 3.14 task body: base fields only (no created_by, unblocked_at…). */
function task314(href: string, state: string, name: string, created: string[], finished: boolean) {
  return {
    pulp_href: href,
    pulp_created: "2021-07-22T17:20:43.498810Z",
    state,
    name,
    logging_cid: "961eb726a20f4e6499f39c9d69950a4c",
    started_at: "2021-07-22T17:20:43.557852Z",
    finished_at: finished ? "2021-07-22T17:20:43.663429Z" : null,
    error: null,
    worker: `${V3}/workers/30d32cf9-3d5a-4c76-b1dd-819457773527/`,
    parent_task: null,
    child_tasks: [],
    task_group: null,
    progress_reports: [],
    created_resources: created,
    reserved_resources_record: [],
  };
}

const rpmRemote314 = {
  pulp_href: REMOTE,
  pulp_created: "2021-07-22T17:19:40.001735Z",
  name: "test_rpm_remote",
  url: "https://fixtures.pulpproject.org/rpm-unsigned/",
  ca_cert: null,
  client_cert: null,
  tls_validation: true,
  proxy_url: null,
  pulp_labels: {},
  pulp_last_updated: "2021-07-22T17:19:40.001750Z",
  download_concurrency: null,
  max_retries: null,
  policy: "immediate",
  total_timeout: null,
  connect_timeout: null,
  sock_connect_timeout: null,
  sock_read_timeout: null,
  headers: null,
  rate_limit: null,
  sles_auth_token: null,
};

const rpmRepo314 = (href: string, name: string, version: number, retained: number | null) => ({
  pulp_href: href,
  pulp_created: "2021-07-22T17:20:41.185144Z",
  versions_href: `${href}versions/`,
  pulp_labels: {},
  latest_version_href: `${href}versions/${version}/`,
  name,
  description: null,
  retained_versions: retained,
  remote: null,
  autopublish: false,
  metadata_signing_service: null,
  retain_package_versions: 0,
  metadata_checksum_type: null,
  package_checksum_type: null,
  gpgcheck: 0,
  repo_gpgcheck: 0,
  sqlite_metadata: false,
});

const SYNC_TASK = "pulp_rpm.app.tasks.synchronizing.synchronize";
const CANCEL_TASK = task("1e2f3a4b-5c6d-4e7f-8a9b-0c1d2e3f4a5b");

/** Synthetic recordings named like the real ones (`<module>-<n>.json`), no `_index.json`. */
const RECORDINGS: Record<string, unknown> = {
  // Deprecated since 3.14, still there in 3.24 (rec314:delete_orphans-0#1).
  "delete_orphans-0": [
    SPEC,
    { method: "DELETE", path: `${V3}/orphans/`, requestBody: null, status: 202, responseBody: { task: task("a1") } },
    {
      method: "GET",
      path: task("a1"),
      requestBody: null,
      status: 200,
      responseBody: task314(task("a1"), "completed", "pulpcore.app.tasks.orphan.orphan_cleanup", [], true),
    },
  ],
  // rpm 3.13: the sync body has only `mirror` (rec314:rpm_sync-0); both options → 400 since rpm 3.16.
  "rpm_sync-0": [
    SPEC,
    { method: "GET", path: `${V3}/remotes/rpm/rpm/?name=test_rpm_remote&offset=0&limit=1`, requestBody: null, status: 200, responseBody: page([rpmRemote314]) },
    {
      method: "GET",
      path: `${V3}/repositories/rpm/rpm/?name=test_rpm_repository&offset=0&limit=1`,
      requestBody: null,
      status: 200,
      responseBody: page([rpmRepo314(REPO, "test_rpm_repository", 0, null)]),
    },
    { method: "POST", path: `${REPO}sync/`, requestBody: { remote: REMOTE, mirror: false }, status: 202, responseBody: { task: task("b1") } },
    { method: "GET", path: task("b1"), requestBody: null, status: 200, responseBody: task314(task("b1"), "completed", SYNC_TASK, [`${REPO}versions/1/`], true) },
    {
      method: "POST",
      path: `${REPO}sync/`,
      requestBody: { remote: REMOTE, mirror: true, sync_policy: "mirror_complete" },
      status: 400,
      responseBody: {
        non_field_errors: [
          "Cannot use 'mirror' and 'sync_policy' options simultaneously. The 'mirror' option is deprecated, please use 'sync_policy' only.",
        ],
      },
    },
  ],
  // core 3.14: `retained_versions` (renamed `retain_repo_versions` in 3.15).
  "rpm_repository-0": [
    SPEC,
    {
      method: "POST",
      path: `${V3}/repositories/rpm/rpm/`,
      requestBody: { name: "test_retained", retained_versions: 2 },
      status: 201,
      responseBody: rpmRepo314(`${V3}/repositories/rpm/rpm/2a3b4c5d-6e7f-4a8b-9c0d-1e2f3a4b5c6d/`, "test_retained", 0, 2),
    },
  ],
  // deb 2.13: plain RepositorySyncURL {remote, mirror}.
  "deb_sync-0": [
    {
      method: "GET",
      path: `${V3}/remotes/deb/apt/?name=test_deb_remote&offset=0&limit=1`,
      requestBody: null,
      status: 200,
      responseBody: page([
        { ...rpmRemote314, pulp_href: DEB_REMOTE, name: "test_deb_remote", url: "https://fixtures.pulpproject.org/debian/", distributions: "ragnarok", components: null, architectures: null, sync_sources: false, sync_udebs: false, sync_installer: false, gpgkey: null, ignore_missing_package_indices: false, sles_auth_token: undefined },
      ]),
    },
    {
      method: "GET",
      path: `${V3}/repositories/deb/apt/?name=test_deb_repository&offset=0&limit=1`,
      requestBody: null,
      status: 200,
      responseBody: page([{ pulp_href: DEB_REPO, versions_href: `${DEB_REPO}versions/`, latest_version_href: `${DEB_REPO}versions/0/`, name: "test_deb_repository", description: null, retained_versions: null, pulp_labels: {} }]),
    },
    { method: "POST", path: `${DEB_REPO}sync/`, requestBody: { remote: DEB_REMOTE, mirror: true }, status: 202, responseBody: { task: task("c1") } },
    {
      method: "GET",
      path: task("c1"),
      requestBody: null,
      status: 200,
      responseBody: task314(task("c1"), "completed", "pulp_deb.app.tasks.synchronizing.synchronize", [`${DEB_REPO}versions/1/`], true),
    },
  ],
  // The 3.14-era squeezer PATCHed the whole task (rec314:task-2#1); 3.14 left finished_at null.
  "task-0": [
    { method: "GET", path: CANCEL_TASK, requestBody: null, status: 200, responseBody: task314(CANCEL_TASK, "running", SYNC_TASK, [], false) },
    {
      method: "PATCH",
      path: CANCEL_TASK,
      requestBody: { ...task314(CANCEL_TASK, "running", SYNC_TASK, [], false), state: "canceled" },
      status: 200,
      responseBody: task314(CANCEL_TASK, "canceling", SYNC_TASK, [], false),
    },
    { method: "GET", path: CANCEL_TASK, requestBody: null, status: 200, responseBody: task314(CANCEL_TASK, "canceled", SYNC_TASK, [], false) },
  ],
  // container ≤2.8 guard path (rec315): gone in 3.24.
  "container_distribution-0": [
    {
      method: "GET",
      path: `${V3}/contentguards/container/content_redirect/?name=content%20redirect&offset=0&limit=1`,
      requestBody: null,
      status: 200,
      responseBody: page([{ pulp_href: GUARD, pulp_created: "2021-09-17T10:00:00Z", name: "content redirect", description: null }]),
    },
  ],
  // An artifact whose bytes are unknown: a stand-in is uploaded and the checksum translated.
  "artifact-0": [
    {
      method: "GET",
      path: `${V3}/artifacts/?sha256=${UNKNOWN_SHA}&offset=0&limit=1`,
      requestBody: null,
      status: 200,
      responseBody: page([{ pulp_href: ARTIFACT, pulp_created: "2021-07-22T17:19:40Z", file: `artifact/ab/${UNKNOWN_SHA.slice(2)}`, size: 3, md5: null, sha1: null, sha224: null, sha256: UNKNOWN_SHA, sha384: null, sha512: null }]),
    },
    { method: "GET", path: `${V3}/artifacts/?sha256=${UNKNOWN_SHA}&offset=0&limit=1`, requestBody: null, status: 200, responseBody: page([{ pulp_href: ARTIFACT, sha256: UNKNOWN_SHA }]) },
  ],
  // squeezer's artifact module uploads multipart (recorded body: null); the bytes are "pulp\n".
  "artifact_upload-0": [
    { method: "POST", path: `${V3}/artifacts/`, requestBody: null, status: 201, responseBody: { pulp_href: ARTIFACT, sha256: PULP_SHA, size: 5 } },
    { method: "GET", path: `${V3}/artifacts/?sha256=${PULP_SHA}&offset=0&limit=1`, requestBody: null, status: 200, responseBody: page([{ pulp_href: ARTIFACT, sha256: PULP_SHA, size: 5 }]) },
    {
      method: "POST",
      path: `${V3}/content/file/files/`,
      requestBody: { relative_path: "data/file1.txt", artifact: ARTIFACT },
      status: 202,
      responseBody: { task: task("d1") },
    },
    {
      method: "GET",
      path: task("d1"),
      requestBody: null,
      status: 200,
      responseBody: task314(task("d1"), "completed", "pulpcore.app.tasks.base.general_create", [`${V3}/content/file/files/0e1f2a3b-4c5d-4e6f-8a7b-9c0d1e2f3a4b/`], true),
    },
  ],
  // Unknown module, odd entries, and a 3.14 status body (versions items are only {component, version}).
  oddities: [
    42,
    { method: "GET" },
    { method: "GET", path: `${V3}/status/`, requestBody: null, status: 200, responseBody: { versions: [{ component: "core", version: "3.14.2" }], online_workers: [], online_content_apps: [], database_connection: { connected: true }, redis_connection: { connected: true } } },
  ],
  "not_a_list-0": { method: "GET", path: `${V3}/status/` },
};

describe("fidelity: recordings from an older Pulp and broken recording files", () => {
  let dir: string;
  let start: StartEmulator | undefined;
  const upstreams = new Upstreams();

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "fidelity-older-"));
    for (const [name, content] of Object.entries(RECORDINGS)) await writeFile(join(dir, `${name}.json`), JSON.stringify(content));
    await writeFile(join(dir, "broken-0.json"), '[{"method": "GET", "path": "/pulp/api/v3/status/"'); // truncated
    start = await loadStartEmulator();
  });
  afterAll(async () => {
    await upstreams.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("loads every file; unreadable files and odd entries are marked, not thrown", () => {
    const files = loadRecordings(dir);
    const byName = new Map(files.map((f) => [f.name, f]));
    expect(byName.get("broken-0")?.unreadable).toMatch(/not readable as JSON/);
    expect(byName.get("not_a_list-0")?.unreadable).toMatch(/expected an array/);
    const odd = byName.get("oddities")!;
    expect(odd.module).toBe("oddities");
    expect(odd.interactions.map((i) => i.invalid ?? "ok")).toEqual([
      "expected an interaction object, got number",
      "unexpected interaction shape: no absolute path, no numeric status",
      "ok",
    ]);
  });

  it("without _index.json, steps of one module recorded months apart are replayed separately", async () => {
    const mixed = await mkdtemp(join(tmpdir(), "fidelity-runs-"));
    try {
      const status = (at: string) => [
        { method: "GET", path: `${V3}/status/`, requestBody: null, status: 200, responseBody: { online_workers: [{ last_heartbeat: at }] } },
      ];
      await writeFile(join(mixed, "m-0.json"), JSON.stringify(status("2021-07-22T17:20:43.498810Z")));
      await writeFile(join(mixed, "m-1.json"), JSON.stringify(status("2024-01-11T15:06:32.691000Z")));
      await writeFile(join(mixed, "m-2.json"), JSON.stringify(status("2024-01-11T15:09:02.100000Z")));
      await writeFile(join(mixed, "m-3.json"), JSON.stringify([{ method: "DELETE", path: `${V3}/x/`, requestBody: null, status: 204, responseBody: null }]));
      const [module] = groupModules(loadRecordings(mixed));
      expect(segments(module!).map((s) => s.map((f) => f.name))).toEqual([["m-0"], ["m-1", "m-2", "m-3"]]);
    } finally {
      await rm(mixed, { recursive: true, force: true });
    }
  });

  it("replays the legacy calls as Pulp 3.24 answers them and reports the differences", async () => {
    expect(start, "@release-train/pulp-emulator exports startEmulator").toBeDefined();
    const results: InteractionResult[] = [];
    for (const module of groupModules(loadRecordings(dir))) results.push(...(await replayModule(module, { start: start!, upstreams })));
    const at = (where: string) => {
      const r = results.find((x) => x.where === where);
      expect(r, where).toBeDefined();
      return r!;
    };
    const passes = (where: string) => expect(at(where).reasons, where).toEqual([]);

    // DELETE /orphans/ → 202 and a completed orphan_cleanup task.
    passes("delete_orphans-0#1");
    passes("delete_orphans-0#2");
    // rpm sync with `mirror` only → additive sync creating version 1; `mirror` + `sync_policy` → 400.
    passes("rpm_sync-0#3");
    passes("rpm_sync-0#4");
    passes("rpm_sync-0#5");
    // retained_versions is sent under its 3.24 name: the repository is created.
    passes("rpm_repository-0#1");
    expect(at("rpm_repository-0#1").notes).toEqual(["sent retained_versions as retain_repo_versions (renamed since the recording's Pulp)"]);
    // deb sync body without the newer fields.
    passes("deb_sync-0#2");
    passes("deb_sync-0#3");
    // Cancel with the whole task as body: extra keys ignored → 200, then canceled (3.24 also sets
    // finished_at, which 3.14 left null: a documented difference, not compared).
    passes("task-0#1");
    passes("task-0#2");
    // The container ≤2.8 guard path is 404 now: reported, with the seeding it would need.
    expect(at("container_distribution-0#0").reasons.join("\n")).toMatch(/status 404 instead of 200/);
    // Unknown artifact bytes: stand-in uploaded, its checksum used in later queries.
    passes("artifact-0#0");
    passes("artifact-0#1");
    // A recorded multipart upload: the bytes are rebuilt and really uploaded, then used.
    for (const i of [0, 1, 2, 3]) passes(`artifact_upload-0#${i}`);
    expect(at("artifact_upload-0#0").notes).toEqual(["uploaded the recorded artifact's bytes (multipart bodies are not recorded)"]);
    // Broken files and entries: one failure each, with the reason.
    expect(at("broken-0").reasons[0]).toMatch(/^unreadable recording: not readable as JSON/);
    expect(at("not_a_list-0").reasons[0]).toMatch(/^unreadable recording: expected an array/);
    expect(at("oddities#0").reasons).toEqual(["expected an interaction object, got number"]);
    expect(at("oddities#1").ok).toBe(false);
    passes("oddities#2");
  }, 120_000);

  it("compares across documented version differences, and only those", () => {
    const ctx = { hrefs: new HrefMap(), urls: new Map<string, string>() };
    const ok = (status: number, body: unknown) => ({ status, body });
    // container ≤2.8 guard href vs the core one it became.
    const oldGuard = { content_guard: GUARD };
    const coreGuard = { content_guard: `${V3}/contentguards/core/content_redirect/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/` };
    expect(compareResponse(ok(200, oldGuard), ok(200, coreGuard), ctx)).toEqual([]);
    const x509 = { content_guard: `${V3}/contentguards/certguard/x509/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/` };
    expect(compareResponse(ok(200, oldGuard), ok(200, x509), ctx)).toHaveLength(1);
    // finished_at null on a canceled task (3.14) vs set (3.16+); not for a completed one.
    const canceled = task314(CANCEL_TASK, "canceled", SYNC_TASK, [], false);
    expect(compareResponse(ok(200, canceled), ok(200, { ...canceled, finished_at: "2026-01-01T00:00:00Z" }), ctx)).toEqual([]);
    const completed = task314(CANCEL_TASK, "completed", SYNC_TASK, [], false);
    expect(compareResponse(ok(200, completed), ok(200, { ...completed, finished_at: "2026-01-01T00:00:00Z" }), ctx)).toHaveLength(1);
  });

  it("the emulator answers legacy requests like 3.24", async () => {
    const emulator = await start!();
    try {
      const api = new Api(emulator.url, { username: "admin", password: "password" });
      const created = await api.request("POST", `${V3}/repositories/rpm/rpm/`, { name: "legacy", retained_versions: 2 });
      expect(created).toEqual({ status: 400, body: { retained_versions: ["Unexpected field"] } });
      const orphans = await api.request("DELETE", `${V3}/orphans/`);
      expect(orphans.status).toBe(202);
      expect((await api.pollTask((orphans.body as { task: string }).task)).body).toMatchObject({ state: "completed" });
      expect((await api.request("GET", `${V3}/contentguards/container/content_redirect/`)).status).toBe(404);

      const rpm = await upstreams.get("rpm");
      const remote = (await api.request("POST", `${V3}/remotes/rpm/rpm/`, { name: "legacy", url: rpm.url })).body as { pulp_href: string };
      const repo = (await api.request("POST", `${V3}/repositories/rpm/rpm/`, { name: "legacy" })).body as { pulp_href: string };
      const both = await api.request("POST", `${repo.pulp_href}sync/`, { remote: remote.pulp_href, mirror: true, sync_policy: "additive" });
      expect(both.status).toBe(400);
      // `mirror: true` alone is mirror_complete: version 1 plus the mirrored publication.
      const mirrored = await api.request("POST", `${repo.pulp_href}sync/`, { remote: remote.pulp_href, mirror: true });
      const done = (await api.pollTask((mirrored.body as { task: string }).task)).body as { state: string; created_resources: string[] };
      expect(done.state).toBe("completed");
      expect(done.created_resources).toEqual([`${repo.pulp_href}versions/1/`, expect.stringMatching(/^\/pulp\/api\/v3\/publications\/rpm\/rpm\//)]);
    } finally {
      await emulator.stop();
    }
  }, 60_000);

  it("`pnpm test:recordings` on that directory prints its summary and exits 1, not 2", async () => {
    const run = promisify(execFile)("node_modules/.bin/tsx", ["test/recordings/main.ts"], {
      env: { ...process.env, PULP_RECORDINGS_DIR: dir },
      timeout: 120_000,
    });
    const failure = await run.then(
      () => undefined,
      (e: { code?: number; stdout?: string }) => e,
    );
    expect(failure?.code).toBe(1); // below the pass rate: reported, not crashed (2)
    expect(failure?.stdout).toMatch(/^emulator: \d+ passed, \d+ failed$/m);
    expect(failure?.stdout).toMatch(/unreadable recording/);
  }, 150_000);
});
