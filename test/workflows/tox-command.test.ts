// The tox workflow's own command (the `Run tox` step of .github/workflows/tox.yml, read from the
// file) run by real tox (Debian's) on a tiny Python project: no dependencies, no install, so it
// works offline. A failing unit test must fail the step.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

interface Step {
  id?: string;
  run?: string;
  env?: Record<string, string>;
}

let project: string;
let command: string;

beforeAll(async () => {
  const workflow = parse(await readFile(join(ROOT, ".github/workflows/tox.yml"), "utf8"));
  const steps = workflow.jobs.tox.steps as Step[];
  const step = steps.find((s) => s.id === "tox");
  command = step!.run!;
  // The step takes the environment name from the matrix (a workflow expression, not JS).
  expect(step!.env).toEqual({ TOX_ENV: ["$", "{{ matrix.tox_env }}"].join("") });
  project = await mkdtemp(join(tmpdir(), "rt-tox-"));
  await writeFile(
    join(project, "tox.ini"),
    "[tox]\nenvlist = py3,pep8\nskipsdist = true\n\n[testenv]\nskip_install = true\ndeps =\ncommands = python -m unittest discover -s tests -v\n\n[testenv:pep8]\ncommands = python -m py_compile calc.py\n",
  );
  await writeFile(join(project, "calc.py"), "def add(a, b):\n    return a + b\n");
  await mkdir(join(project, "tests"));
  await writeFile(join(project, "tests", "__init__.py"), "");
  await writeFile(
    join(project, "tests", "test_calc.py"),
    "import unittest\n\nimport calc\n\n\nclass TestCalc(unittest.TestCase):\n    def test_add(self):\n        self.assertEqual(calc.add(2, 3), 5)\n",
  );
});

afterAll(async () => {
  await rm(project, { recursive: true, force: true });
});

function runStep(env: string): Promise<{ code: number; output: string }> {
  return new Promise((done) => {
    execFile("bash", ["-e", "-c", command], { cwd: project, env: { ...process.env, TOX_ENV: env, PYTHONDONTWRITEBYTECODE: "1" }, timeout: 300_000 }, (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, output: stdout + stderr });
    });
  });
}

describe("tox workflow command", () => {
  it("runs the unit tests in the py3 environment", async () => {
    const run = await runStep("py3");
    expect(run.output).toMatch(/test_add \((tests\.)?test_calc\.TestCalc[^)]*\) \.\.\. ok/);
    expect(run.output).toMatch(/py3: commands succeeded|congratulations/);
    expect(run.code).toBe(0);
  }, 300_000);

  it("runs another environment by name", async () => {
    const run = await runStep("pep8");
    expect(run.output).toMatch(/pep8: commands succeeded/);
    expect(run.code).toBe(0);
  }, 300_000);

  it("fails the step when a test fails", async () => {
    await writeFile(join(project, "calc.py"), "def add(a, b):\n    return a - b\n");
    const run = await runStep("py3");
    expect(run.output).toContain("FAILED (failures=1)");
    expect(run.code).not.toBe(0);
  }, 300_000);
});
