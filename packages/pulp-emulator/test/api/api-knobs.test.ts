import { spawn } from "node:child_process";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type Emulator, startEmulator } from "../../src/index";
import { ADMIN, type Api, startApi } from "./helpers";

const REPOS = "/pulp/api/v3/repositories/rpm/rpm/";

describe("knobs, fault injection, request log, vault and CLI", () => {
  let emu: Emulator | undefined;
  let api: Api;
  afterEach(async () => {
    await emu?.stop();
    emu = undefined;
  });

  it("injects 5xx responses and dropped connections without side effects, changeable at runtime", async () => {
    ({ emu, api } = await startApi({ knobs: { http5xxRate: 1 } }));
    const r = await api.post(REPOS, { name: "never" });
    expect(r.status).toBe(503);
    emu.knobs.http5xxRate = 0;
    emu.knobs.dropConnectionRate = 1;
    await expect(fetch(`${emu.url}${REPOS}`, { headers: { Authorization: ADMIN } })).rejects.toThrow();
    emu.knobs.dropConnectionRate = 0;
    expect((await api.get(`${REPOS}?name=never`)).body.count).toBe(0);
    expect(emu.requestLog.map((e) => e.status)).toEqual([503, 0, 200]);
  });

  it("loses the answer of a request it handled (the write happened, the client sees a dropped connection)", async () => {
    ({ emu, api } = await startApi({ knobs: { lostResponseRate: 1 } }));
    const post = fetch(`${emu.url}${REPOS}`, {
      method: "POST",
      headers: { Authorization: ADMIN, "Content-Type": "application/json" },
      body: JSON.stringify({ name: "kept" }),
    });
    await expect(post).rejects.toThrow();
    emu.knobs.lostResponseRate = 0;
    expect((await api.get(`${REPOS}?name=kept`)).body.count).toBe(1);
    expect(emu.requestLog.map((e) => e.status)).toEqual([0, 200]);
  });

  it("adds API latency", async () => {
    ({ emu, api } = await startApi({ knobs: { apiLatencyMs: 120 } }));
    const start = Date.now();
    await api.get("/pulp/api/v3/status/");
    expect(Date.now() - start).toBeGreaterThanOrEqual(110);
  });

  it("proves a read-only run wrote nothing via the request log", async () => {
    ({ emu, api } = await startApi());
    await api.create(REPOS, { name: "x" });
    emu.requestLog.length = 0;
    await api.get(`${REPOS}?name=x&offset=0&limit=1`);
    await api.get("/pulp/api/v3/distributions/rpm/rpm/");
    expect(emu.requestLog.filter((e) => e.method !== "GET")).toEqual([]);
    expect(emu.requestLog[0]).toEqual({ method: "GET", path: REPOS, query: "?name=x&offset=0&limit=1", status: 200 });
  });

  it("mounts the Vault stand-in under /v1/ on the same server", async () => {
    emu = await startEmulator();
    expect(emu.vault).toBeDefined();
    const health = await fetch(`${emu.vaultUrl}/v1/sys/health`);
    expect(health.status).toBeLessThan(500);
    const ca = await fetch(`${emu.vaultUrl}/v1/pki/ca/pem`);
    expect(ca.status).toBe(200);
    expect(await ca.text()).toContain("-----BEGIN CERTIFICATE-----");
  });

  it("runs from the CLI with knobs and answers the API", async () => {
    const bin = join(import.meta.dirname, "..", "..", "bin", "pulp-emulator.mjs");
    const child = spawn(process.execPath, [bin, "serve", "--port", "0", "--workers", "3", "--task-duration", "sync=5", "--no-duplicate-publication-bug"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = "";
        child.stdout.on("data", (d: Buffer) => {
          out += d.toString();
          const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
          if (m?.[1]) resolve(m[1]);
        });
        child.once("exit", (code) => reject(new Error(`exited ${code}`)));
      });
      const status = (await (await fetch(`${url}/pulp/api/v3/status/`)).json()) as { online_workers: unknown[] };
      expect(status.online_workers).toHaveLength(3);
      const knobs = await (await fetch(`${url}/__emulator__/knobs`)).json();
      expect(knobs).toMatchObject({ workers: 3, duplicatePublicationBug: false, taskDurationMs: { default: 0, sync: 5 } });
      const patched = await fetch(`${url}/__emulator__/knobs`, { method: "PATCH", body: JSON.stringify({ apiLatencyMs: 5 }) });
      expect(((await patched.json()) as { apiLatencyMs: number }).apiLatencyMs).toBe(5);
    } finally {
      child.kill("SIGTERM");
    }
  }, 30_000);
});
