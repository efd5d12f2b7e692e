import { afterEach, describe, expect, it } from "vitest";
import { asHref, PulpClient, PulpTaskError, PulpTimeoutError, type TaskHref } from "../src/index";
import { json, type LocalServer, startServer } from "./support/local-server";

let server: LocalServer | undefined;
let client: PulpClient | undefined;
afterEach(async () => {
  await client?.close();
  await server?.close();
  client = server = undefined;
});

const task = (id: string, state: string, extra: Record<string, unknown> = {}) => ({
  pulp_href: `/pulp/api/v3/tasks/${id}/`,
  pulp_created: "2024-01-01T00:00:00Z",
  state,
  name: "pulp_rpm.app.tasks.synchronizing.synchronize",
  logging_cid: "abc",
  started_at: null,
  finished_at: null,
  error: null,
  worker: null,
  parent_task: null,
  child_tasks: [],
  task_group: null,
  progress_reports: [],
  created_resources: state === "completed" ? [`/pulp/api/v3/repositories/rpm/rpm/1/versions/${id}/`] : [null],
  reserved_resources_record: [],
  ...extra,
});

/** Tasks `<id>` become final after `<polls>` GETs: ids look like `ok-3`, `fail-2`, `cancel-1`, `never-0`. */
async function taskServer() {
  const polls = new Map<string, number>();
  return startServer((req, res) => {
    const syncMatch = /repositories\/rpm\/rpm\/1\/sync\/$/.exec(req.url);
    if (req.method === "POST" && syncMatch) {
      const id = (req.body as { remote: string }).remote.split("/").at(-2)!;
      return json(res, 202, { task: `/pulp/api/v3/tasks/${id}/` });
    }
    const id = /tasks\/([^/]+)\/$/.exec(req.url)?.[1] ?? "";
    const n = (polls.get(id) ?? 0) + 1;
    polls.set(id, n);
    const [kind, after] = id.split("-") as [string, string];
    if (kind === "never" || n < Number(after)) return json(res, 200, task(id, n === 1 ? "waiting" : "running"));
    if (kind === "fail")
      return json(res, 200, task(id, "failed", { error: { description: "Could not fetch repomd.xml", traceback: "…" } }));
    if (kind === "cancel") return json(res, 200, task(id, "canceled"));
    return json(res, 200, task(id, "completed"));
  });
}

const remote = (id: string) => asHref<never>(`/pulp/api/v3/remotes/rpm/rpm/${id}/`);
const repoHref = asHref<never>("/pulp/api/v3/repositories/rpm/rpm/1/");

describe("task waiting", () => {
  it("polls with backoff until completed and returns created resources", async () => {
    server = await taskServer();
    client = new PulpClient({ baseUrl: server.url });
    const handle = await client.repositories.rpm.sync(repoHref, { remote: remote("ok-4"), sync_policy: "mirror_complete" });
    expect(handle.href).toBe("/pulp/api/v3/tasks/ok-4/");
    const started = Date.now();
    const states: string[] = [];
    const done = await handle.wait({ pollMinMs: 20, pollMaxMs: 60, onPoll: (t) => states.push(t.state) });
    expect(done.state).toBe("completed");
    expect(done.created_resources).toEqual(["/pulp/api/v3/repositories/rpm/rpm/1/versions/ok-4/"]);
    expect(states).toEqual(["waiting", "running", "running", "completed"]);
    // 20 + 40 + 60 ms of backoff between the four polls.
    expect(Date.now() - started).toBeGreaterThanOrEqual(115);
  });

  it("failed and canceled tasks raise PulpTaskError with Pulp's description", async () => {
    server = await taskServer();
    client = new PulpClient({ baseUrl: server.url });
    const failed = await client.tasks.wait(asHref<TaskHref>("/pulp/api/v3/tasks/fail-2/"), { pollMinMs: 5 }).catch((e) => e);
    expect(failed).toBeInstanceOf(PulpTaskError);
    expect(failed).toMatchObject({ state: "failed", description: "Could not fetch repomd.xml" });
    expect(failed.message).toBe("Task /pulp/api/v3/tasks/fail-2/ failed: Could not fetch repomd.xml");
    await expect(client.tasks.wait(asHref<TaskHref>("/pulp/api/v3/tasks/cancel-1/"))).rejects.toMatchObject({
      name: "PulpTaskError",
      state: "canceled",
    });
  });

  it("redacts credentials Pulp quotes in a failed task's error", async () => {
    const description = "Cannot connect to https://mirror:s3cret@upstream.example/rpm/repodata/repomd.xml";
    server = await startServer((_req, res) =>
      json(res, 200, task("leak", "failed", { error: { description, traceback: `raise ... ${description}` } })),
    );
    client = new PulpClient({ baseUrl: server.url });
    const err = await client.tasks.wait(asHref<TaskHref>("/pulp/api/v3/tasks/leak/")).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PulpTaskError);
    const failed = err as PulpTaskError;
    expect(failed.description).toBe("Cannot connect to https://<redacted>@upstream.example/rpm/repodata/repomd.xml");
    expect(failed.message).toContain(failed.description);
    expect(JSON.stringify(failed.task)).toContain("https://<redacted>@upstream.example/");
    expect(JSON.stringify([failed.message, failed.description, failed.task])).not.toContain("s3cret");
  });

  it("times out with PulpTimeoutError naming the last state", async () => {
    server = await taskServer();
    client = new PulpClient({ baseUrl: server.url });
    const err = await client.tasks
      .wait(asHref<TaskHref>("/pulp/api/v3/tasks/never-0/"), { timeoutMs: 200, pollMinMs: 20, pollMaxMs: 40 })
      .catch((e) => e);
    expect(err).toBeInstanceOf(PulpTimeoutError);
    expect(err.message).toMatch(/not finished after 200 ms \(last state: running\)/);
  });

  it("stops waiting when the signal aborts", async () => {
    server = await taskServer();
    client = new PulpClient({ baseUrl: server.url });
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error("shutdown")), 80);
    await expect(
      client.tasks.wait(asHref<TaskHref>("/pulp/api/v3/tasks/never-0/"), { signal: ac.signal, pollMinMs: 20 }),
    ).rejects.toThrow("shutdown");
    const polls = server.requests.length;
    await new Promise((r) => setTimeout(r, 100));
    expect(server.requests.length).toBe(polls);
  });

  it("dispatches many tasks and waits for all of them later", async () => {
    server = await taskServer();
    client = new PulpClient({ baseUrl: server.url });
    const handles = await Promise.all(
      ["ok-1", "ok-3", "ok-2"].map((id) => client!.repositories.rpm.sync(repoHref, { remote: remote(id) })),
    );
    const tasks = await client.tasks.waitAll(handles, { pollMinMs: 5 });
    expect(tasks.map((t) => t.pulp_href)).toEqual(handles.map((h) => h.href));
    // One failure: every task is still awaited, then the failure is raised.
    const mixed = await Promise.all(
      ["fail-1", "slow-3"].map((id) => client!.repositories.rpm.sync(repoHref, { remote: remote(id) })),
    );
    const before = server.requests.length;
    await expect(client.tasks.waitAll(mixed, { pollMinMs: 5 })).rejects.toBeInstanceOf(PulpTaskError);
    expect(server.requests.length - before).toBe(1 + 3);
  });
});
