/**
 * Drives the PulpClient the way squeezer's modules did in a recording: look objects up by name
 * (or `repository_version`), create / update / delete them, wait for the resulting tasks and read
 * the object back. Which client call to make is decided from the next recorded interaction; the
 * replay server then checks that the client's request matches the recorded one.
 */
import type { Interaction, ReplayServer } from "@release-train/test-support/replay";
import { expect } from "vitest";
import { type AnyHref, asHref, type PulpClient, type TaskHandle } from "../../src/index";

interface Crud {
  path: string;
  get(href: never): Promise<unknown>;
  listAll(filters?: Record<string, string>): Promise<unknown[]>;
  findOne(filters: Record<string, string>): Promise<unknown>;
  create?(body: never): Promise<unknown>;
  update?(href: never, patch: never): Promise<unknown>;
  delete?(href: never): Promise<unknown>;
  sync?(href: never, body: never): Promise<TaskHandle>;
}

function collections(client: PulpClient): Crud[] {
  return [
    client.remotes.rpm,
    client.remotes.deb,
    client.remotes.container,
    client.repositories.rpm,
    client.repositories.deb,
    client.repositories.container,
    client.publications.rpm,
    client.publications.debApt,
    client.publications.debVerbatim,
    client.distributions.rpm,
    client.distributions.deb,
    client.distributions.container,
    client.contentGuards.x509,
    client.contentGuards.any,
    client.tasks,
  ] as unknown as Crud[];
}

const API = "/pulp/api/v3/";

function split(path: string): { path: string; query: Record<string, string> } {
  const [p, q] = path.split("?") as [string, string | undefined];
  return { path: p, query: Object.fromEntries(new URLSearchParams(q ?? "")) };
}

function resourceFor(client: PulpClient, path: string): { res: Crud; rest: string } {
  const rel = path.slice(API.length);
  const match = collections(client)
    .filter((c) => rel.startsWith(c.path))
    .sort((a, b) => b.path.length - a.path.length)[0];
  if (!match) throw new Error(`no client resource for ${path}`);
  return { res: match, rest: rel.slice(match.path.length) };
}

const isTaskPoll = (i: Interaction) => i.method === "GET" && /\/tasks\/[^/]+\/$/.test(i.path);

/** Perform the recording's operations with the client; returns every value the client produced. */
export async function drive(client: PulpClient, replay: ReplayServer): Promise<unknown[]> {
  const results: unknown[] = [];
  const all = replay.interactions;
  while (replay.exchanges.length < all.length) {
    const at = replay.exchanges.length;
    const i = all[at]!;
    const { path, query } = split(i.path);
    const { res, rest } = resourceFor(client, path);
    const href = asHref<AnyHref>(path) as never;
    const body = i.requestBody as never;
    let value: unknown;
    let handle: TaskHandle | undefined;
    if (i.method === "GET" && rest === "") {
      const { limit, offset: _offset, ...filters } = query;
      if (limit === "1") {
        value = await res.findOne(filters);
        expect(value).toEqual((i.responseBody as { results: unknown[] }).results[0]);
      } else {
        value = await res.listAll(filters);
        expect(value).toEqual((i.responseBody as { results: unknown[] }).results);
      }
    } else if (i.method === "GET") {
      value = await res.get(href);
      expect(value).toEqual(i.responseBody);
    } else if (i.method === "POST" && rest === "") {
      value = await res.create!(body);
    } else if (i.method === "POST" && rest.endsWith("/sync/")) {
      value = await res.sync!(asHref(path.replace(/sync\/$/, "")) as never, body);
    } else if (i.method === "POST" && path === `${API}tasks/purge/`) {
      value = await client.tasks.purge(body);
    } else if (i.method === "PATCH" && path.startsWith(`${API}tasks/`)) {
      value = await client.tasks.cancel(href);
      expect(value).toEqual(i.responseBody);
    } else if (i.method === "PATCH") {
      value = await res.update!(href, body);
    } else if (i.method === "DELETE") {
      value = await res.delete!(href);
    } else {
      throw new Error(`driver does not know ${i.method} ${i.path}`);
    }
    if (i.status === 202) {
      handle = value as TaskHandle;
      expect(handle.href).toBe((i.responseBody as { task: string }).task);
      // Recordings of other clients may stop polling early; we wait only when they waited.
      const polls = all.slice(at + 1).findIndex((x) => !isTaskPoll(x));
      const pollCount = polls === -1 ? all.length - at - 1 : polls;
      const lastPoll = all[at + pollCount];
      const finalState = (lastPoll?.responseBody as { state?: string } | undefined)?.state;
      if (pollCount > 0 && finalState && ["completed", "failed", "canceled"].includes(finalState)) {
        const task = await handle.wait({ pollMinMs: 1, pollMaxMs: 2 });
        expect(task).toEqual(lastPoll!.responseBody);
        results.push(task);
      }
    } else if (i.status === 201 || (i.status === 200 && i.method !== "GET")) {
      expect(value).toEqual(i.responseBody);
    } else if (i.status === 204) {
      expect(value).toBeUndefined();
    }
    results.push(value);
    expect(replay.mismatches).toEqual([]);
    if (replay.exchanges.length === at) throw new Error(`client made no request for #${at} ${i.method} ${i.path}`);
  }
  return results;
}
