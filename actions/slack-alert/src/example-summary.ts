// A sample alert for the README's "Example job summary" (`pnpm docs:actions`).
import { slackAlertText } from "@release-train/release-train/alerts";
import { alertSummary } from "./summary";

export function exampleSummary(): string {
  const text = slackAlertText(
    { workflow: "Nightly package sync", repository: "stackhpc/stackhpc-release-train", serverUrl: "https://github.com", runId: "12345678", ref: "main" },
    { "sync-groups": { result: "success" }, sync: { result: "failure" }, aggregate: { result: "success" } },
  );
  return alertSummary(text, true);
}
