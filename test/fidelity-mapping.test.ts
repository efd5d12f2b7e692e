/** Unit cases of the replay harness: href mapping, response comparison, seeding choices. */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Api } from "./recordings/api";
import { checkClient, formatClientReport } from "./recordings/client-check";
import { compareResponse } from "./recordings/compare";
import { HrefMap } from "./recordings/href-map";
import type { Interaction, RecordingModule } from "./recordings/recordings";
import { groupModules, loadRecordings, segments } from "./recordings/recordings";
import { formatBreakdown, summarize } from "./recordings/report";
import { endpointOf, isReleaseTrainEndpoint, mention, replayInteraction } from "./recordings/replay";
import { type SeedContext, unseenObjects } from "./recordings/seed";
import { Upstreams } from "./recordings/upstreams";

const R = "/pulp/api/v3/repositories/rpm/rpm/11111111-1111-1111-1111-111111111111/";
const E = "/pulp/api/v3/repositories/rpm/rpm/22222222-2222-2222-2222-222222222222/";

describe("HrefMap", () => {
  it("translates learned hrefs, derived version hrefs and href query values", () => {
    const map = new HrefMap();
    map.learn({ pulp_href: R, latest_version_href: `${R}versions/1/` }, { pulp_href: E, latest_version_href: `${E}versions/2/` });
    expect(map.translate(R)).toBe(E);
    expect(map.translate(`${R}versions/1/`)).toBe(`${E}versions/2/`); // learned exactly
    expect(map.translate(`${R}versions/0/`)).toBe(`${E}versions/0/`); // derived from the prefix
    expect(map.translate("/pulp/api/v3/tasks/x/")).toBe("/pulp/api/v3/tasks/x/");
    expect(map.knows(`${R}sync/`)).toBe(true);
    expect(map.knows("/pulp/api/v3/tasks/x/")).toBe(false);
    const recorded = `/pulp/api/v3/publications/rpm/rpm/?limit=1&repository_version=${encodeURIComponent(`${R}versions/1/`)}`;
    expect(map.translatePath(recorded)).toBe(
      `/pulp/api/v3/publications/rpm/rpm/?limit=1&repository_version=${encodeURIComponent(`${E}versions/2/`)}`,
    );
    expect(map.translatePath(`${R}sync/`)).toBe(`${E}sync/`);
    expect(map.translateBody({ remote: R, names: [R, "x"], n: 1 })).toEqual({ remote: E, names: [E, "x"], n: 1 });
  });

  it("keeps the first sighting and does not learn from lock records or workers", () => {
    const map = new HrefMap();
    map.learn({ task: "/pulp/api/v3/tasks/a/" }, { task: "/pulp/api/v3/tasks/b/" });
    map.learn({ task: "/pulp/api/v3/tasks/a/" }, { task: "/pulp/api/v3/tasks/c/" });
    expect(map.get("/pulp/api/v3/tasks/a/")).toBe("/pulp/api/v3/tasks/b/");
    map.learn(
      { reserved_resources_record: ["/api/v3/distributions/"], worker: "/pulp/api/v3/workers/w/" },
      { reserved_resources_record: [E], worker: "/pulp/api/v3/workers/v/" },
    );
    expect(map.has("/api/v3/distributions/")).toBe(false);
    expect(map.has("/pulp/api/v3/workers/w/")).toBe(false);
  });
});

describe("compareResponse", () => {
  const ctx = () => {
    const hrefs = new HrefMap();
    hrefs.set(R, E);
    return { hrefs, urls: new Map([["https://fixtures.example/rpm/", "http://127.0.0.1:1/"]]) };
  };
  const repo = (href: string, extra: Record<string, unknown> = {}) => ({
    pulp_href: href,
    pulp_created: "2021-01-01T00:00:00Z",
    name: "r",
    description: null,
    latest_version_href: `${href}versions/1/`,
    ...extra,
  });

  it("accepts equivalent bodies with other ids, timestamps and extra fields", () => {
    const actual = { ...repo(E), pulp_created: "2026-01-01T00:00:00Z", newer_field: 1 };
    expect(compareResponse({ status: 200, body: repo(R) }, { status: 200, body: actual }, ctx())).toEqual([]);
  });

  it("reports status, missing fields, changed stable values and wrong hrefs", () => {
    const c = ctx();
    expect(compareResponse({ status: 201, body: repo(R) }, { status: 400, body: { name: ["x"] } }, c)[0]).toMatch(
      /^status 400 instead of 201/,
    );
    const { description: _, ...noDescription } = repo(E);
    expect(compareResponse({ status: 200, body: repo(R) }, { status: 200, body: noDescription }, c)).toEqual([
      "/description: missing",
    ]);
    expect(compareResponse({ status: 200, body: repo(R) }, { status: 200, body: repo(E, { name: "s" }) }, c)).toEqual([
      '/name: "s" instead of "r"',
    ]);
    const other = "/pulp/api/v3/repositories/rpm/rpm/33333333-3333-3333-3333-333333333333/";
    expect(compareResponse({ status: 200, body: repo(R) }, { status: 200, body: repo(other) }, c)).toHaveLength(2);
    // a field of another Pulp version that the emulated spec does not define may be absent
    const known = new Set(["pulp_href", "name", "latest_version_href", "pulp_created"]);
    expect(
      compareResponse({ status: 200, body: repo(R) }, { status: 200, body: noDescription }, { ...c, knownFields: known }),
    ).toEqual([]);
  });

  it("compares lists element-wise and URLs through the upstream rewrite", () => {
    const rec = { count: 1, next: null, previous: null, results: [{ name: "x", url: "https://fixtures.example/rpm/" }] };
    const ok = { count: 1, next: null, previous: null, results: [{ name: "x", url: "http://127.0.0.1:1/" }] };
    expect(compareResponse({ status: 200, body: rec }, { status: 200, body: ok }, ctx())).toEqual([]);
    const empty = { count: 0, next: null, previous: null, results: [] };
    expect(compareResponse({ status: 200, body: rec }, { status: 200, body: empty }, ctx())).toEqual([
      "/count: 0 instead of 1",
      "/results/0: expected an object, got undefined",
    ]);
  });

  it("compares final task states and created resources, not intermediate ones", () => {
    const task = (state: string, created: unknown[]) => ({ pulp_href: "/pulp/api/v3/tasks/t/", state, created_resources: created });
    const c = ctx();
    expect(
      compareResponse({ status: 200, body: task("running", [null]) }, { status: 200, body: task("completed", [`${E}versions/1/`]) }, c),
    ).toEqual([]);
    expect(
      compareResponse({ status: 200, body: task("completed", [`${R}versions/1/`]) }, { status: 200, body: task("completed", []) }, c),
    ).toHaveLength(1);
    expect(
      compareResponse({ status: 200, body: task("completed", []) }, { status: 200, body: task("failed", []) }, c),
    ).toEqual(['/state: "failed" instead of "completed"']);
    const finished = { ...task("completed", []), finished_at: "2023-01-01T00:00:00Z" };
    expect(
      compareResponse({ status: 200, body: finished }, { status: 200, body: { ...finished, finished_at: null } }, c),
    ).toEqual(['/finished_at: null instead of "2023-01-01T00:00:00Z"']);
    // while running, a finished emulator task is fine
    const running = { ...task("running", [null]), finished_at: null };
    expect(compareResponse({ status: 200, body: running }, { status: 200, body: finished }, c)).toEqual([]);
  });

  it("ignores the host of base_url and registry_path", () => {
    const rec = { base_url: "http://localhost:8080/pulp/content/p/", registry_path: "localhost:8080/p" };
    const act = { base_url: "http://127.0.0.1:4/pulp/content/p/", registry_path: "127.0.0.1:4/p" };
    expect(compareResponse({ status: 200, body: rec }, { status: 200, body: act }, ctx())).toEqual([]);
    const wrong = { base_url: "http://127.0.0.1:4/pulp/content/q/", registry_path: "127.0.0.1:4/p" };
    expect(compareResponse({ status: 200, body: rec }, { status: 200, body: wrong }, ctx())).toHaveLength(1);
  });
});

describe("recording structure", () => {
  it("splits a module where the recording run changes", () => {
    const f = (step: number, run?: string) => ({ name: `m-${step}`, module: "m", step, interactions: [], ...(run ? { run } : {}) });
    const module: RecordingModule = { module: "m", files: [f(0, "a"), f(1, "b"), f(2, "b")] };
    expect(segments(module).map((s) => s.map((x) => x.step))).toEqual([[0], [1, 2]]);
    expect(segments({ module: "m", files: [f(0), f(1)] })).toHaveLength(1);
  });

  it("loads any directory in the recordings format, with or without _index.json", () => {
    const dir = mkdtempSync(join(tmpdir(), "fidelity-recs-"));
    try {
      const one: Interaction = { method: "GET", path: "/pulp/api/v3/status/", requestBody: null, status: 200, responseBody: {} };
      writeFileSync(join(dir, "mod_a-10.json"), JSON.stringify([one, one]));
      writeFileSync(join(dir, "mod_a-2.json"), JSON.stringify([one]));
      writeFileSync(join(dir, "other-0.json"), JSON.stringify([one]));
      writeFileSync(join(dir, "notes.txt"), "ignored");
      let files = loadRecordings(dir);
      expect(groupModules(files).map((m) => [m.module, m.files.map((f) => f.step)])).toEqual([
        ["mod_a", [2, 10]],
        ["other", [0]],
      ]);
      expect(segments(groupModules(files)[0]!)).toHaveLength(1);
      writeFileSync(
        join(dir, "_index.json"),
        JSON.stringify({ cassettes: { "mod_a-2": { squeezer_commit: "aaaaaaa1" }, "mod_a-10": { squeezer_commit: "bbbbbbb" } } }),
      );
      files = loadRecordings(dir);
      expect(files).toHaveLength(3); // _index.json is not a recording
      expect(segments(groupModules(files)[0]!)).toHaveLength(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("counts client parse results per recorded response and lists failures", () => {
    const files = [
      {
        name: "m-0",
        module: "m",
        step: 0,
        interactions: [
          { method: "GET", path: "/pulp/api/v3/docs/api.json", requestBody: null, status: 200, responseBody: "<openapi spec omitted>" },
          { method: "GET", path: "/a/", requestBody: null, status: 200, responseBody: { n: 1 } },
          { method: "GET", path: "/a/", requestBody: null, status: 200, responseBody: { n: "x" } },
          { method: "GET", path: "/b/", requestBody: null, status: 200, responseBody: {} },
        ],
      },
    ];
    const numberN = {
      safeParse: (d: unknown) =>
        typeof (d as { n?: unknown }).n === "number"
          ? { success: true }
          : { success: false, error: { issues: [{ path: ["n"], message: "Expected number" }] } },
    };
    const report = checkClient(files, (_m, path) => (path === "/a/" ? numberN : undefined));
    expect(report).toMatchObject({ passed: 1, failed: 1, unmodelled: 2 });
    const lines = formatClientReport(report);
    expect(lines[0]).toBe("  m-0#2 GET /a/");
    expect(lines[1]).toContain("Expected number");
    expect(lines.at(-1)).toBe("client: 1 passed, 1 failed");
  });

  it("seeds only objects the recording has never mentioned", () => {
    const it: Interaction = {
      method: "GET",
      path: "/pulp/api/v3/repositories/rpm/rpm/?name=r",
      requestBody: null,
      status: 200,
      responseBody: { count: 2, results: [{ pulp_href: R }, { pulp_href: E }] },
    };
    const mentioned = new Set<string>();
    mention(mentioned, [{ task: "/pulp/api/v3/tasks/t/" }, `/pulp/api/v3/x/?repository=${encodeURIComponent(E)}`]);
    expect(mentioned).toEqual(new Set(["/pulp/api/v3/tasks/t/", "/pulp/api/v3/x/", E]));
    expect(unseenObjects(it, mentioned)).toEqual([{ pulp_href: R }]);
  });

  it("names endpoints and knows the release train's (guide §18)", () => {
    expect(endpointOf("GET", `${R}versions/3/?x=1`)).toBe("GET /pulp/api/v3/repositories/rpm/rpm/<id>/versions/<n>/");
    expect(isReleaseTrainEndpoint("POST", `${R}sync/`)).toBe(true);
    expect(isReleaseTrainEndpoint("GET", "/pulp/api/v3/contentguards/?name=x")).toBe(true);
    expect(isReleaseTrainEndpoint("POST", "/pulp/api/v3/repositories/file/file/")).toBe(false);
    expect(isReleaseTrainEndpoint("GET", "/pulp/api/v3/artifacts/?sha256=x")).toBe(false);
  });
});

/** A tiny Pulp-like server with its own ids, enough for remote create/find/patch/task. */
function fakePulp(ignorePatch: boolean) {
  const remotes = new Map<string, Record<string, unknown>>();
  const tasks = new Map<string, Record<string, unknown>>();
  const seen: string[] = [];
  const server: Server = createServer((req, res) => {
    let raw = "";
    req.on("data", (c) => {
      raw += c;
    });
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://x");
      seen.push(`${req.method} ${url.pathname}`);
      const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
      const send = (status: number, payload: unknown) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(payload));
      if (url.pathname === "/pulp/api/v3/remotes/rpm/rpm/" && req.method === "POST") {
        const href = `/pulp/api/v3/remotes/rpm/rpm/${randomUUID()}/`;
        remotes.set(href, { pulp_href: href, pulp_created: new Date().toISOString(), policy: "immediate", ...body });
        return send(201, remotes.get(href));
      }
      if (url.pathname === "/pulp/api/v3/remotes/rpm/rpm/") {
        const results = [...remotes.values()].filter((r) => r["name"] === url.searchParams.get("name"));
        return send(200, { count: results.length, next: null, previous: null, results });
      }
      const remote = remotes.get(url.pathname);
      if (remote && req.method === "PATCH") {
        if (!ignorePatch) Object.assign(remote, body);
        const href = `/pulp/api/v3/tasks/${randomUUID()}/`;
        tasks.set(href, { pulp_href: href, state: "completed", created_resources: [] });
        return send(202, { task: href });
      }
      if (remote) return send(200, remote);
      const task = tasks.get(url.pathname);
      if (task) return send(200, task);
      send(404, { detail: "Not found." });
    });
  });
  return { server, seen };
}

describe("replayInteraction against a server with its own ids", () => {
  const recordedRemote = "/pulp/api/v3/remotes/rpm/rpm/55712a46-fb77-4c0a-ab06-198702b5db39/";
  const recordedTask = "/pulp/api/v3/tasks/4abe83f7-94cf-40de-82d5-7c60211aafb3/";
  const remoteBody = { pulp_href: recordedRemote, pulp_created: "2021-11-11T14:30:38Z", name: "r", url: "http://u/", policy: "on_demand" };
  const recording: Interaction[] = [
    { method: "POST", path: "/pulp/api/v3/remotes/rpm/rpm/", requestBody: { name: "r", url: "http://u/" }, status: 201, responseBody: { ...remoteBody, policy: "immediate" } },
    { method: "PATCH", path: recordedRemote, requestBody: { policy: "on_demand" }, status: 202, responseBody: { task: recordedTask } },
    { method: "GET", path: recordedTask, requestBody: null, status: 200, responseBody: { pulp_href: recordedTask, state: "completed", created_resources: [] } },
    { method: "GET", path: "/pulp/api/v3/remotes/rpm/rpm/?name=r", requestBody: null, status: 200, responseBody: { count: 1, next: null, previous: null, results: [remoteBody] } },
  ];
  const upstreams = new Upstreams();
  const servers: Server[] = [];
  afterAll(async () => {
    await upstreams.stop();
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  });

  async function replay(ignorePatch: boolean) {
    const { server, seen } = fakePulp(ignorePatch);
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const ctx: SeedContext = {
      api: new Api(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, { username: "u", password: "p" }),
      hrefs: new HrefMap(),
      mentioned: new Set(),
      taskOrigins: new Map(),
      urls: new Map(),
      seeded: new Set(),
      upstreams,
    };
    const results = [];
    for (const [i, it] of recording.entries()) results.push(await replayInteraction(ctx, `fake-0#${i}`, it));
    return { results, seen, ctx };
  }

  it("sends the server's own hrefs and passes when it behaves like the recording", async () => {
    const { results, seen, ctx } = await replay(false);
    expect(results.map((r) => r.reasons)).toEqual([[], [], [], []]);
    const emulatorRemote = ctx.hrefs.get(recordedRemote)!;
    expect(emulatorRemote).not.toBe(recordedRemote);
    expect(seen).toContain(`PATCH ${emulatorRemote}`);
    expect(seen).toContain(`GET ${ctx.hrefs.get(recordedTask)}`);
    expect(summarize(results)).toMatchObject({ passed: 4, failed: 0, ok: true });
  });

  it("reports a diverging value with the endpoint it happened on", async () => {
    const { results } = await replay(true);
    expect(results[3]!.reasons).toEqual(['/results/0/policy: "immediate" instead of "on_demand"']);
    expect(summarize(results)).toMatchObject({ passed: 3, failed: 1, ok: false });
    expect(formatBreakdown(results)[0]).toBe("  GET /pulp/api/v3/remotes/rpm/rpm/: 1/1 failed [§18]");
  });
});
