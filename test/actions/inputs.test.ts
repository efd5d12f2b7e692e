import { describe, expect, it } from "vitest";
import { type InputName, InputError, readInputs } from "../../actions/sync-package-repos/src/inputs";
import { actionMetadata } from "./run-action";

/** Inputs as the runner passes them: action.yml defaults, then the given values; unset is "". */
function inputs(given: Partial<Record<InputName, string>>) {
  const declared = actionMetadata("sync-package-repos").inputs ?? {};
  return (name: InputName): string => given[name] ?? (declared[name]?.default as string | undefined) ?? "";
}

const CERT = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
const KEY = "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n";

function problems(given: Partial<Record<InputName, string>>): string[] {
  try {
    readInputs(inputs(given));
  } catch (error) {
    if (error instanceof InputError) return error.problems;
    throw error;
  }
  return [];
}

describe("sync-package-repos inputs", () => {
  it("applies action.yml defaults and types the values", () => {
    const parsed = readInputs(inputs({ config: "cfg", "pulp-url": "https://ark.example.com", "check-mode": "True" }));
    expect(parsed).toMatchObject({
      config: "cfg",
      target: "ark",
      checkMode: true,
      concurrency: 8,
      contentGuard: "development",
      listSyncGroups: false,
      requestTimeout: 60,
      taskRetries: 2,
      pulp: { url: "https://ark.example.com" },
    });
    expect(parsed.filter).toBeUndefined();
    expect(parsed.pinnedVersions).toBeUndefined();
  });

  it("lists every problem at once", () => {
    expect(
      problems({ config: "cfg", "pulp-url": "ftp://x", target: "prod", concurrency: "-1", "check-mode": "yes" }),
    ).toEqual([
      "input `target` must be ark or test",
      "input `pulp-url` must be an http(s) URL",
      "input `check-mode` must be true or false",
      "input `concurrency` must be a positive integer",
    ]);
  });

  it("takes the request timeout and task retries, naming them when wrong", () => {
    expect(readInputs(inputs({ config: "cfg", "pulp-url": "https://ark.example.com", "request-timeout": "5", "task-retries": "0" }))).toMatchObject({ requestTimeout: 5, taskRetries: 0 });
    expect(problems({ config: "cfg", "pulp-url": "https://ark.example.com", "request-timeout": "0", "task-retries": "-1" })).toEqual([
      "input `request-timeout` must be a positive integer",
      "input `task-retries` must be a whole number (0 or more)",
    ]);
  });

  it("needs a Pulp URL to sync, but not to list sync groups", () => {
    expect(problems({ config: "cfg" })).toEqual(["input `pulp-url` is required to sync"]);
    expect(problems({ config: "cfg", "list-sync-groups": "true" })).toEqual([]);
  });

  it("needs Ark's content URL for the test target, and certificates with their keys", () => {
    expect(
      problems({ config: "cfg", target: "test", "pulp-url": "http://test:8080", "ark-client-cert": CERT, "pulp-client-key": KEY }),
    ).toEqual([
      "input `ark-content-url` is required for target test",
      "input `pulp-client-key` pulp-client-cert and pulp-client-key go together",
      "input `ark-client-key` ark-client-cert and ark-client-key go together",
    ]);
  });

  it("parses pinned versions as a JSON object of strings", () => {
    const ok = readInputs(inputs({ config: "c", "pulp-url": "http://p", "pinned-versions": '{"epel": "20261125T000000"}' }));
    expect(ok.pinnedVersions).toEqual({ epel: "20261125T000000" });
    expect(problems({ config: "c", "pulp-url": "http://p", "pinned-versions": "{epel" })[0]).toMatch(
      /^input `pinned-versions` is not JSON: /,
    );
    expect(problems({ config: "c", "pulp-url": "http://p", "pinned-versions": '{"epel": 1}' })).toEqual([
      "input `pinned-versions.epel` must be a version string",
    ]);
    expect(problems({ config: "c", "pulp-url": "http://p", "pinned-versions": '["epel"]' })).toEqual([
      'input `pinned-versions` must be a JSON object {"<short_name>": "<version>"}',
    ]);
  });

  it("names the input whose version, pinned version or PEM is wrong, never echoing a key (defect 11)", () => {
    expect(
      problems({
        config: "c",
        "pulp-url": "http://p",
        version: "yesterday",
        "pinned-versions": '{"epel": "2026-11-25", "el9": "20261125T000000"}',
        "pulp-client-cert": KEY,
        "pulp-client-key": CERT,
        "pulp-ca-cert": "not pem",
      }),
    ).toEqual([
      "input `pulp-client-cert` holds a private key, not a certificate",
      "input `pulp-client-key` holds a certificate, not a private key",
      'input `pulp-ca-cert` is not PEM (no "-----BEGIN …-----" line); expected a certificate',
      'input `version` must be a snapshot version YYYYMMDDTHHMMSS (UTC), e.g. 20251124T200000; got "yesterday"',
      'input `pinned-versions.epel` must be a snapshot version YYYYMMDDTHHMMSS (UTC), e.g. 20251124T200000; got "2026-11-25"',
    ]);
  });
});
