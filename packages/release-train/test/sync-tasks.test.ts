import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { StateFile } from "../src/engine/state-file";
import { TaskFailedError, TaskWatcher } from "../src/engine/task-watcher";
import type { TaskRecord } from "../src/engine/task-watcher";

/** A task table whose tasks finish after a given number of milliseconds. */
function fakeTasks() {
  const finishAt = new Map<string, { at: number; state: string; error?: string }>();
  const calls: string[][] = [];
  return {
    calls,
    add(href: string, afterMs: number, state = "completed", error?: string) {
      finishAt.set(href, { at: Date.now() + afterMs, state, ...(error ? { error } : {}) });
    },
    async listTasks(hrefs: string[]): Promise<TaskRecord[]> {
      calls.push(hrefs);
      return hrefs.flatMap((href) => {
        const t = finishAt.get(href);
        if (!t) return [];
        const done = Date.now() >= t.at;
        return [
          {
            pulp_href: href,
            state: done ? t.state : "running",
            created_resources: done ? [`${href}created/`] : [null],
            error: done && t.error ? { description: t.error } : null,
          },
        ];
      });
    },
  };
}

describe("TaskWatcher", () => {
  it("waits for many tasks with a few bulk list calls", async () => {
    const tasks = fakeTasks();
    const watcher = new TaskWatcher({ listTasks: (h) => tasks.listTasks(h), initialDelayMs: 20, maxDelayMs: 80 });
    const hrefs = Array.from({ length: 30 }, (_, i) => `/pulp/api/v3/tasks/${i}/`);
    for (const [i, h] of hrefs.entries()) tasks.add(h, 10 + (i % 3) * 40);
    const done = await Promise.all(hrefs.map((h) => watcher.wait(h)));
    watcher.close();
    expect(done.map((t) => t.created_resources?.[0])).toEqual(hrefs.map((h) => `${h}created/`));
    // 30 tasks, each needing one to three polls: far fewer requests than one GET per poll per task.
    expect(tasks.calls.length).toBeLessThanOrEqual(8);
    expect(Math.max(...tasks.calls.map((c) => c.length))).toBeLessThanOrEqual(30);
  });

  it("rejects with Pulp's error description when a task fails", async () => {
    const tasks = fakeTasks();
    const watcher = new TaskWatcher({ listTasks: (h) => tasks.listTasks(h), initialDelayMs: 5 });
    tasks.add("/t/ok/", 0);
    tasks.add("/t/bad/", 0, "failed", "Cannot sync: 404 Not Found for url https://x/repodata/repomd.xml");
    const [ok, bad] = await Promise.allSettled([watcher.wait("/t/ok/"), watcher.wait("/t/bad/")]);
    watcher.close();
    expect(ok.status).toBe("fulfilled");
    expect(bad.status).toBe("rejected");
    const error = (bad as PromiseRejectedResult).reason as TaskFailedError;
    expect(error).toBeInstanceOf(TaskFailedError);
    expect(error.message).toBe("task failed: Cannot sync: 404 Not Found for url https://x/repodata/repomd.xml");
    // A task Pulp no longer lists (purged) is not waited on for hours.
    const purged = new TaskWatcher({ listTasks: (h) => tasks.listTasks(h), initialDelayMs: 5, maxDelayMs: 20 });
    await expect(purged.wait("/t/purged/")).rejects.toThrow("task /t/purged/ no longer exists in Pulp");
    purged.close();
  });

  it("splits large waits into batches and times out tasks that never finish", async () => {
    const tasks = fakeTasks();
    const watcher = new TaskWatcher({ listTasks: (h) => tasks.listTasks(h), initialDelayMs: 5, batchSize: 4, timeoutMs: 60 });
    const hrefs = Array.from({ length: 10 }, (_, i) => `/t/${i}/`);
    for (const h of hrefs) tasks.add(h, 0);
    await Promise.all(hrefs.map((h) => watcher.wait(h)));
    expect(tasks.calls.map((c) => c.length)).toEqual([4, 4, 2]);
    tasks.add("/t/stuck/", 1e9);
    await expect(watcher.wait("/t/stuck/")).rejects.toThrow(/timed out waiting for task \/t\/stuck\//);
    watcher.close();
  });
});

describe("StateFile", () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("records task hrefs per version and short name and reads them back", async () => {
    dir = await mkdtemp(join(tmpdir(), "sync-state-"));
    const path = join(dir, "nested", "state.json");
    const state = await StateFile.open(path);
    const key = StateFile.key("20261125T120000", "epel");
    await Promise.all([
      state.record(key, "ark", "sync", "/pulp/api/v3/tasks/1/"),
      state.record(StateFile.key("20261125T120000", "docker"), "ark", "sync", "/pulp/api/v3/tasks/2/"),
      state.record(key, "ark", "publish", "/pulp/api/v3/tasks/3/"),
    ]);
    const onDisk = JSON.parse(await readFile(path, "utf8"));
    expect(onDisk["20261125T120000/epel"]).toEqual({ ark: { sync: "/pulp/api/v3/tasks/1/", publish: "/pulp/api/v3/tasks/3/" } });
    const reopened = await StateFile.open(path);
    expect(reopened.get(key, "ark", "sync")).toBe("/pulp/api/v3/tasks/1/");
    expect(reopened.get(key, "test", "sync")).toBeUndefined();
    expect(reopened.tasksOf([key], "ark").sort()).toEqual(["/pulp/api/v3/tasks/1/", "/pulp/api/v3/tasks/3/"]);
    expect((await StateFile.open(join(dir, "missing.json"))).snapshot()).toEqual({});
    // Only the newest seven versions are kept.
    for (let day = 10; day < 20; day++) await reopened.record(StateFile.key(`202611${day}T000000`, "epel"), "ark", "sync", `/t/${day}/`);
    const kept = Object.keys(JSON.parse(await readFile(path, "utf8")));
    expect(new Set(kept.map((k) => k.split("/")[0])).size).toBe(7);
    expect(kept).toContain("20261125T120000/epel");
    expect(kept).not.toContain("20261112T000000/epel");
  });
});
