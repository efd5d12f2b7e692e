import { type Interaction, type ReplayServer, samePath, startReplay } from "@release-train/test-support/replay";
import { afterEach, describe, expect, it } from "vitest";
import { PulpClient, PulpHttpError } from "../src/index";

let replay: ReplayServer | undefined;
let client: PulpClient | undefined;
afterEach(async () => {
  await client?.close();
  await replay?.stop();
  client = replay = undefined;
});

const guard = (n: number) => ({
  pulp_href: `/pulp/api/v3/contentguards/core/rbac/${n}/`,
  pulp_created: "2024-01-01T00:00:00Z",
  name: `g${n}`,
  description: null,
});

describe("replay server", () => {
  it("rewrites absolute next links to itself so the client can follow them", async () => {
    const pages: Interaction[] = [
      {
        method: "GET",
        path: "/pulp/api/v3/contentguards/core/rbac/?limit=100&offset=0",
        requestBody: null,
        status: 200,
        responseBody: {
          count: 3,
          next: "http://pulp.example.com:8080/pulp/api/v3/contentguards/core/rbac/?limit=100&offset=100",
          previous: null,
          results: [guard(1), guard(2)],
        },
      },
      {
        method: "GET",
        path: "/pulp/api/v3/contentguards/core/rbac/?limit=100&offset=100",
        requestBody: null,
        status: 200,
        responseBody: { count: 3, next: null, previous: "http://pulp.example.com:8080/x/", results: [guard(3)] },
      },
    ];
    replay = await startReplay(pages);
    client = new PulpClient({ baseUrl: replay.url });
    const all = await client.contentGuards.rbac.listAll();
    expect(all.map((g) => g.name)).toEqual(["g1", "g2", "g3"]);
    expect(replay.remaining()).toEqual([]);
    expect(replay.received[1]!.path).toBe("/pulp/api/v3/contentguards/core/rbac/?limit=100&offset=100");
  });

  it("refuses requests that differ from the recording and reports why", async () => {
    replay = await startReplay([
      {
        method: "POST",
        path: "/pulp/api/v3/contentguards/core/rbac/",
        requestBody: { name: "release", description: null },
        status: 201,
        responseBody: guard(1),
      },
    ]);
    client = new PulpClient({ baseUrl: replay.url, retry: { retries: 0 } });
    const err = await client.contentGuards.rbac.create({ name: "development" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PulpHttpError);
    expect((err as PulpHttpError).status).toBe(500);
    expect(replay.mismatches).toHaveLength(1);
    expect(replay.mismatches[0]!.differences[0]).toMatch(/^body: recorded/);
    // Not consumed: the right request still gets the recorded answer.
    const created = await client.contentGuards.rbac.create({ description: null, name: "release" });
    expect(created.pulp_href).toBe("/pulp/api/v3/contentguards/core/rbac/1/");
    expect(replay.remaining()).toEqual([]);
  });

  it("answers 500 once the recording is exhausted", async () => {
    replay = await startReplay([]);
    client = new PulpClient({ baseUrl: replay.url, retry: { retries: 0 } });
    await expect(client.status()).rejects.toMatchObject({ status: 500 });
    expect(replay.mismatches[0]!.differences).toEqual(["no interactions left"]);
  });

  it("compares queries order-insensitively, offset=0 being the default", () => {
    expect(samePath("/a/?limit=1&name=x", "/a/?name=x&offset=0&limit=1")).toBe(true);
    expect(samePath("/a/?limit=1&name=x", "/a/?name=y&limit=1")).toBe(false);
    expect(samePath("/a/?limit=20&offset=0", "/a/?limit=100&offset=0", ["limit"])).toBe(true);
    expect(samePath("/a/", "/b/")).toBe(false);
  });
});
