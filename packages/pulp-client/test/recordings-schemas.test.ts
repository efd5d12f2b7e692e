import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describeWithShared, recordingsDir } from "@release-train/test-support/shared";
import { expect, it } from "vitest";
import { schemaForResponse } from "../src/index";

interface Interaction {
  method: string;
  path: string;
  status: number;
  responseBody: unknown;
}

describeWithShared("every recorded Pulp response parses with the client's schema", () => {
  const dir = recordingsDir()!;
  const files = readdirSync(dir).filter((f) => f.endsWith(".json") && !f.startsWith("_"));

  it("walks all recordings", () => {
    expect(files.length).toBeGreaterThanOrEqual(191);
    const failures: string[] = [];
    let parsed = 0;
    const unmodelled: string[] = [];
    for (const file of files) {
      const interactions = JSON.parse(readFileSync(join(dir, file), "utf8")) as Interaction[];
      interactions.forEach((i, n) => {
        const schema = schemaForResponse(i.method, i.path, i.status);
        if (!schema) {
          unmodelled.push(`${i.method} ${i.path.split("?")[0]} ${i.status}`);
          return;
        }
        const result = schema.safeParse(i.responseBody);
        parsed++;
        if (!result.success) {
          const issue = result.error.issues[0];
          failures.push(`${file}#${n} ${i.method} ${i.path} → ${issue?.path.join(".")}: ${issue?.message}`);
        }
      });
    }
    expect(failures).toEqual([]);
    expect(parsed).toBeGreaterThan(300);
    // Only api.json, file-plugin objects, artifacts and empty 204 bodies are left unmodelled.
    const expectedGap = /docs\/api\.json|\/file\/|\/artifacts\/| 204$/;
    expect(unmodelled.filter((u) => !expectedGap.test(u))).toEqual([]);
  });

  it("models the endpoints the release train uses and nothing it does not", () => {
    expect(schemaForResponse("GET", "/pulp/api/v3/docs/api.json", 200)).toBeUndefined();
    expect(schemaForResponse("GET", "/pulp/api/v3/repositories/file/file/?name=x", 200)).toBeUndefined();
    expect(schemaForResponse("GET", "/pulp/api/v3/remotes/rpm/rpm/?name=x&offset=0&limit=1", 200)).toBeDefined();
    expect(schemaForResponse("DELETE", "/pulp/api/v3/publications/rpm/rpm/0188/", 204)).toBeUndefined();
    expect(schemaForResponse("GET", "/pulp/api/v3/remotes/rpm/rpm/", 404)).toBeUndefined();
    const task = schemaForResponse("GET", "/pulp/api/v3/tasks/018e0edb-f54f-77a2-a9b7-80f451dfcc6d/", 200);
    expect(task?.safeParse({ task: "/x/" }).success).toBe(false);
    const asyncSchema = schemaForResponse("POST", "/pulp/api/v3/repositories/rpm/rpm/0188/sync/", 202);
    expect(asyncSchema?.safeParse({ task: "/pulp/api/v3/tasks/1/" }).success).toBe(true);
    const version = schemaForResponse("GET", "/pulp/api/v3/repositories/rpm/rpm/0188/versions/3/", 200);
    expect(version?.safeParse({ pulp_href: "/v/3/", pulp_created: "t", number: 3 }).success).toBe(true);
    expect(schemaForResponse("GET", "/pulp/api/v3/contentguards/core/rbac/1/list_roles/", 200)).toBeDefined();
  });
});
