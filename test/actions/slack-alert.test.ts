// The bundled slack-alert action as a runner runs it, against a local HTTP server standing in for
// a Slack incoming webhook.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { INPUT_NAMES } from "../../actions/slack-alert/src/inputs";
import { actionMetadata, runAction } from "./run-action";

const RUN_ENV = {
  GITHUB_WORKFLOW: "Nightly package sync",
  GITHUB_REPOSITORY: "acme/release-train-config",
  GITHUB_SERVER_URL: "https://github.com",
  GITHUB_RUN_ID: "4242",
  GITHUB_RUN_ATTEMPT: "2",
  GITHUB_REF_NAME: "main",
};
const NEEDS = JSON.stringify({ "sync-groups": { result: "success", outputs: {} }, sync: { result: "failure", outputs: {} }, aggregate: { result: "cancelled" } });

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** A webhook answering with `statuses` in turn (then 200), recording each body. */
async function webhook(statuses: number[] = []): Promise<{ url: string; bodies: unknown[] }> {
  const bodies: unknown[] = [];
  server = createServer((req, res) => {
    let text = "";
    req.on("data", (c) => {
      text += c;
    });
    req.on("end", () => {
      bodies.push(JSON.parse(text));
      const status = statuses.shift() ?? 200;
      res.writeHead(status, { "content-type": "text/plain" });
      res.end(status === 200 ? "ok" : "no_service");
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/services/T000/B000/secretpart`, bodies };
}

describe("slack-alert action", () => {
  it("declares exactly the inputs it reads", () => {
    expect(Object.keys(actionMetadata("slack-alert").inputs ?? {}).sort()).toEqual([...INPUT_NAMES].sort());
  });

  it("posts one message naming the failed jobs and the run", async () => {
    const hook = await webhook();
    const run = await runAction("slack-alert", { "webhook-url": hook.url, needs: NEEDS }, { env: RUN_ENV });
    expect(run.code).toBe(0);
    expect(run.outputs["sent"]).toBe("true");
    expect(hook.bodies).toEqual([
      {
        text: ":x: Nightly package sync failed in acme/release-train-config (main)\nFailed: sync, aggregate (cancelled)\n<https://github.com/acme/release-train-config/actions/runs/4242/attempts/2|Open the run>",
      },
    ]);
    expect(run.summary).toContain("### Slack alert sent");
    expect(`${run.stdout}${run.summary}`.split("\n").filter((l) => l.includes("secretpart"))).toEqual([`::add-mask::${hook.url}`]);
  });

  it("retries a 5xx answer", async () => {
    const hook = await webhook([503]);
    const run = await runAction("slack-alert", { "webhook-url": hook.url, needs: NEEDS, text: "Promotion failed" }, { env: RUN_ENV });
    expect(run.code).toBe(0);
    expect(hook.bodies).toHaveLength(2);
    expect((hook.bodies[1] as { text: string }).text).toMatch(/^:x: Promotion failed\n/);
  }, 20_000);

  it("fails on a refused webhook without printing its URL", async () => {
    const hook = await webhook([404]);
    const run = await runAction("slack-alert", { "webhook-url": hook.url, needs: NEEDS }, { env: RUN_ENV });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("::error::Slack webhook refused the alert: HTTP 404: no_service");
    expect(`${run.stdout}${run.stderr}`.split("\n").filter((l) => l.includes("secretpart"))).toEqual([`::add-mask::${hook.url}`]);
  });

  it("without a webhook warns and succeeds; bad needs JSON is an input error", async () => {
    const none = await runAction("slack-alert", { needs: NEEDS }, { env: RUN_ENV });
    expect(none.code).toBe(0);
    expect(none.outputs["sent"]).toBe("false");
    expect(none.stdout).toMatch(/^::warning::no Slack webhook-url given: alert not sent/m);

    const bad = await runAction("slack-alert", { needs: "{not json", "webhook-url": "ftp://x" }, { env: RUN_ENV });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain("input `webhook-url` must be an http(s) URL");
    expect(bad.stdout).toContain("input `needs` is not JSON");
  });
});
