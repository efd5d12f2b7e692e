import { PulpClient } from "@release-train/pulp-client";
import { type Emulator, startEmulator } from "@release-train/pulp-emulator";
import { afterEach, expect, it } from "vitest";
import { formatViolations, type ResponseAudit, type ResponseViolation, startResponseAudit } from "../src/response-audit";
import { describeWithShared } from "../src/shared";

const ADMIN = `Basic ${Buffer.from("admin:password").toString("base64")}`;

describeWithShared("response audit", () => {
  let emu: Emulator | undefined;
  let audit: ResponseAudit | undefined;
  afterEach(async () => {
    audit?.stop();
    await emu?.stop();
  });

  let calls = 0;
  async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
    calls++;
    const res = await fetch(`${emu!.url}${path}`, {
      method,
      headers: { Authorization: ADMIN, ...(body ? { "Content-Type": "application/json" } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }

  async function finalTask(href: string): Promise<Record<string, unknown>> {
    for (let i = 0; i < 400; i++) {
      const task = (await call("GET", href)).body as Record<string, unknown>;
      if (["completed", "failed", "canceled"].includes(String(task["state"]))) return task;
      await new Promise((r) => setTimeout(r, 5));
    }
    throw new Error(`${href} never finished`);
  }

  it("sees every API response of every emulator in the process, and validates them", async () => {
    emu = await startEmulator({ vault: false, knobs: { taskFailureRate: 1 } });
    const other = await startEmulator({ vault: false });
    try {
      audit = startResponseAudit()!;
      calls = 0;
      const remote = await call("POST", "/pulp/api/v3/remotes/rpm/rpm/", { name: "r", url: "http://up.invalid/" });
      expect(remote.status).toBe(201);
      const repo = await call("POST", "/pulp/api/v3/repositories/rpm/rpm/", { name: "repo" });
      const href = (repo.body as { pulp_href: string }).pulp_href;
      const sync = await call("POST", `${href}sync/`, { remote: (remote.body as { pulp_href: string }).pulp_href });
      expect(sync.status).toBe(202);
      // A failed task (error with string description/traceback, as real Pulp sends it).
      const task = await finalTask((sync.body as { task: string }).task);
      expect(task["state"]).toBe("failed");
      expect(typeof (task["error"] as Record<string, unknown>)["traceback"]).toBe("string");
      expect((await call("GET", "/pulp/api/v3/repositories/rpm/rpm/?fields=pulp_href")).status).toBe(200);
      expect((await call("GET", "/pulp/api/v3/users/")).status).toBe(200);
      expect((await call("GET", "/pulp/api/v3/no-such-endpoint/")).status).toBe(404);
      expect((await fetch(`${other.url}/pulp/api/v3/status/`)).status).toBe(200);
      const seen = audit.observed;
      expect(seen).toBe(calls + 1);
      expect(audit.violations()).toEqual([]);

      // Content app and Vault traffic are not API responses; after stop() nothing is recorded.
      await fetch(`${emu.url}/pulp/content/`);
      expect(audit.observed).toBe(seen);
      audit.stop();
      await call("GET", "/pulp/api/v3/status/");
      expect(audit.observed).toBe(seen);
    } finally {
      await other.stop();
    }
  });

  it("checks the request bodies the project's Pulp client sends, and only those", async () => {
    emu = await startEmulator({ vault: false });
    const checked: string[] = [];
    audit = startResponseAudit(
      () => [],
      (method, path, body) => {
        checked.push(`${method} ${path} ${JSON.stringify(body)}`);
        return ["flagged"];
      },
    )!;
    const client = new PulpClient({ baseUrl: emu.url, username: "admin", password: "password" });
    try {
      await client.remotes.rpm.create({ name: "audited", url: "https://example.org/repo/", policy: "on_demand" });
      await client.remotes.rpm.findOne({ name: "audited" }); // no body: nothing to check
    } finally {
      await client.close();
    }
    // Bodies from other HTTP clients (deliberate error tests) are not the client's: not checked.
    await call("POST", "/pulp/api/v3/remotes/rpm/rpm/", { name: "x", url: "https://e/", download_concurrency: "many" });
    expect(audit.violations()).toEqual([
      { kind: "request", method: "POST", path: "/pulp/api/v3/remotes/rpm/rpm/", status: 201, errors: ["flagged"] },
    ]);
    expect(checked).toEqual([
      'POST /pulp/api/v3/remotes/rpm/rpm/ {"name":"audited","url":"https://example.org/repo/","policy":"on_demand"}',
    ]);
  });

  it("reports what the validator finds, with method, path and query, and status", async () => {
    emu = await startEmulator({ vault: false });
    const seen: string[] = [];
    audit = startResponseAudit((method, path, status) => {
      seen.push(`${method} ${path} ${status}`);
      return path.includes("users") ? ["users_list 200 /results/0/email: an example error"] : [];
    })!;
    await call("GET", "/pulp/api/v3/users/?username=admin");
    await call("GET", "/pulp/api/v3/status/");
    expect(seen).toEqual([]); // validated at the end, never while responses are being sent
    expect(audit.violations()).toEqual([
      {
        method: "GET",
        kind: "response",
        path: "/pulp/api/v3/users/?username=admin",
        status: 200,
        errors: ["users_list 200 /results/0/email: an example error"],
      },
    ]);
    expect(seen).toEqual(["GET /pulp/api/v3/users/?username=admin 200", "GET /pulp/api/v3/status/ 200"]);
  });
});

it("formats the first 20 violations with file, method, path, status and errors", () => {
  const violations: ResponseViolation[] = Array.from({ length: 23 }, (_, i) => ({
    kind: "response" as const,
    method: "GET",
    path: `/pulp/api/v3/tasks/${i}/`,
    status: 200,
    errors: [`tasks_read 200 /error: must be object (${i})`, "second"],
  }));
  expect(formatViolations("test/x.test.ts", [])).toBeUndefined();
  const text = formatViolations("test/x.test.ts", violations)!;
  const lines = text.split("\n");
  expect(lines[0]).toBe("test/x.test.ts: 23 emulator API response(s) or client request(s) break the OpenAPI spec:");
  expect(lines.slice(1, 4)).toEqual([
    "  GET /pulp/api/v3/tasks/0/ → 200",
    "      tasks_read 200 /error: must be object (0)",
    "      second",
  ]);
  expect(text).toContain("/pulp/api/v3/tasks/19/");
  expect(text).not.toContain("/pulp/api/v3/tasks/20/");
  expect(lines.at(-1)).toBe("  … and 3 more");
});
