import { describe, expect, it } from "vitest";
import { failedJobs, postSlackAlert, runUrl, slackAlertText } from "../src/alerts/slack";

const run = { workflow: "Nightly", repository: "acme/config", serverUrl: "https://github.com/", runId: "7", runAttempt: "1" };

describe("Slack alerts", () => {
  it("names failed and cancelled jobs (a timed-out job is cancelled), not skipped or successful ones", () => {
    const needs = { a: { result: "success" }, b: { result: "failure" }, c: { result: "skipped" }, d: { result: "cancelled" } };
    expect(failedJobs(needs)).toEqual([
      { job: "b", result: "failure" },
      { job: "d", result: "cancelled" },
    ]);
    expect(slackAlertText(run, needs)).toBe(":x: Nightly failed in acme/config\nFailed: b, d (cancelled)\n<https://github.com/acme/config/actions/runs/7|Open the run>");
    expect(slackAlertText(run, {})).toContain("Failed: see the run");
  });

  it("links the attempt of a re-run", () => {
    expect(runUrl({ ...run, runAttempt: "3" })).toBe("https://github.com/acme/config/actions/runs/7/attempts/3");
  });

  it("never puts the webhook URL into its error, also when the transport error quotes it", async () => {
    const url = "https://hooks.example.com/services/T/B/secret";
    const failing = (async () => {
      throw new Error(`connect ECONNREFUSED for ${url}`);
    }) as typeof fetch;
    const error = (await postSlackAlert(url, "x", { attempts: 2, delayMs: 1, fetch: failing }).catch((e: Error) => e)) as Error;
    expect(error.message).toBe("Slack webhook refused the alert: connect ECONNREFUSED for <webhook>");
  });
});
