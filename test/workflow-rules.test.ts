// Each of the project's workflow rules (scripts/lint/rules.ts) failing on a bad example, and the
// good fixture repository passing them all.
import { describe, expect, it } from "vitest";
import { formatProblem, lintWorkflows, type Problem } from "../scripts/lint-workflows";
import { fixture, goodRepo, goodWorkflow, lintWith, PIN } from "./workflow-fixtures";

/** The messages of one rule's problems (by its `[tag]`). */
function tagged(problems: Problem[], tag: string): string[] {
  return problems.filter((p) => p.message.endsWith(`[${tag}]`)).map(formatProblem);
}

/** A reusable workflow of the fixture project; `steps` indented for a job's `steps:`. */
function reusable(steps: string, extra = ""): string {
  return `name: Reusable
on:
  workflow_call:
    inputs:
      slack_alert:
        type: boolean
        default: true
${extra}permissions:
  contents: read
concurrency:
  group: reusable
jobs:
  work:
    runs-on: ubuntu-latest
    timeout-minutes: 30
    steps:
${steps}
  alert:
    runs-on: ubuntu-latest
    needs: [work]
    if: failure() && inputs.slack_alert
    timeout-minutes: 5
    steps:
      - uses: stackhpc/release-train/actions/slack-alert@main
`;
}

const withDemo = `      - uses: stackhpc/release-train/actions/demo@main
        with:
          config: config
`;

describe("workflow rules", () => {
  it("the good fixture follows them all", async () => {
    expect(await lintWorkflows(fixture({ ...goodRepo, ".github/workflows/reusable.yml": reusable(withDemo) }))).toEqual([]);
  });

  it("[cross-repo] a reusable workflow's ./ action step resolves into the caller's checkout", async () => {
    const problems = await lintWith(".github/workflows/reusable.yml", reusable(withDemo.replace("stackhpc/release-train/actions/demo@main", "./actions/demo")));
    expect(tagged(problems, "cross-repo")).toEqual([
      `.github/workflows/reusable.yml:17:15: ./actions/demo resolves in the caller's checkout and fails in a caller's run with "Can't find 'action.yml'"; use stackhpc/release-train/actions/demo@main [cross-repo]`,
    ]);
  });

  it("[cross-repo] a reusable workflow's script runs pnpm or this repository's files from the caller's tree", async () => {
    const steps = `      - run: |
          corepack enable
          pnpm install --frozen-lockfile
      - run: .github/scripts/slack-alert.sh "failed"
`;
    const problems = await lintWorkflows(
      fixture({ ...goodRepo, ".github/scripts/slack-alert.sh": "#!/bin/sh\n", ".github/workflows/reusable.yml": reusable(steps) }),
    );
    const messages = tagged(problems, "cross-repo");
    expect(messages).toHaveLength(2);
    expect(messages[0]).toMatch(/:17:14: run: calls pnpm in the caller's checkout, which has no package\.json/);
    expect(messages[1]).toMatch(/:20:14: run: uses \.github\/scripts\/slack-alert\.sh, a file of stackhpc\/release-train that is missing in a caller's checkout/);
  });

  it("[cross-repo] the same steps in a workflow that is not reusable are fine (it checks out itself)", async () => {
    expect(tagged(await lintWith(".github/workflows/good.yml", goodWorkflow), "cross-repo")).toEqual([]);
  });

  it("[ref] this project's actions at @main (or the release tag), all at one ref, and existing", async () => {
    const problems = await lintWith(
      ".github/workflows/reusable.yml",
      reusable(`${withDemo.replace("@main", "@v2-beta")}      - uses: stackhpc/release-train/actions/nope@main\n`),
    );
    expect(tagged(problems, "ref")).toEqual([
      ".github/workflows/reusable.yml:17:15: stackhpc/release-train/actions/demo@v2-beta: this project's actions and workflows are referenced @main (the release rewrites it to @vX.Y.Z) [ref]",
      ".github/workflows/reusable.yml:20:15: actions/nope has no action.yml in stackhpc/release-train [ref]",
    ]);
    const mixed = await lintWith(".github/workflows/reusable.yml", reusable(withDemo.replace("@main", "@v1.2.3")));
    expect(tagged(mixed, "ref").map((m) => m.replace(/^.*: @/, "@"))).toEqual([
      "@v1.2.3: all of this project's references must use one ref (found v1.2.3, main) [ref]",
      "@main: all of this project's references must use one ref (found v1.2.3, main) [ref]",
    ]);
    const nested = (uses: string) => `name: Nested
on:
  workflow_call:
    inputs:
      slack_alert:
        type: boolean
        default: true
permissions:
  contents: read
concurrency:
  group: nested
jobs:
  call:
    uses: ${uses}
    with:
      group: g
  alert:
    runs-on: ubuntu-latest
    needs: [call]
    if: failure() && inputs.slack_alert
    timeout-minutes: 5
    steps:
      - uses: stackhpc/release-train/actions/slack-alert@main
`;
    const full = await lintWith(".github/workflows/nested.yml", nested("stackhpc/release-train/.github/workflows/callable.yml@main"));
    expect(full.map(formatProblem)).toEqual([]);
    const local = await lintWith(".github/workflows/nested.yml", nested("./.github/workflows/callable.yml"));
    expect(tagged(local, "cross-repo")).toEqual([
      ".github/workflows/nested.yml:14:11: ./.github/workflows/callable.yml in a reusable workflow: a nested local call has been seen to resolve against the calling repository; use stackhpc/release-train/.github/workflows/callable.yml@main (pinned to the tag on release) [cross-repo]",
    ]);
    const branch = await lintWith(".github/workflows/nested.yml", nested("stackhpc/release-train/.github/workflows/callable.yml@feature"));
    expect(tagged(branch, "ref")).toEqual([
      ".github/workflows/nested.yml:14:11: stackhpc/release-train/.github/workflows/callable.yml@feature: this project's actions and workflows are referenced @main (the release rewrites it to @vX.Y.Z) [ref]",
    ]);
  });

  it("[pin] third-party actions at a full commit SHA with a # vX.Y.Z comment", async () => {
    const floating = await lintWith(".github/workflows/good.yml", goodWorkflow.replace(PIN, "actions/checkout@v5"));
    expect(tagged(floating, "pin")).toEqual([
      ".github/workflows/good.yml:17:15: actions/checkout@v5: pin third-party actions to a full commit SHA with a \"# vX.Y.Z\" comment [pin]",
    ]);
    const noComment = await lintWith(".github/workflows/good.yml", goodWorkflow.replace(" # v7.0.1", ""));
    expect(tagged(noComment, "pin")).toEqual([
      '.github/workflows/good.yml:17:15: actions/checkout@3d3c42e5aac5…: add the release it is, as a "# vX.Y.Z" comment [pin]',
    ]);
  });

  it("[runtime] no node20: old third-party majors, unknown runtimes, node-version and containers", async () => {
    const old = await lintWith(".github/workflows/good.yml", goodWorkflow.replace("# v7.0.1", "# v4.2.2"));
    expect(tagged(old, "runtime")).toEqual([
      ".github/workflows/good.yml:17:15: actions/checkout@v4.2.2 runs on node20; use v5 or later (node24) [runtime]",
    ]);
    const unknown = await lintWith(".github/workflows/good.yml", goodWorkflow.replace("actions/checkout@", "someone/thing@"));
    expect(tagged(unknown, "runtime")[0]).toMatch(/someone\/thing: runtime unknown; check its action\.yml runs on node24 and add it to NODE24_SINCE/);
    const node20 = await lintWith(
      ".github/workflows/good.yml",
      goodWorkflow
        .replace("    timeout-minutes: 30\n", "    timeout-minutes: 30\n    container: node:20-bookworm\n")
        .replace(`      - uses: ${PIN}\n`, `      - uses: ${PIN}\n        with:\n          node-version: 20\n`),
    );
    expect(tagged(node20, "runtime")).toEqual([
      ".github/workflows/good.yml:16:16: container node:20-bookworm is an old Node; use node:24 [runtime]",
      ".github/workflows/good.yml:20:25: node-version 20: actions and tools run on Node 24 [runtime]",
    ]);
  });

  it("[timeout] every job has timeout-minutes, larger than its actions' wait-timeout", async () => {
    const none = await lintWith(".github/workflows/good.yml", goodWorkflow.replace("    timeout-minutes: 30\n", ""));
    expect(tagged(none, "timeout")).toEqual([".github/workflows/good.yml:13:3: job sync has no timeout-minutes (GitHub's default is 6 hours) [timeout]"]);

    const waiting = (wait: string) =>
      fixture({
        ...goodRepo,
        "actions/demo/action.yml": `${goodRepo["actions/demo/action.yml"]!.replace("inputs:\n", `inputs:\n  wait-timeout:\n    description: minutes\n    default: "${wait}"\n`)}`,
        "actions/demo/README.md": "",
      });
    const equal = (await lintWorkflows(waiting("30"))).filter((p) => p.message.endsWith("[timeout]"));
    expect(equal.map(formatProblem)).toEqual([
      ".github/workflows/good.yml:15:22: timeout-minutes 30 of job sync must exceed its step's wait-timeout (30, the action's default) by 15 minutes, so the action stops cleanly and saves its state first [timeout]",
    ]);
    expect((await lintWorkflows(waiting("10"))).filter((p) => p.message.endsWith("[timeout]"))).toEqual([]);
  });

  it("[permissions] least privilege at the top level", async () => {
    const missing = await lintWith(".github/workflows/good.yml", goodWorkflow.replace("permissions:\n  contents: read\n", ""));
    expect(tagged(missing, "permissions")[0]).toMatch(/good\.yml:1:1: no top-level permissions:/);
    const all = await lintWith(".github/workflows/good.yml", goodWorkflow.replace("permissions:\n  contents: read\n", "permissions: write-all\n"));
    expect(tagged(all, "permissions")).toEqual([
      ".github/workflows/good.yml:8:14: permissions: write-all is not least privilege; list the scopes the jobs need [permissions]",
    ]);
    const write = await lintWith(".github/workflows/good.yml", goodWorkflow.replace("  contents: read\n", "  contents: write\n"));
    expect(tagged(write, "permissions")).toEqual([
      ".github/workflows/good.yml:9:3: contents: write at the top level gives it to every job; grant it on the job that needs it [permissions]",
    ]);
  });

  it("[concurrency] a dispatched workflow that changes things has a concurrency group", async () => {
    const problems = await lintWith(".github/workflows/good.yml", goodWorkflow.replace("concurrency:\n  group: good\n", ""));
    expect(tagged(problems, "concurrency")).toEqual([
      ".github/workflows/good.yml:3:3: a workflow_dispatch workflow that changes things needs a top-level concurrency: group (a dispatch during the cron run would do the same work twice) [concurrency]",
    ]);
  });

  it("[secrets] a required secret that some valid inputs do not need", async () => {
    const extra = `    secrets:
      ARK_PASSWORD:
        required: true
      UNUSED:
        required: true
      ALWAYS:
        required: true
`;
    const steps = `      - run: echo "$P"
        if: inputs.slack_alert
        env:
          P: \${{ secrets.ARK_PASSWORD }}
      - run: echo "$A"
        env:
          A: \${{ secrets.ALWAYS }}
`;
    const problems = await lintWith(".github/workflows/reusable.yml", reusable(steps, extra));
    expect(tagged(problems, "secrets")).toEqual([
      ".github/workflows/reusable.yml:9:7: secret ARK_PASSWORD is required, but only jobs or steps that depend on inputs use it: a run without them must not need it; make it optional and check it where it is needed [secrets]",
      ".github/workflows/reusable.yml:11:7: secret UNUSED is required but no job uses it [secrets]",
    ]);
  });

  it("[alert] one alert job that needs every job, on failure(), switchable in reusable workflows", async () => {
    const none = await lintWith(".github/workflows/good.yml", goodWorkflow.slice(0, goodWorkflow.indexOf("  alert:")));
    expect(tagged(none, "alert")[0]).toMatch(/good\.yml:13:3: no alert job: add one that uses stackhpc\/release-train\/actions\/slack-alert/);

    const partial = await lintWith(".github/workflows/good.yml", goodWorkflow.replace("needs: [sync]", "needs: []").replace("if: failure()", "if: always()"));
    expect(tagged(partial, "alert")).toEqual([
      ".github/workflows/good.yml:26:3: alert job alert must run if: failure() [alert]",
      ".github/workflows/good.yml:26:3: alert job alert must need every job, so set-up failures alert too (missing: sync) [alert]",
    ]);

    const unswitchable = await lintWith(".github/workflows/reusable.yml", reusable(withDemo).replace(" && inputs.slack_alert", ""));
    expect(tagged(unswitchable, "alert")).toEqual([
      ".github/workflows/reusable.yml:21:3: alert job alert must honour inputs.slack_alert (if: failure() && inputs.slack_alert) [alert]",
    ]);

    const matrix = `name: Matrix
on: workflow_dispatch
permissions:
  contents: read
concurrency:
  group: matrix
jobs:
  call:
    uses: ./.github/workflows/reusable.yml
  alert:
    runs-on: ubuntu-latest
    needs: [call]
    if: failure()
    timeout-minutes: 5
    steps:
      - uses: stackhpc/release-train/actions/slack-alert@main
`;
    const twice = await lintWorkflows(fixture({ ...goodRepo, ".github/workflows/reusable.yml": reusable(withDemo), ".github/workflows/matrix.yml": matrix }));
    expect(tagged(twice, "alert")).toEqual([
      ".github/workflows/matrix.yml:9:11: pass slack_alert: false to .github/workflows/reusable.yml: this workflow's alert job already reports the run (one alert per failed run) [alert]",
    ]);
  });

  it("[docs] actions have branding and a README whose generated part matches action.yml", async () => {
    const noBranding = await lintWith("actions/demo/action.yml", goodRepo["actions/demo/action.yml"]!.replace(/branding:\n( {2}.*\n)+/, ""));
    expect(tagged(noBranding, "docs")).toContain("actions/demo/action.yml:1:1: no branding: (icon and color) [docs]");
    const stale = await lintWith("actions/demo/action.yml", goodRepo["actions/demo/action.yml"]!.replace("description: optional", "description: a new text"));
    expect(tagged(stale, "docs")).toEqual([
      "actions/demo/README.md:3:1: the generated usage/inputs/outputs part differs from action.yml: run `pnpm docs:actions` [docs]",
    ]);
  });

  it("[dependabot] a repository with package.json has Dependabot for github-actions and npm", async () => {
    const root = fixture({
      ...goodRepo,
      "package.json": "{}",
      ".github/dependabot.yml": "version: 2\nupdates:\n  - package-ecosystem: npm\n    directory: /\n    schedule:\n      interval: weekly\n",
    });
    expect(tagged(await lintWorkflows(root), "dependabot")).toEqual([
      ".github/dependabot.yml:3:3: Dependabot does not watch the github-actions ecosystem [dependabot]",
    ]);
  });
});
