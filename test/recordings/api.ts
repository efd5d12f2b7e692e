/** Minimal HTTP access to the emulator's API for the replay (fetch, basic auth, task waits). */
import { FINAL_TASK_STATES } from "@release-train/pulp-client";

export interface ApiResponse {
  status: number;
  body: unknown;
}

export class Api {
  private readonly auth: string;

  constructor(
    readonly baseUrl: string,
    credentials: { username: string; password: string },
  ) {
    this.auth = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString("base64")}`;
  }

  async request(
    method: string,
    path: string,
    body?: unknown,
    form?: Record<string, string>,
  ): Promise<ApiResponse> {
    const headers: Record<string, string> = { authorization: this.auth, accept: "application/json" };
    let payload: string | undefined;
    if (form) {
      headers["content-type"] = "application/x-www-form-urlencoded";
      payload = new URLSearchParams(form).toString();
    } else if (body !== undefined && body !== null) {
      headers["content-type"] = "application/json";
      payload = JSON.stringify(body);
    }
    const res = await fetch(new URL(path, this.baseUrl), {
      method,
      headers,
      ...(payload !== undefined ? { body: payload } : {}),
      signal: AbortSignal.timeout(60_000),
    });
    return { status: res.status, body: parseBody(await res.text()) };
  }

  /** POST a multipart/form-data body: text fields plus one uploaded file (`file`), as pulp-cli uploads. */
  async upload(path: string, fields: Record<string, string>, file: { name: string; data: Buffer }): Promise<ApiResponse> {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    form.append("file", new Blob([new Uint8Array(file.data)]), file.name);
    const res = await fetch(new URL(path, this.baseUrl), {
      method: "POST",
      headers: { authorization: this.auth, accept: "application/json" },
      body: form,
      signal: AbortSignal.timeout(60_000),
    });
    return { status: res.status, body: parseBody(await res.text()) };
  }

  /** GET a task until it is in a final state (or the timeout passes); the last response. */
  async pollTask(path: string, timeoutMs = 30_000): Promise<ApiResponse> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const res = await this.request("GET", path);
      const state = (res.body as { state?: unknown } | null)?.state;
      if (res.status !== 200 || FINAL_TASK_STATES.has(String(state)) || Date.now() > deadline) return res;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Follow a 202 `{task}` answer to the completed task; throws with Pulp's error otherwise. */
  async settle(res: ApiResponse, what: string): Promise<string[]> {
    if (res.status !== 202) throw new Error(`${what}: status ${res.status} ${brief(res.body)}`);
    const task = (res.body as { task?: string }).task;
    if (!task) throw new Error(`${what}: 202 without a task: ${brief(res.body)}`);
    const done = await this.pollTask(task);
    const body = done.body as { state?: string; created_resources?: (string | null)[]; error?: unknown };
    if (body.state !== "completed") throw new Error(`${what}: task ${body.state}: ${brief(body.error)}`);
    return (body.created_resources ?? []).filter((h): h is string => typeof h === "string");
  }
}

/** JSON when it parses; otherwise the text (error pages, content), null when empty. */
function parseBody(text: string): unknown {
  if (text === "") return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function brief(v: unknown): string {
  const s = typeof v === "string" ? v : JSON.stringify(v);
  return s && s.length > 200 ? `${s.slice(0, 200)}…` : (s ?? "");
}
