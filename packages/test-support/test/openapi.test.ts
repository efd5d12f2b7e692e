import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { findOperation, validateRequest, validateResponse } from "../src/openapi";
import { describeWithShared, recordingsDir } from "../src/shared";

interface Interaction {
  method: string;
  path: string;
  requestBody: unknown;
  status: number;
  responseBody: unknown;
}

function recordings(): [string, Interaction[]][] {
  const dir = recordingsDir()!;
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json") && f !== "_index.json")
    .sort()
    .map((f) => [f, JSON.parse(readFileSync(join(dir, f), "utf8")) as Interaction[]]);
}

function recorded(file: string, index: number): Interaction {
  const all = JSON.parse(readFileSync(join(recordingsDir()!, file), "utf8")) as Interaction[];
  return structuredClone(all[index]!);
}

const uuid = "55712a46-fb77-4c0a-ab06-198702b5db39";

describeWithShared("openapi: path templates", () => {
  it("maps concrete hrefs to the spec's href templates", () => {
    const cases: [string, string, string][] = [
      ["PATCH", `/pulp/api/v3/remotes/rpm/rpm/${uuid}/`, "remotes_rpm_rpm_partial_update"],
      ["POST", `/pulp/api/v3/repositories/rpm/rpm/${uuid}/sync/`, "repositories_rpm_rpm_sync"],
      [
        "GET",
        `/pulp/api/v3/repositories/deb/apt/${uuid}/versions/3/`,
        "repositories_deb_apt_versions_read",
      ],
      ["GET", `/pulp/api/v3/repositories/rpm/rpm/${uuid}/versions/`, "repositories_rpm_rpm_versions_list"],
      ["GET", "/pulp/api/v3/remotes/rpm/rpm/?limit=1&name=x", "remotes_rpm_rpm_list"],
      ["POST", "/pulp/api/v3/remotes/rpm/rpm/", "remotes_rpm_rpm_create"],
      ["GET", `/pulp/api/v3/tasks/${uuid}/`, "tasks_read"],
      ["PATCH", `/pulp/api/v3/tasks/${uuid}/`, "tasks_cancel"],
      ["POST", `/pulp/api/v3/contentguards/core/rbac/${uuid}/add_role/`, "contentguards_core_rbac_add_role"],
      ["GET", "/pulp/api/v3/users/12/", "users_read"],
      ["DELETE", "/pulp/api/v3/groups/3/users/12/", "groups_users_delete"],
      ["GET", "http://localhost:8080/pulp/api/v3/status/", "status_read"],
      ["GET", "/pulp/api/v3/contentguards/?name=x&offset=0&limit=1", "contentguards_list"],
    ];
    for (const [method, path, operationId] of cases) {
      expect(findOperation(method, path)?.operationId, `${method} ${path}`).toBe(operationId);
    }
  });

  it("does not match paths or methods the spec lacks", () => {
    expect(findOperation("GET", "/pulp/api/v3/no-such-thing/")).toBeUndefined();
    expect(findOperation("POST", `/pulp/api/v3/tasks/${uuid}/`)).toBeUndefined();
    expect(findOperation("GET", `/pulp/api/v3/remotes/rpm/rpm/${uuid}/extra/`)).toBeUndefined();
    expect(validateRequest("POST", "/pulp/api/v3/nope/", {})).toHaveLength(1);
  });
});

describeWithShared("openapi: recorded traffic validates", () => {
  it("every recorded response body matches the spec", () => {
    const failures: string[] = [];
    let checked = 0;
    for (const [file, interactions] of recordings()) {
      interactions.forEach((r, i) => {
        if (typeof r.responseBody === "string") return; // api.json placeholder
        checked++;
        for (const e of validateResponse(r.method, r.path, r.status, r.responseBody)) {
          failures.push(`${file}#${i} ${e}`);
        }
      });
    }
    expect(checked).toBeGreaterThan(400);
    expect(failures).toEqual([]);
  });

  it("every recorded request body matches, except fields newer than the spec", () => {
    // rpm_repository-7/-9 and rpm_distribution-2 were recorded in 2024 against pulp_rpm >= 3.25
    // (_index.json); `repo_config` (rpm 3.24) and `generate_repo_config` (rpm 3.23) postdate
    // the rpm 3.20 spec, so those must be flagged, and nothing else.
    const newer = new Set(["/repo_config: Unexpected field", "/generate_repo_config: Unexpected field"]);
    const failures: string[] = [];
    const flaggedNewer: string[] = [];
    for (const [file, interactions] of recordings()) {
      interactions.forEach((r, i) => {
        if (r.requestBody === null) return;
        for (const e of validateRequest(r.method, r.path, r.requestBody)) {
          const tail = e.slice(e.indexOf(" ") + 1);
          (newer.has(tail) ? flaggedNewer : failures).push(`${file}#${i} ${e}`);
        }
      });
    }
    expect(failures).toEqual([]);
    expect(flaggedNewer.map((f) => f.split("#")[0]).sort()).toEqual([
      "rpm_distribution-2.json",
      "rpm_repository-7.json",
      "rpm_repository-9.json",
    ]);
  });
});

describeWithShared("openapi: wrong bodies are rejected", () => {
  it("rejects bad request bodies like Pulp would", () => {
    const create = "/pulp/api/v3/remotes/rpm/rpm/";
    expect(validateRequest("POST", create, { name: "r", url: "http://x/" })).toEqual([]);
    expect(validateRequest("POST", create, { name: "r" }).join()).toMatch(/url/);
    expect(validateRequest("POST", create, { name: "r", url: "u", policy: "later" }).join()).toMatch(
      /policy: must be one of/,
    );
    expect(validateRequest("POST", create, { name: "r", url: "u", colour: "red" })).toEqual([
      "remotes_rpm_rpm_create /colour: Unexpected field",
    ]);
    expect(validateRequest("POST", create, { name: "r", url: "u", tls_validation: "no" }).join()).toMatch(
      /tls_validation: must be boolean/,
    );
    // read-only fields are accepted (Pulp ignores them), explicit nulls for nullable ones too
    const patch = `/pulp/api/v3/remotes/rpm/rpm/${uuid}/`;
    expect(
      validateRequest("PATCH", patch, { pulp_href: patch, pulp_created: "2024-01-01T00:00:00Z", proxy_url: null }),
    ).toEqual([]);
    // non-nullable field sent as null
    expect(validateRequest("PATCH", patch, { url: null }).join()).toMatch(/url: must be string/);
    // body required for create
    expect(validateRequest("POST", create, undefined).join()).toMatch(/required/);
    const sync = `/pulp/api/v3/repositories/rpm/rpm/${uuid}/sync/`;
    expect(validateRequest("POST", sync, { sync_policy: "mirror_everything" }).join()).toMatch(/sync_policy/);
    // sync_policy is rpm-only: a deb sync body with it is an unknown field
    expect(
      validateRequest("POST", `/pulp/api/v3/repositories/deb/apt/${uuid}/sync/`, { sync_policy: "additive" }),
    ).toHaveLength(1);
  });

  it("validates form-encoded bodies as Pulp reads them", () => {
    const form = { contentType: "application/x-www-form-urlencoded" };
    const guard = "/pulp/api/v3/contentguards/core/rbac/";
    expect(validateRequest("POST", guard, "name=release&description=x", form)).toEqual([]);
    expect(validateRequest("POST", guard, "description=x", form).join()).toMatch(/name/);
    const addRole = `${guard}${uuid}/add_role/`;
    const params = new URLSearchParams([
      ["role", "core.rbaccontentguard_downloader"],
      ["groups", "stackhpc"],
      ["groups", "stackhpc-dev"],
    ]);
    expect(validateRequest("POST", addRole, params, form)).toEqual([]);
    expect(validateRequest("POST", addRole, "role=r&colour=red", form)).toEqual([
      "contentguards_core_rbac_add_role /colour: Unexpected field",
    ]);
    // the recorded form POST of file content (file_content-0#3)
    const recordedForm = recorded("file_content-0.json", 3) as Interaction & { requestBodyForm: Record<string, string> };
    expect(validateRequest("POST", recordedForm.path, recordedForm.requestBodyForm, form)).toEqual([]);
    // booleans and numbers arrive as text and are coerced; nonsense is not
    const remote = "/pulp/api/v3/remotes/rpm/rpm/";
    expect(validateRequest("POST", remote, "name=r&url=u&tls_validation=false&download_concurrency=4", form)).toEqual([]);
    expect(validateRequest("POST", remote, "name=r&url=u&download_concurrency=many", form).join()).toMatch(
      /download_concurrency/,
    );
  });

  it("rejects recorded responses once they are broken", () => {
    const remote = recorded("rpm_remote-2.json", 3);
    expect(validateResponse(remote.method, remote.path, remote.status, remote.responseBody)).toEqual([]);
    const body = remote.responseBody as Record<string, unknown>;

    const wrongType = { ...body, tls_validation: "false" };
    expect(validateResponse("GET", remote.path, 200, wrongType).join()).toMatch(/tls_validation: must be boolean/);

    const missing = { ...body };
    delete missing["name"];
    expect(validateResponse("GET", remote.path, 200, missing).join()).toMatch(/name/);

    // write-only secrets must never be echoed back
    const leaky = { ...body, password: "hunter2" };
    expect(validateResponse("GET", remote.path, 200, leaky).join()).toMatch(/password: write-only/);

    const task = recorded("rpm_sync-0.json", 9);
    const badTask: Record<string, unknown> = { ...(task.responseBody as object), created_resources: "v1" };
    delete badTask["name"];
    expect(validateResponse("GET", task.path, 200, badTask)).toEqual([
      "tasks_read 200 /: must have required property 'name'",
      "tasks_read 200 /created_resources: must be array or null",
    ]);

    const list = recorded("rpm_remote-6.json", 0);
    const badList = { ...(list.responseBody as object), count: "1" };
    expect(validateResponse("GET", list.path, 200, badList).join()).toMatch(/count: must be integer/);

    const async = { task: 42 };
    expect(validateResponse("PATCH", remote.path, 202, async).join()).toMatch(/task: must be string/);
  });

  it("ignores statuses the spec does not document", () => {
    const path = `/pulp/api/v3/remotes/rpm/rpm/${uuid}/`;
    expect(validateResponse("GET", path, 404, { detail: "Not found." })).toEqual([]);
    expect(validateResponse("POST", "/pulp/api/v3/remotes/rpm/rpm/", 400, { name: ["required"] })).toEqual([]);
    // documented without a body
    expect(validateResponse("DELETE", `/pulp/api/v3/publications/rpm/rpm/${uuid}/`, 204, null)).toEqual([]);
  });
});
