// The GitHub stand-in checks itself against api.github.com's OpenAPI description: a validator that
// accepted anything would make every test using the stand-in worthless, so test that it refuses.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { bareGit } from "../src/github/git-store";
import { GitHubStandIn, validateGitHubRequest, validateGitHubResponse } from "../src/github/index";

describe("GitHub OpenAPI validation", () => {
  it("refuses a response that lacks required fields or has wrong types", () => {
    expect(validateGitHubResponse("GET", "/repos/o/r/git/ref/heads/main", 200, { ref: "refs/heads/main" })).toEqual(
      expect.arrayContaining([expect.stringContaining("git/get-ref 200 / must have required property 'node_id'")]),
    );
    expect(validateGitHubResponse("GET", "/repos/o/r/compare/a...b", 200, { ahead_by: "2" }).length).toBeGreaterThan(5);
  });

  it("refuses a request body that breaks the schema, and an unknown route", () => {
    expect(validateGitHubRequest("POST", "/repos/o/r/git/refs", { ref: "refs/heads/x" })).toEqual([
      "git/create-ref request / must have required property 'sha' {\"missingProperty\":\"sha\"}",
    ]);
    expect(validateGitHubRequest("POST", "/repos/o/r/pulls", { head: "x", base: 3 })[0]).toContain("pulls/create request /base must be string");
    expect(validateGitHubRequest("POST", "/repos/o/r/no-such-thing", {})).toEqual([
      "POST /repos/o/r/no-such-thing: no such operation in api.github.com's OpenAPI description",
    ]);
  });

  it("accepts rate-limit errors on any operation as basic-error", () => {
    expect(validateGitHubResponse("GET", "/repos/o/r", 429, { message: "Too Many Requests", documentation_url: "https://docs.github.com/rest" })).toEqual([]);
  });
});

describe("GitHubStandIn", () => {
  let github: GitHubStandIn;
  beforeEach(async () => {
    github = new GitHubStandIn({ tokens: { t: { login: "me" } } });
    await github.start();
    await github.addRepository("o/r");
  });
  afterEach(async () => {
    await github.stop();
  });

  const get = (path: string, token = "t") => fetch(`${github.url}${path}`, { headers: { authorization: `token ${token}` } });

  it("answers injected secondary rate limits and 429s with Retry-After, then recovers", async () => {
    github.injectRateLimit({ kind: "secondary", retryAfter: 7, times: 1 });
    github.injectRateLimit({ kind: "429", retryAfter: 3, times: 1 });
    const first = await get("/repos/o/r");
    expect(first.status).toBe(403);
    expect(first.headers.get("retry-after")).toBe("7");
    expect(((await first.json()) as { message: string }).message).toMatch(/secondary rate limit/);
    const second = await get("/repos/o/r");
    expect([second.status, second.headers.get("retry-after")]).toEqual([429, "3"]);
    expect((await get("/repos/o/r")).status).toBe(200);
    expect(github.violations).toEqual([]);
  });

  it("rejects bad credentials and records requests that break the spec", async () => {
    expect((await get("/repos/o/r", "nope")).status).toBe(401);
    const bad = await fetch(`${github.url}/repos/o/r/git/refs`, { method: "POST", headers: { authorization: "token t" }, body: JSON.stringify({ ref: "refs/heads/x" }) });
    expect(bad.status).toBe(422);
    expect(github.violations).toEqual(["POST /repos/o/r/git/refs: git/create-ref request / must have required property 'sha' {\"missingProperty\":\"sha\"}"]);
  });
});

describe("GitHubStandIn workflow dispatches", () => {
  let github: GitHubStandIn;
  beforeEach(async () => {
    github = new GitHubStandIn({ tokens: { t: { login: "me" } } });
    await github.start();
    const bare = await github.addRepository("o/r", { autoInit: true, defaultBranch: "main", workflows: [{ path: ".github/workflows/sync.yml", name: "Sync", inputs: ["filter"] }] });
    await bareGit(bare, ["tag", "v1.0.0", "main"]);
  });
  afterEach(async () => {
    await github.stop();
  });

  const dispatch = async (body: unknown, workflow = "sync.yml") => {
    const res = await fetch(`${github.url}/repos/o/r/actions/workflows/${workflow}/dispatches`, { method: "POST", headers: { authorization: "token t" }, body: JSON.stringify(body) });
    return [res.status, res.status === 204 ? undefined : ((await res.json()) as { message: string }).message] as const;
  };

  it("accepts a branch, a tag or a full ref with declared inputs, by file name or id", async () => {
    const id = github.workflowsOf("o/r")[0]!.id;
    expect(await dispatch({ ref: "main", inputs: { filter: "^a$" } })).toEqual([204, undefined]);
    expect(await dispatch({ ref: "v1.0.0" }, String(id))).toEqual([204, undefined]);
    expect(await dispatch({ ref: "refs/heads/main" })).toEqual([204, undefined]);
    expect(github.dispatchesOf("o/r").map((d) => [d.ref, d.inputs])).toEqual([
      ["main", { filter: "^a$" }],
      ["v1.0.0", {}],
      ["refs/heads/main", {}],
    ]);
    expect(github.violations).toEqual([]);
  });

  it("refuses as GitHub does: unknown workflow, missing or unknown ref, inputs not declared", async () => {
    expect(await dispatch({ ref: "main" }, "other.yml")).toEqual([404, "Not Found"]);
    expect(await dispatch({ ref: "nope" })).toEqual([422, "No ref found for: nope"]);
    // A commit SHA is not a branch or tag.
    const sha = await bareGit(github.bareOf("o/r"), ["rev-parse", "main"]);
    expect(await dispatch({ ref: sha })).toEqual([422, `No ref found for: ${sha}`]);
    expect(await dispatch({ ref: "main", inputs: { filter: "x", typo: "y", other: "z" } })).toEqual([422, 'Unexpected inputs provided: ["typo","other"]']);
    expect(github.violations).toEqual([]);
    expect(github.dispatchesOf("o/r")).toEqual([]);
  });

  it("refuses bodies that break the description, and records them as violations", async () => {
    expect(await dispatch({ inputs: {} })).toEqual([422, 'Invalid request.\n\n"ref" wasn\'t supplied.']);
    expect(await dispatch({ ref: "main", inputs: ["filter"] })).toEqual([422, "Invalid request.\n\nFor 'properties/inputs', is not an object."]);
    const many = Object.fromEntries(Array.from({ length: 26 }, (_, i) => [`i${i}`, "x"]));
    expect(await dispatch({ ref: "main", inputs: many })).toEqual([422, "Invalid request.\n\nFor 'properties/inputs', too many properties (maximum 25)."]);
    expect(github.violations).toEqual([
      expect.stringContaining("actions/create-workflow-dispatch request / must have required property 'ref'"),
      expect.stringContaining("actions/create-workflow-dispatch request /inputs must be object"),
      expect.stringContaining("actions/create-workflow-dispatch request /inputs must NOT have more than 25 properties"),
    ]);
    expect(github.dispatchesOf("o/r")).toEqual([]);
  });
});
