import { afterEach, describe, expect, it } from "vitest";
import type { Emulator } from "../../src/index";
import { fakeEngine } from "./fake-engine";
import { type Api, startApi } from "./helpers";

const REPOS = "/pulp/api/v3/repositories/rpm/rpm/";
const REMOTES = "/pulp/api/v3/remotes/rpm/rpm/";

describe("API tasks", () => {
  let emu: Emulator;
  let api: Api;
  afterEach(async () => {
    expect(api.violations).toEqual([]);
    await emu.stop();
  });

  /** Poll until the task reaches `state` (tasks start asynchronously; no fixed sleeps). */
  async function until(task: string, state: string) {
    for (let i = 0; i < 400; i++) {
      const t = (await api.get(task)).body;
      if (t.state === state) return t;
      await new Promise((r) => setTimeout(r, 5));
    }
    throw new Error(`${task} never reached ${state}`);
  }

  async function repoWithRemote() {
    const remote = await api.create(REMOTES, { name: `r-${Math.random()}`, url: "http://up.invalid/" });
    const repo = await api.create(REPOS, { name: `repo-${Math.random()}`, remote: remote.pulp_href });
    return { remote, repo };
  }

  it("moves waiting → running → completed over successive polls", async () => {
    ({ emu, api } = await startApi({ knobs: { taskPollsPerState: 2 }, engine: fakeEngine({ revision: "1", packages: ["a"] }) }));
    const { remote, repo } = await repoWithRemote();
    const { body } = await api.post(`${repo.pulp_href}sync/`, { remote: remote.pulp_href });
    const states: string[] = [];
    for (let i = 0; i < 20; i++) {
      const t = (await api.get(body.task)).body;
      states.push(t.state);
      if (t.state === "completed") {
        expect(t.created_resources).toEqual([`${repo.pulp_href}versions/1/`]);
        expect(t.reserved_resources_record).toEqual([repo.pulp_href, `shared:${remote.pulp_href}`]);
        expect(t.name).toBe("pulp_rpm.app.tasks.synchronizing.synchronize");
        expect(t.started_at <= t.finished_at).toBe(true);
        break;
      }
      expect(t.created_resources).toEqual([]);
      await new Promise((r) => setTimeout(r, 5));
    }
    const distinct = states.filter((s, i) => states[i - 1] !== s);
    expect(distinct).toEqual(["waiting", "running", "completed"]);
    expect(states.filter((s) => s === "waiting").length).toBeGreaterThanOrEqual(2);
  });

  it("runs tasks on one repository one at a time, other repositories in parallel", async () => {
    ({ emu, api } = await startApi({ knobs: { taskDurationMs: { sync: 1500 }, workers: 4 }, engine: fakeEngine({ revision: "1", packages: ["a"] }) }));
    const a = await repoWithRemote();
    const b = await repoWithRemote();
    const t1 = (await api.post(`${a.repo.pulp_href}sync/`, {})).body.task;
    const t2 = (await api.post(`${a.repo.pulp_href}sync/`, { optimize: false })).body.task;
    const t3 = (await api.post(`${b.repo.pulp_href}sync/`, {})).body.task;
    await until(t1, "running");
    await until(t3, "running");
    expect((await api.get(t2)).body.state).toBe("waiting");
    const [d1, d2] = [await api.wait(t1), await api.wait(t2)];
    expect(d2.started_at >= d1.finished_at).toBe(true);
    expect(d2.created_resources).toEqual([]);
  });

  it("honours the workers knob", async () => {
    ({ emu, api } = await startApi({ knobs: { taskDurationMs: { sync: 800 }, workers: 1 }, engine: fakeEngine({ revision: "1", packages: ["a"] }) }));
    const a = await repoWithRemote();
    const b = await repoWithRemote();
    const t1 = (await api.post(`${a.repo.pulp_href}sync/`, {})).body.task;
    const t2 = (await api.post(`${b.repo.pulp_href}sync/`, {})).body.task;
    await until(t1, "running");
    expect((await api.get(t2)).body.state).toBe("waiting");
    await api.wait(t2);
    expect((await api.get(t1)).body.state).toBe("completed");
  });

  it("cancels a running task (200 canceling → canceled), 409 for finished tasks, 400 for other states", async () => {
    ({ emu, api } = await startApi({ knobs: { taskDurationMs: { sync: 5_000 } }, engine: fakeEngine({ revision: "1", packages: ["a"] }) }));
    const { repo } = await repoWithRemote();
    const task = (await api.post(`${repo.pulp_href}sync/`, {})).body.task;
    await until(task, "running");
    expect((await api.del(task)).status).toBe(409);
    expect((await api.patch(task, { state: "completed" })).body).toEqual({ state: ["The only acceptable value for 'state' is 'canceled'."] });
    const cancel = await api.patch(task, { state: "canceled", name: "ignored extra field" });
    expect(cancel.status).toBe(200);
    expect(cancel.body.state).toBe("canceling");
    const done = await api.wait(task);
    expect(done.state).toBe("canceled");
    expect(done.finished_at).not.toBeNull();
    expect((await api.get(`${repo.pulp_href}versions/1/`)).status).toBe(404);
    const again = await api.patch(task, { state: "canceled" });
    expect(again.status).toBe(409);
    expect(again.body.state).toBe("canceled");
    expect((await api.del(task)).status).toBe(204);
    expect((await api.get(task)).status).toBe(404);
  });

  it("fails tasks on injected failures with Pulp's error shape", async () => {
    ({ emu, api } = await startApi({ knobs: { taskFailureRate: 1 } }));
    const repo = await api.create(REPOS, { name: "x" });
    const t = await api.task("PATCH", repo.pulp_href, { description: "changed" });
    expect(t.state).toBe("failed");
    expect(t.error.description).toMatch(/Injected task failure/);
    expect(typeof t.error.traceback).toBe("string");
    expect((await api.get(repo.pulp_href)).body.description).toBeNull();
  });

  it("lists tasks newest first with state/name/reserved resource filters and purges finished ones", async () => {
    ({ emu, api } = await startApi());
    const repo = await api.create(REPOS, { name: "x" });
    await api.task("PATCH", repo.pulp_href, { description: "one" });
    await api.task("PATCH", repo.pulp_href, { description: "two" });
    const list = (await api.get("/pulp/api/v3/tasks/?state=completed&name=pulpcore.app.tasks.base.general_update")).body;
    expect(list.count).toBe(2);
    expect(list.results[0].pulp_created >= list.results[1].pulp_created).toBe(true);
    const byRes = await api.get(`/pulp/api/v3/tasks/?reserved_resources_record=${encodeURIComponent(repo.pulp_href)}`);
    expect(byRes.body.count).toBe(2);
    expect((await api.get("/pulp/api/v3/tasks/?state__in=failed,canceled")).body.count).toBe(0);
    expect((await api.get("/pulp/api/v3/tasks/?bogus=1")).status).toBe(400);
    const purge = await api.task("POST", "/pulp/api/v3/tasks/purge/", { finished_before: new Date(Date.now() + 60_000).toISOString() });
    expect(purge.state).toBe("completed");
    expect((await api.get("/pulp/api/v3/tasks/?name=pulpcore.app.tasks.base.general_update")).body.count).toBe(0);
    expect((await api.post("/pulp/api/v3/tasks/purge/", { states: ["running"] })).status).toBe(400);
  });
});
