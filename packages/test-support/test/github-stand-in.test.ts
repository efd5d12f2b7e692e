// The GitHub stand-in checks itself against api.github.com's OpenAPI description: a validator that
// accepted anything would make every test using the stand-in worthless, so test that it refuses.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
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
