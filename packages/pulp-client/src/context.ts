import type * as z from "zod";
import { PulpResponseError } from "./errors";
import type { TaskHref } from "./hrefs";
import type { HttpTransport, Query } from "./http";
import { asyncResponse } from "./schemas/common";
import { type Task, taskSchema } from "./schemas/tasks";
import { TaskHandle, type WaitOptions, waitForTask } from "./task-wait";

export interface CallOptions {
  signal?: AbortSignal;
}

/** Validate a response body; a mismatch is a PulpResponseError naming the offending fields. */
export function parseWith<S extends z.ZodType>(schema: S, data: unknown, method: string, url: string): z.output<S> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
  throw new PulpResponseError(method, url, issues);
}

/** What resource groups share: the transport plus typed request helpers. */
export class ApiContext {
  constructor(readonly http: HttpTransport) {}

  async get<S extends z.ZodType>(schema: S, target: string, query?: Query, opts?: CallOptions): Promise<z.output<S>> {
    const res = await this.http.request("GET", target, { query, signal: opts?.signal });
    return parseWith(schema, res.body, "GET", res.url);
  }

  /** A request answered synchronously with an object (e.g. 201 create, 200 guard PATCH). */
  async send<S extends z.ZodType>(
    schema: S,
    method: string,
    target: string,
    body: unknown,
    opts?: CallOptions,
  ): Promise<z.output<S>> {
    const res = await this.http.request(method, target, { body, signal: opts?.signal });
    return parseWith(schema, res.body, method, res.url);
  }

  /** A request with no meaningful response body (204). */
  async call(method: string, target: string, body?: unknown, opts?: CallOptions): Promise<void> {
    await this.http.request(method, target, { body, signal: opts?.signal });
  }

  /** A request answered 202 `{"task": …}`. */
  async dispatch(method: string, target: string, body?: unknown, opts?: CallOptions): Promise<TaskHandle> {
    const res = await this.http.request(method, target, { body, signal: opts?.signal });
    const { task } = parseWith(asyncResponse, res.body, method, res.url);
    return this.handle(task);
  }

  handle(href: TaskHref): TaskHandle {
    return new TaskHandle(href, (opts) => this.waitTask(href, opts));
  }

  waitTask(href: TaskHref, opts?: WaitOptions): Promise<Task> {
    return waitForTask((signal) => this.get(taskSchema, href, undefined, { signal }), href, opts);
  }
}
