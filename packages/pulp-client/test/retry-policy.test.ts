import { describe, expect, it } from "vitest";
import { backoffDelay, DEFAULT_RETRY, encodeQuery, parseRetryAfter, versionHref } from "../src/index";

describe("retry policy", () => {
  it("backs off exponentially with jitter within [base/2, base], capped", () => {
    const policy = { ...DEFAULT_RETRY, minDelayMs: 100, maxDelayMs: 1_000 };
    expect([0, 1, 2, 3, 4].map((a) => backoffDelay(a, policy, () => 0))).toEqual([50, 100, 200, 400, 500]);
    expect([0, 1, 2, 3, 4].map((a) => backoffDelay(a, policy, () => 1))).toEqual([100, 200, 400, 800, 1_000]);
    const samples = Array.from({ length: 50 }, () => backoffDelay(2, policy));
    expect(Math.min(...samples)).toBeGreaterThanOrEqual(200);
    expect(Math.max(...samples)).toBeLessThanOrEqual(400);
    expect(new Set(samples).size).toBeGreaterThan(1);
  });

  it("parses Retry-After as seconds or an HTTP date", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(parseRetryAfter("3", now)).toBe(3_000);
    expect(parseRetryAfter("0.5", now)).toBe(500);
    expect(parseRetryAfter("Thu, 01 Jan 2026 00:00:10 GMT", now)).toBe(10_000);
    expect(parseRetryAfter("Wed, 31 Dec 2025 00:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter("soon", now)).toBeUndefined();
  });
});

describe("query and href helpers", () => {
  it("comma-joins arrays, drops null/undefined, URL-encodes hrefs", () => {
    expect(
      encodeQuery({
        name__in: ["a", "b"],
        repository_version: "/pulp/api/v3/repositories/rpm/rpm/1/versions/2/",
        skip: undefined,
        none: null,
        limit: 1,
      }),
    ).toBe("?name__in=a%2Cb&repository_version=%2Fpulp%2Fapi%2Fv3%2Frepositories%2Frpm%2Frpm%2F1%2Fversions%2F2%2F&limit=1");
    expect(encodeQuery({})).toBe("");
  });

  it("builds version hrefs", () => {
    expect(versionHref("/pulp/api/v3/repositories/rpm/rpm/1/" as never, 7)).toBe("/pulp/api/v3/repositories/rpm/rpm/1/versions/7/");
  });
});
