/** The job summary: the message as sent (or not, without a webhook). */
export function alertSummary(text: string, sent: boolean): string {
  return [`### Slack alert ${sent ? "sent" : "not sent (no webhook)"}`, "", "```", text, "```"].join("\n");
}
