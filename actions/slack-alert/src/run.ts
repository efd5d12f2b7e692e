// inputs → one Slack message → output and job summary.
import { appendFile } from "node:fs/promises";
import { postSlackAlert, type RunContext, slackAlertText } from "@release-train/release-train/alerts";
import type { SlackAlertInputs } from "./inputs";
import { alertSummary } from "./summary";

export async function run(inputs: SlackAlertInputs, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const context: RunContext = {
    workflow: env["GITHUB_WORKFLOW"] ?? "workflow",
    repository: env["GITHUB_REPOSITORY"] ?? "",
    serverUrl: env["GITHUB_SERVER_URL"] ?? "https://github.com",
    runId: env["GITHUB_RUN_ID"] ?? "",
    runAttempt: env["GITHUB_RUN_ATTEMPT"],
    ref: env["GITHUB_REF_NAME"],
  };
  const text = slackAlertText(context, inputs.needs, inputs.text);
  let sent = false;
  if (inputs.webhookUrl) {
    await postSlackAlert(inputs.webhookUrl, text);
    sent = true;
    process.stdout.write(`Slack alert sent:\n${text}\n`);
  } else {
    process.stdout.write(`::warning::no Slack webhook-url given: alert not sent%0A${text.replace(/\n/g, "%0A")}\n`);
  }
  if (env["GITHUB_OUTPUT"]) await appendFile(env["GITHUB_OUTPUT"], `sent=${sent}\n`);
  if (env["GITHUB_STEP_SUMMARY"]) await appendFile(env["GITHUB_STEP_SUMMARY"], `${alertSummary(text, sent)}\n`);
}

