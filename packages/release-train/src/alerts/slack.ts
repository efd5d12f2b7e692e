// One Slack message per failed workflow run: which workflow, which jobs failed (read from the
// `needs` context of the alert job, which needs every other job), and the run's URL.
// Self-contained (no client, no undici): the slack-alert action bundles only this module.

export type JobResults = Record<string, { result?: string } | undefined>;

/** Jobs of `needs` that failed or were cancelled (a timed-out job is cancelled by the runner). */
export function failedJobs(needs: JobResults): { job: string; result: string }[] {
  return Object.entries(needs)
    .filter(([, v]) => v?.result === "failure" || v?.result === "cancelled")
    .map(([job, v]) => ({ job, result: v?.result ?? "" }));
}

export interface RunContext {
  workflow: string;
  repository: string;
  serverUrl: string;
  runId: string;
  runAttempt?: string | undefined;
  ref?: string | undefined;
}

export function runUrl(run: RunContext): string {
  const attempt = run.runAttempt && run.runAttempt !== "1" ? `/attempts/${run.runAttempt}` : "";
  return `${run.serverUrl.replace(/\/+$/, "")}/${run.repository}/actions/runs/${run.runId}${attempt}`;
}

/** The message: `text` when given, else a line naming the workflow, the failed jobs and the run. */
export function slackAlertText(run: RunContext, needs: JobResults, text?: string): string {
  const failed = failedJobs(needs);
  const jobs = failed.length ? failed.map((f) => (f.result === "failure" ? f.job : `${f.job} (${f.result})`)).join(", ") : "see the run";
  const head = text || `${run.workflow} failed in ${run.repository}${run.ref ? ` (${run.ref})` : ""}`;
  return `:x: ${head}\nFailed: ${jobs}\n<${runUrl(run)}|Open the run>`;
}

/** POSTs `{text}` to an incoming webhook; retries 5xx/network errors; errors never show the URL. */
export async function postSlackAlert(
  webhookUrl: string,
  text: string,
  options: { attempts?: number; delayMs?: number; fetch?: typeof fetch } = {},
): Promise<void> {
  const attempts = options.attempts ?? 3;
  const post = options.fetch ?? fetch;
  let last = "";
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      const response = await post(webhookUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ text }),
        signal: AbortSignal.timeout(30_000),
      });
      if (response.ok) return;
      last = `HTTP ${response.status}: ${(await response.text()).slice(0, 200)}`;
      if (response.status < 500 && response.status !== 429) break; // a bad webhook will not get better
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    if (attempt < attempts) await new Promise((r) => setTimeout(r, (options.delayMs ?? 2000) * attempt));
  }
  throw new Error(`Slack webhook refused the alert: ${last.split(webhookUrl).join("<webhook>")}`);
}
