import { openapiSpecPath, validateResponse } from "@release-train/test-support";
import { type Emulator, type EmulatorOptions, startEmulator } from "../../src/index";

export const ADMIN = "Basic " + Buffer.from("admin:password").toString("base64");
const FINAL = ["completed", "failed", "canceled", "skipped"];
const hasSpec = openapiSpecPath() !== undefined;

// biome-ignore lint/suspicious/noExplicitAny: response bodies are arbitrary JSON, asserted field by field
type Json = any;

export interface Reply {
  status: number;
  body: Json;
  headers: Headers;
}

/** HTTP client for the emulator API that validates every response against the real spec (when ../shared exists). */
export class Api {
  readonly violations: string[] = [];
  constructor(readonly emu: Emulator) {}

  async call(method: string, path: string, body?: unknown, opts: { form?: boolean; auth?: string | null; raw?: string } = {}): Promise<Reply> {
    const headers: Record<string, string> = {};
    const auth = opts.auth === undefined ? ADMIN : opts.auth;
    if (auth) headers["Authorization"] = auth;
    let payload: string | undefined;
    if (opts.raw !== undefined) {
      payload = opts.raw;
      headers["Content-Type"] = "application/json";
    } else if (body !== undefined && opts.form) {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
        for (const item of Array.isArray(v) ? v : [v]) params.append(k, String(item));
      }
      payload = params.toString();
      headers["Content-Type"] = "application/x-www-form-urlencoded";
    } else if (body !== undefined) {
      payload = JSON.stringify(body);
      headers["Content-Type"] = "application/json";
    }
    const url = path.startsWith("http") ? path : `${this.emu.url}${path}`;
    const res = await fetch(url, { method, headers, ...(payload !== undefined ? { body: payload } : {}) });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON (content app)
    }
    const { pathname, search } = new URL(url);
    if (hasSpec && pathname.startsWith("/pulp/api/v3/") && !pathname.endsWith("docs/api.json")) {
      // Known spec-vs-Pulp differences are handled once, in the shared validator (SPEC_DEVIATIONS).
      for (const e of validateResponse(method, pathname + search, res.status, parsed)) this.violations.push(`${method} ${pathname} ${res.status}: ${e}`);
    }
    return { status: res.status, body: parsed, headers: res.headers };
  }

  get = (path: string) => this.call("GET", path);
  post = (path: string, body: unknown = {}, form = false) => this.call("POST", path, body, { form });
  patch = (path: string, body: unknown) => this.call("PATCH", path, body);
  del = (path: string) => this.call("DELETE", path);

  /** Poll a task until final, returning its last body. */
  async wait(taskHref: string, timeoutMs = 20_000): Promise<Json> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const r = await this.get(taskHref);
      if (r.status !== 200) throw new Error(`task GET ${r.status}`);
      if (FINAL.includes(r.body.state)) return r.body;
      if (Date.now() > end) throw new Error(`task ${taskHref} still ${r.body.state}`);
      await new Promise((res) => setTimeout(res, 10));
    }
  }

  /** POST/PATCH/DELETE that must return a 202 task; waits and returns the final task. */
  async task(method: string, path: string, body?: unknown): Promise<Json> {
    const r = await this.call(method, path, body);
    if (r.status !== 202) throw new Error(`${method} ${path} → ${r.status} ${JSON.stringify(r.body)}`);
    return this.wait(r.body.task);
  }

  async create(path: string, body: unknown): Promise<Json> {
    const r = await this.post(path, body);
    if (r.status === 201) return r.body;
    if (r.status === 202) {
      const t = await this.wait(r.body.task);
      if (t.state !== "completed") throw new Error(`create task ${t.state}: ${JSON.stringify(t.error)}`);
      return (await this.get(t.created_resources[0])).body;
    }
    throw new Error(`POST ${path} → ${r.status} ${JSON.stringify(r.body)}`);
  }
}

export async function startApi(options: EmulatorOptions = {}): Promise<{ emu: Emulator; api: Api }> {
  const emu = await startEmulator({ vault: false, ...options });
  return { emu, api: new Api(emu) };
}
