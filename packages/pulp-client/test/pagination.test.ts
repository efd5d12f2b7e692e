import { afterEach, describe, expect, it } from "vitest";
import { PulpClient, PulpMultipleMatchError, PulpResponseError } from "../src/index";
import { json, type LocalServer, startServer } from "./support/local-server";

let server: LocalServer | undefined;
let client: PulpClient | undefined;
afterEach(async () => {
  await client?.close();
  await server?.close();
  client = server = undefined;
});

const repo = (i: number) => ({
  pulp_href: `/pulp/api/v3/repositories/rpm/rpm/${i}/`,
  pulp_created: "2024-01-01T00:00:00Z",
  versions_href: `/pulp/api/v3/repositories/rpm/rpm/${i}/versions/`,
  latest_version_href: `/pulp/api/v3/repositories/rpm/rpm/${i}/versions/0/`,
  name: `repo-${String(i).padStart(3, "0")}`,
  description: null,
  retain_repo_versions: null,
  remote: null,
});

/** DRF LimitOffsetPagination over `total` repositories; `next` uses a foreign host as behind a proxy. */
async function pagedServer(total: number) {
  return startServer((req, res) => {
    const u = new URL(req.url, "http://x");
    const limit = Number(u.searchParams.get("limit") ?? 100);
    const offset = Number(u.searchParams.get("offset") ?? 0);
    let items = Array.from({ length: total }, (_, i) => repo(i));
    const nameIn = u.searchParams.get("name__in");
    if (nameIn) items = items.filter((r) => nameIn.split(",").includes(r.name));
    const name = u.searchParams.get("name");
    if (name) items = items.filter((r) => r.name.startsWith(name));
    const next = new URL(`http://pulp.internal:24817${u.pathname}${u.search}`);
    next.searchParams.set("offset", String(offset + limit));
    json(res, 200, {
      count: items.length,
      next: offset + limit < items.length ? next.toString() : null,
      previous: null,
      results: items.slice(offset, offset + limit),
    });
  });
}

describe("lists", () => {
  it("iterates page by page following next links (host rewritten to ours)", async () => {
    server = await pagedServer(250);
    client = new PulpClient({ baseUrl: server.url });
    const seen: string[] = [];
    const iterator = client.repositories.rpm.list()[Symbol.asyncIterator]();
    const first = await iterator.next();
    // Lazy: one page fetched for the first item.
    expect(server.requests).toHaveLength(1);
    seen.push((first.value as { name: string }).name);
    for (let r = await iterator.next(); !r.done; r = await iterator.next()) seen.push(r.value.name);
    expect(seen).toHaveLength(250);
    expect(new Set(seen).size).toBe(250);
    expect(seen[249]).toBe("repo-249");
    expect(server.requests.map((r) => new URL(r.url, "http://x").searchParams.get("offset"))).toEqual(["0", "100", "200"]);
  });

  it("passes filters as query params, arrays comma-joined", async () => {
    server = await pagedServer(20);
    client = new PulpClient({ baseUrl: server.url });
    const got = await client.repositories.rpm.listAll({ name__in: ["repo-003", "repo-007"], absent: undefined }, { pageSize: 5 });
    expect(got.map((r) => r.name)).toEqual(["repo-003", "repo-007"]);
    const query = new URL(server.requests[0]!.url, "http://x").searchParams;
    expect(query.get("name__in")).toBe("repo-003,repo-007");
    expect(query.get("limit")).toBe("5");
    expect(query.has("absent")).toBe(false);
  });

  it("findOne uses limit=1 and errors when several match", async () => {
    server = await pagedServer(30);
    client = new PulpClient({ baseUrl: server.url });
    const one = await client.repositories.rpm.findOne({ name: "repo-012" });
    expect(one?.pulp_href).toBe("/pulp/api/v3/repositories/rpm/rpm/12/");
    expect(new URL(server.requests[0]!.url, "http://x").searchParams.get("limit")).toBe("1");
    expect(await client.repositories.rpm.findOne({ name: "nope" })).toBeUndefined();
    const err = await client.repositories.rpm.findOne({ name: "repo-01" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PulpMultipleMatchError);
    expect((err as Error).message).toBe(
      "Expected at most one object at repositories/rpm/rpm/ matching name=repo-01, found 10",
    );
  });

  it("rejects responses of the wrong shape with the offending field", async () => {
    server = await startServer((_req, res) => json(res, 200, { count: 1, next: null, previous: null, results: [{ name: 5 }] }));
    client = new PulpClient({ baseUrl: server.url });
    const err = await client.remotes.rpm.listAll().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PulpResponseError);
    expect((err as Error).message).toContain("results.0.pulp_href");
  });
});
