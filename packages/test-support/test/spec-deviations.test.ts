import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { SPEC_DEVIATIONS, validateResponse } from "../src/openapi";
import { describeWithShared, recordingsDir } from "../src/shared";

// biome-ignore lint/suspicious/noExplicitAny: recorded JSON, modified field by field
type Json = any;

function recorded(file: string, index: number): Json {
  const all = JSON.parse(readFileSync(join(recordingsDir()!, file), "utf8")) as Json[];
  return structuredClone(all[index].responseBody);
}

const TASK = "/pulp/api/v3/tasks/4e37410e-8a32-4dff-8c36-24571db3753f/";
const PACKAGE = "/pulp/api/v3/content/rpm/packages/55712a46-fb77-4c0a-ab06-198702b5db39/";

function user(email: unknown): Json {
  return {
    pulp_href: "/pulp/api/v3/users/2/",
    id: 2,
    username: "alice",
    first_name: "",
    last_name: "",
    email,
    is_staff: false,
    is_active: true,
    date_joined: "2026-01-01T00:00:00.000000Z",
    groups: [],
  };
}

/** A package as pulp_rpm serializes it: the dependency/file/changelog JSONFields are lists. */
function rpmPackage(): Json {
  return {
    pulp_href: PACKAGE,
    pulp_created: "2026-01-01T00:00:00.000000Z",
    artifact: "/pulp/api/v3/artifacts/55712a46-fb77-4c0a-ab06-198702b5db39/",
    name: "alpha",
    epoch: "0",
    version: "1.0",
    release: "1",
    arch: "noarch",
    pkgId: "a".repeat(64),
    checksum_type: "sha256",
    location_href: "alpha-1.0-1.noarch.rpm",
    changelogs: [["Dev <dev@example.com> - 1.0-1", 1700000000, "- first"]],
    files: [[null, "/usr/share/alpha/", "README"]],
    requires: [["bash", null, null, null, null, false]],
    provides: [["alpha", "EQ", "0", "1.0", "1", false]],
    conflicts: [],
    obsoletes: [],
    suggests: [],
    enhances: [],
    recommends: [],
    supplements: [],
  };
}

describeWithShared("openapi: documented spec deviations", () => {
  it("names only properties the spec has, each with evidence", () => {
    // Loading applies every entry and throws on a property the spec lacks.
    expect(validateResponse("GET", TASK, 200, recorded("task-2.json", 2))).toEqual([]);
    for (const d of SPEC_DEVIATIONS) expect(d.evidence.length, d.properties.join()).toBeGreaterThan(20);
  });

  it("accepts a failed task's {description, traceback} strings, nothing else", () => {
    const task = recorded("task-2.json", 2);
    task.state = "failed";
    task.error = { description: "fetch failed", traceback: "Traceback (most recent call last):\n  …" };
    expect(validateResponse("GET", TASK, 200, task)).toEqual([]);
    task.error = { description: "[PLP0000] An internal error occurred.", traceback: null, error_code: "PLP0000" };
    expect(validateResponse("GET", TASK, 200, task)).toEqual([]);
    task.error = { description: 42, traceback: "…" };
    expect(validateResponse("GET", TASK, 200, task)).toEqual(["tasks_read 200 /error/description: must be string or null"]);
    task.error = { traceback: "…" };
    expect(validateResponse("GET", TASK, 200, task)).toEqual([
      "tasks_read 200 /error: must have required property 'description'",
    ]);
    task.error = "fetch failed";
    expect(validateResponse("GET", TASK, 200, task)).toEqual(["tasks_read 200 /error: must be object or null"]);
  });

  it("accepts Django's blank email but not a malformed one", () => {
    expect(validateResponse("GET", "/pulp/api/v3/users/2/", 200, user(""))).toEqual([]);
    expect(validateResponse("GET", "/pulp/api/v3/users/2/", 200, user("alice@example.com"))).toEqual([]);
    expect(validateResponse("GET", "/pulp/api/v3/users/2/", 200, user("alice"))).toEqual([
      'users_read 200 /email: must match format "email"',
    ]);
    expect(validateResponse("GET", "/pulp/api/v3/users/2/", 200, user(7))).toEqual([
      "users_read 200 /email: must be string or null",
    ]);
  });

  it("accepts rpm package JSONFields as lists, not as scalars", () => {
    expect(validateResponse("GET", PACKAGE, 200, rpmPackage())).toEqual([]);
    const broken = { ...rpmPackage(), requires: "bash" };
    expect(validateResponse("GET", PACKAGE, 200, broken)).toEqual([
      "content_rpm_packages_read 200 /requires: must be array or null",
    ]);
  });

  it("does not count fields left out by fields= / exclude_fields= as missing", () => {
    const list = "/pulp/api/v3/repositories/rpm/rpm/";
    const page = { count: 1, next: null, previous: null, results: [{ pulp_href: `${list}1/` }] };
    const missingName = ["repositories_rpm_rpm_list 200 /results/0: must have required property 'name'"];
    expect(validateResponse("GET", list, 200, page)).toEqual(missingName);
    expect(validateResponse("GET", `${list}?fields=pulp_href`, 200, page)).toEqual([]);
    expect(validateResponse("GET", `${list}?exclude_fields=name,description`, 200, page)).toEqual([]);
    // Asked for but absent, or excluded something else: still missing.
    expect(validateResponse("GET", `${list}?fields=pulp_href,name`, 200, page)).toEqual(missingName);
    expect(validateResponse("GET", `${list}?exclude_fields=description`, 200, page)).toEqual(missingName);
    // Types of the fields that are present are still checked.
    const wrong = { ...page, results: [{ pulp_href: 7 }] };
    expect(validateResponse("GET", `${list}?fields=pulp_href`, 200, wrong)).toEqual([
      "repositories_rpm_rpm_list 200 /results/0/pulp_href: must be string or null",
    ]);
  });
});
