// The shared engine on its own: task runner (re-attach, reuse, lost dispatches, retries), bounded
// keep-going apply with step-named failures, live/plain reporting, summary writing.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PulpConnectionError, PulpHttpError } from "@release-train/pulp-client";
import { afterEach, describe, expect, it } from "vitest";
import {
  applyItems,
  consoleReporter,
  type ItemResult,
  StateFile,
  type TaskRecord,
  TaskRunner,
  TaskWatcher,
  writeSummary,
} from "../src/engine";

/** Pulp's task table: tasks complete (or fail) when listed; dispatches may lose their answer. */
function fakePulp() {
  const tasks = new Map<string, TaskRecord>();
  let n = 0;
  const api = {
    tasks,
    dispatched: [] as string[],
    /** The next dispatch's task fails / its answer is lost after Pulp made the task. */
    failNext: 0,
    loseNext: 0,
    dispatch(resource: string, name = "pulp_rpm.app.tasks.synchronizing.synchronize"): () => Promise<string> {
      return async () => {
        const href = `/pulp/api/v3/tasks/${++n}/`;
        const failed = api.failNext > 0;
        if (failed) api.failNext -= 1;
        tasks.set(href, {
          pulp_href: href,
          state: failed ? "failed" : "completed",
          name,
          pulp_created: new Date().toISOString(),
          reserved_resources_record: [resource],
          created_resources: failed ? [] : [`${resource}versions/${n}/`],
          error: failed ? { description: "Cannot sync: connection reset by upstream" } : null,
        });
        api.dispatched.push(href);
        if (api.loseNext > 0) {
          api.loseNext -= 1;
          throw new PulpConnectionError("POST", `http://pulp${resource}sync/`, Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" }), true);
        }
        return href;
      };
    },
    listTasks: async (hrefs: string[]) => hrefs.flatMap((h) => (tasks.has(h) ? [tasks.get(h) as TaskRecord] : [])),
    findTasks: async ({ resources, since }: { resources: string[]; since: string }) =>
      [...tasks.values()].filter(
        (t) => (t.pulp_created ?? "") >= since && t.reserved_resources_record?.some((r) => resources.includes(r.replace(/^shared:/, ""))),
      ),
  };
  return api;
}

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});
async function statePath(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "engine-"));
  dirs.push(dir);
  return join(dir, "state.json");
}

async function runner(pulp: ReturnType<typeof fakePulp>, path: string, keys = ["v1/a"]) {
  const watcher = new TaskWatcher({ listTasks: pulp.listTasks, initialDelayMs: 1, maxDelayMs: 5 });
  const state = await StateFile.open(path);
  return { watcher, state, tasks: await TaskRunner.open({ watcher, state, scope: "ark", keys, findTasks: pulp.findTasks }) };
}

describe("TaskRunner", () => {
  it("takes a completed task of the same run as done (crash recovery never repeats a finished sync)", async () => {
    const pulp = fakePulp();
    const path = await statePath();
    const first = await runner(pulp, path);
    const done = await first.tasks.run("v1/a", "sync", pulp.dispatch("/repo/a/"), { reuseCompleted: true });
    first.watcher.close();
    const second = await runner(pulp, path);
    const again = await second.tasks.run("v1/a", "sync", pulp.dispatch("/repo/a/"), { reuseCompleted: true });
    second.watcher.close();
    expect(again).toMatchObject({ origin: "reused", task: { pulp_href: done.task.pulp_href } });
    expect(pulp.dispatched).toHaveLength(1);
  });

  it("finds the task of a dispatch whose answer was lost, instead of dispatching again", async () => {
    const pulp = fakePulp();
    const { watcher, tasks } = await runner(pulp, await statePath());
    pulp.loseNext = 1;
    const run = await tasks.run("v1/a", "sync", pulp.dispatch("/repo/a/"), { lookup: { resource: "/repo/a/", name: "synchroniz" } });
    watcher.close();
    expect(run.origin).toBe("dispatched");
    expect(pulp.dispatched).toEqual([run.task.pulp_href]);
  });

  it("after a crash between request and record, a re-run finds the task from the recorded intent (one bulk lookup)", async () => {
    const pulp = fakePulp();
    const path = await statePath();
    const state = await StateFile.open(path);
    // What a killed run leaves: the intent recorded, the task made in Pulp, its href never recorded.
    await state.record("v1/a", "ark", "sync", { dispatching: new Date().toISOString(), resource: "/repo/a/", name: "synchroniz" });
    await pulp.dispatch("/repo/a/")();
    let lookups = 0;
    const watcher = new TaskWatcher({ listTasks: pulp.listTasks, initialDelayMs: 1 });
    const tasks = await TaskRunner.open({
      watcher,
      state: await StateFile.open(path),
      scope: "ark",
      keys: ["v1/a"],
      findTasks: (q) => {
        lookups += 1;
        return pulp.findTasks(q);
      },
    });
    const run = await tasks.run("v1/a", "sync", pulp.dispatch("/repo/a/"), { reuseCompleted: true, lookup: { resource: "/repo/a/", name: "synchroniz" } });
    watcher.close();
    expect(run.origin).toBe("reused");
    expect(pulp.dispatched).toHaveLength(1);
    expect(lookups).toBe(1);
    expect(JSON.parse(await readFile(path, "utf8"))["v1/a"].ark.sync).toBe(run.task.pulp_href);
  });

  it("a create whose answer was lost and whose resend is refused (name taken) takes the object the first attempt made", async () => {
    const pulp = fakePulp();
    const { watcher, tasks } = await runner(pulp, await statePath());
    let calls = 0;
    const lostAnswer = () => new PulpConnectionError("POST", "http://pulp/d/", Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" }), true);
    const dispatch = async () => {
      calls += 1;
      if (calls === 1) throw lostAnswer();
      throw new PulpHttpError("POST", "http://pulp/d/", 400, { name: ["This field must be unique."] });
    };
    // The first attempt's task has not run yet when the lookup after the lost answer looks.
    const find = async () => (calls > 1 ? "/pulp/api/v3/distributions/rpm/rpm/1/" : undefined);
    const run = await tasks.run("v1/a", "distribute", dispatch, { find });
    watcher.close();
    expect(run).toMatchObject({ origin: "found", task: { created_resources: ["/pulp/api/v3/distributions/rpm/rpm/1/"] } });
    expect(calls).toBe(2);
  });

  it("dispatches a failed task again up to `retries` times, then fails with Pulp's text", async () => {
    const pulp = fakePulp();
    const { watcher, tasks } = await runner(pulp, await statePath());
    const lines: string[] = [];
    pulp.failNext = 1;
    const ok = await tasks.run("v1/a", "sync", pulp.dispatch("/repo/a/"), { log: (l) => lines.push(l) });
    expect(ok.task.state).toBe("completed");
    expect(lines).toEqual(["sync: task failed: Cannot sync: connection reset by upstream; dispatching again (1/2)"]);
    pulp.failNext = 3;
    await expect(tasks.run("v1/a", "publish", pulp.dispatch("/repo/a/"))).rejects.toThrow("task failed: Cannot sync");
    watcher.close();
    expect(pulp.dispatched).toHaveLength(2 + 3);
  });
});

describe("applyItems and the console reporter", () => {
  type R = ItemResult & { name: string };
  const init = (name: string): R => ({ name, changed: false, actions: [], tasks: [], durationMs: 0 });

  it("keeps going past a failing item, names the failed step, bounds concurrency; a pipe gets plain lines", async () => {
    let inFlight = 0;
    let peak = 0;
    let out = "";
    const results = await applyItems(["a", "b", "c", "d"], {
      concurrency: 2,
      key: (k) => k,
      init,
      reporter: consoleReporter<R>({ actions: false, tty: false, write: (t) => {
        out += t;
      } }),
      async apply(item, _result, ctx) {
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        ctx.step("sync");
        await new Promise((r) => setTimeout(r, 10));
        inFlight -= 1;
        if (item === "b") throw new Error("task failed: 404");
        ctx.did(`synced ${item}`);
      },
    });
    expect(peak).toBe(2);
    expect(results.map((r) => [r.name, r.changed, r.error, r.failedStep])).toEqual([
      ["a", true, undefined, undefined],
      ["b", false, "sync: task failed: 404", "sync"],
      ["c", true, undefined, undefined],
      ["d", true, undefined, undefined],
    ]);
    expect(out).toContain("  a: synced a\n");
    expect(out).toMatch(/\[\d\/4\] b: FAILED \(0\.\d s\)\n {4}sync: task failed: 404\n/);
    expect(out).not.toContain("\x1b[");
  });

  it("on a terminal draws a live line per item in flight (step, elapsed) and clears it when done", async () => {
    let out = "";
    const reporter = consoleReporter<R>({ actions: false, tty: true, refreshMs: 5, write: (t) => {
        out += t;
      } });
    await applyItems(["slow"], {
      key: (k) => k,
      init,
      reporter,
      async apply(_item, _result, ctx) {
        ctx.step("sync");
        await new Promise((r) => setTimeout(r, 30));
      },
    });
    reporter.close?.();
    expect(out).toMatch(/ {2}… slow: sync \(0\.\d s in step, 0\.\d s in all\)\n/);
    expect(out).toContain("\x1b[1F\x1b[J");
    expect(out).toMatch(/\[1\/1\] slow: unchanged/);
  });
});

describe("writeSummary", () => {
  it("returns a warning instead of failing when the file cannot be written", async () => {
    const warning = await writeSummary("### x\n", { file: "/nonexistent-dir/summary.md", write: () => {} });
    expect(warning).toMatch(/^could not write the job summary to \/nonexistent-dir\/summary\.md: ENOENT/);
  });
});
