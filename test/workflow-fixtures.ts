// Fixture repositories for the workflow lint's tests: a good repository that follows every rule,
// and helpers to lint it with one file replaced.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll } from "vitest";
import { renderActionDocs, withActionDocs } from "../scripts/lint/action-docs";
import { lintWorkflows, type Problem } from "../scripts/lint-workflows";

const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** A throwaway repository holding the given files (path → content). */
export function fixture(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "lint-workflows-"));
  tempDirs.push(root);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

export const demoAction = `name: Demo
description: A local action
inputs:
  config:
    description: required, no default
    required: true
  target:
    description: required, with a default
    required: true
    default: ark
  filter:
    description: optional
runs:
  using: node24
  main: dist/index.js
outputs:
  result:
    description: an output
branding:
  icon: box
  color: blue
`;

export const slackAlertAction = `name: Slack alert
description: Alerts
inputs:
  webhook-url:
    description: webhook
  needs:
    description: needs
runs:
  using: node24
  main: dist/index.js
branding:
  icon: bell
  color: red
`;

export const PIN = "actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1";

export const goodWorkflow = `name: Good
on:
  workflow_dispatch:
    inputs:
      filter:
        description: A filter
        type: string
permissions:
  contents: read
concurrency:
  group: good
jobs:
  sync:
    runs-on: ubuntu-latest
    timeout-minutes: 30
    steps:
      - uses: ${PIN}
      - uses: ./actions/demo
        with:
          config: config
          filter: \${{ inputs.filter }}
        id: demo
      - run: echo "$RESULT"
        env:
          RESULT: \${{ steps.demo.outputs.result }}
  alert:
    runs-on: ubuntu-latest
    needs: [sync]
    if: failure()
    timeout-minutes: 5
    steps:
      - uses: stackhpc/release-train/actions/slack-alert@main
        with:
          needs: \${{ toJSON(needs) }}
`;

export const callableWorkflow = `name: Callable
on:
  workflow_call:
    inputs:
      group:
        description: A group
        type: string
        required: true
    outputs:
      greeting:
        description: A greeting
        value: \${{ jobs.run.outputs.greeting }}
permissions:
  contents: read
jobs:
  run:
    runs-on: ubuntu-latest
    timeout-minutes: 5
    outputs:
      greeting: hello
    steps:
      - run: echo "$GROUP"
        env:
          GROUP: \${{ inputs.group }}
`;

/** actions/<name>/README.md as `pnpm docs:actions` writes it, for a fixture repository. */
async function readmes(files: Record<string, string>): Promise<Record<string, string>> {
  const root = fixture(files);
  const out: Record<string, string> = {};
  for (const path of Object.keys(files).filter((f) => /^actions\/[^/]+\/action\.yml$/.test(f))) {
    const name = path.split("/")[1]!;
    out[`actions/${name}/README.md`] = withActionDocs(`# ${name}\n`, await renderActionDocs(root, name, "stackhpc/release-train"));
  }
  return out;
}

export const goodFiles: Record<string, string> = {
  ".github/workflows/good.yml": goodWorkflow,
  ".github/workflows/callable.yml": callableWorkflow,
  "actions/demo/action.yml": demoAction,
  "actions/demo/dist/index.js": "",
  "actions/slack-alert/action.yml": slackAlertAction,
  "actions/slack-alert/dist/index.js": "",
};
export const goodRepo: Record<string, string> = { ...goodFiles, ...(await readmes(goodFiles)) };

/** Lints the good repository with one file replaced. */
export async function lintWith(path: string, content: string): Promise<Problem[]> {
  return lintWorkflows(fixture({ ...goodRepo, [path]: content }));
}

