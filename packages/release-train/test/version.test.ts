import { describe, expect, it } from "vitest";
import { isValidVersion, parseVersion, resolveVersion, VersionError, versionFromDate } from "../src/version";

describe("versions", () => {
  it("formats a date in UTC as YYYYMMDDTHHMMSS", () => {
    expect(versionFromDate(new Date("2026-07-02T23:06:48.999Z"))).toBe("20260702T230648");
    expect(versionFromDate(new Date("2026-01-05T01:02:03+02:00"))).toBe("20260104T230203");
  });

  it("round-trips through parseVersion", () => {
    const date = parseVersion("20240229T235959");
    expect(date.toISOString()).toBe("2024-02-29T23:59:59.000Z");
    expect(versionFromDate(date)).toBe("20240229T235959");
  });

  it.each([
    ["20230229T000000", "not a real date"], // not a leap year
    ["20240431T000000", "not a real date"],
    ["20240101T240000", "not a real date"],
    ["20240101T006000", "not a real date"],
    ["2024-01-01T00:00:00", "expected YYYYMMDDTHHMMSS"],
    ["20240101", "expected YYYYMMDDTHHMMSS"],
    [" 20240101T000000", "expected YYYYMMDDTHHMMSS"],
  ])("rejects %j", (version, reason) => {
    expect(() => parseVersion(version)).toThrow(VersionError);
    expect(() => parseVersion(version)).toThrow(reason);
    expect(isValidVersion(version)).toBe(false);
  });

  it("takes the time once when no version is given, validates a given one", () => {
    let calls = 0;
    const clock = () => {
      calls += 1;
      return new Date(Date.UTC(2025, 11, 31, 23, 59, 58));
    };
    expect(resolveVersion(undefined, clock)).toBe("20251231T235958");
    expect(calls).toBe(1);
    expect(resolveVersion("20250627T134211", clock)).toBe("20250627T134211");
    expect(calls).toBe(1);
    expect(() => resolveVersion("20251301T000000", clock)).toThrow(VersionError);
  });
});
