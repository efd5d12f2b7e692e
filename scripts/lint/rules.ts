// The project's workflow rules (docs/design.md "Workflows"), each reported with its tag:
// [cross-repo] a reusable workflow resolved as GitHub does for a caller in another repository,
// [ref] this project's actions and nested workflows referenced at one ref (`@main`, rewritten to
// `@vX.Y.Z` on release),
// [pin] third-party actions pinned to a full commit SHA with a `# vX.Y.Z` comment,
// [runtime] nothing on node20, [timeout] timeouts, [permissions], [concurrency], [secrets], [alert].
import { existsSync } from "node:fs";
import { join } from "node:path";
import { isMap, isScalar, isSeq, type Node, type YAMLMap } from "yaml";
import { entries, keysOf, lineOf, type Parsed, type Problem, problemAt, stringAt, strings } from "./yaml-file";

/** First major release of each third-party action that runs on node24 (checked in its action.yml). */
export const NODE24_SINCE: Record<string, number> = {
  "actions/checkout": 5,
  "actions/cache": 5,
  "actions/setup-node": 5,
  "actions/upload-artifact": 6,
  "actions/download-artifact": 7,
  "actions/github-script": 8,
  "actions/create-github-app-token": 2,
  // Composite; v0.3.1's own steps (actions/cache v5, actions/checkout v6) run on node24.
  "aquasecurity/setup-trivy": 0,
};

/** This project's actions that change nothing (a workflow using only these is not mutating). */
export const READ_ONLY_ACTIONS = new Set(["slack-alert"]);

/** Minutes a job keeps beyond its longest task wait, to save state and report. */
export const WAIT_MARGIN_MINUTES = 15;

const SHA = /^[0-9a-f]{40}$/;
const RELEASE_REF = /^(main|v\d+\.\d+\.\d+)$/;
const CALLER_REF = /^(main|v\d+(\.\d+\.\d+)?|[0-9a-f]{40})$/;

export interface ProjectRepo {
  root: string;
  /** `owner/name`, as `uses:` spells it. */
  name: string;
  parse(file: string): Parsed | undefined;
}

export interface RuleContext {
  project: ProjectRepo;
  /** The file belongs to this project (else to a caller repository, e.g. examples/<repo>). */
  isProject: boolean;
  /** Whether a path exists in the tree of a repository that calls the project's reusable workflows. */
  callerHas(path: string): boolean;
}

/** A `uses:` value, classified. */
export type Uses =
  | { kind: "local"; path: string }
  | { kind: "docker"; image: string }
  | { kind: "project-action"; action: string; ref: string }
  | { kind: "project-workflow"; file: string; ref: string }
  | { kind: "third-party"; name: string; path: string; ref: string }
  | { kind: "invalid" };

export function classifyUses(value: string, project: string): Uses {
  if (value.startsWith("./")) return { kind: "local", path: value.slice(2).replace(/\/+$/, "") };
  if (value.startsWith("docker://")) return { kind: "docker", image: value.slice(9) };
  const m = /^([^/@\s]+\/[^/@\s]+)((?:\/[^@\s]+)?)@(\S+)$/.exec(value);
  if (!m) return { kind: "invalid" };
  const [, name = "", sub = "", ref = ""] = m;
  if (name.toLowerCase() === project.toLowerCase()) {
    if (sub.startsWith("/.github/workflows/")) return { kind: "project-workflow", file: sub.slice(1), ref };
    return { kind: "project-action", action: sub.slice(1), ref };
  }
  return { kind: "third-party", name, path: sub, ref };
}

interface Job {
  id: string;
  key: Node;
  node: YAMLMap;
}

function jobsOf(wf: Parsed): Job[] {
  const jobs = wf.doc.get("jobs");
  return entries(jobs).flatMap(([id, node, key]) => (isMap(node) ? [{ id, key, node: node as YAMLMap }] : []));
}

function stepsOf(job: Job): YAMLMap[] {
  const steps = job.node.get("steps");
  return isSeq(steps) ? steps.items.filter((s): s is YAMLMap => isMap(s)) : [];
}

function triggers(wf: Parsed): Set<string> {
  const on = wf.doc.get("on");
  if (typeof on === "string") return new Set([on]);
  if (isSeq(on)) return new Set(on.items.flatMap((i) => (isScalar(i) ? [String(i.value)] : [])));
  return keysOf(on);
}

export function isReusable(wf: Parsed): boolean {
  return triggers(wf).has("workflow_call");
}

function usesNode(node: YAMLMap): (Node & { value: unknown }) | undefined {
  const uses = node.get("uses", true);
  return isScalar(uses) && typeof uses.value === "string" ? (uses as Node & { value: unknown }) : undefined;
}

/** This project's action a step uses (`<project>/actions/x@ref`, or `./actions/x` in the project itself). */
function projectAction(step: YAMLMap, ctx: RuleContext): string | undefined {
  const uses = usesNode(step);
  if (!uses) return undefined;
  const u = classifyUses(String(uses.value), ctx.project.name);
  if (u.kind === "project-action") return u.action;
  if (u.kind === "local" && ctx.isProject && u.path.startsWith("actions/")) return u.path;
  return undefined;
}

/** Every problem of the project's rules in one workflow. */
export function workflowRuleProblems(wf: Parsed, ctx: RuleContext): Problem[] {
  return [
    ...crossRepoProblems(wf, ctx),
    ...referenceProblems(wf, ctx),
    ...runtimeProblems(wf),
    ...timeoutProblems(wf, ctx),
    ...permissionProblems(wf),
    ...concurrencyProblems(wf, ctx),
    ...secretProblems(wf, ctx),
    ...alertProblems(wf, ctx),
  ];
}

/**
 * How GitHub resolves a reusable workflow's `uses:` when another repository calls it: a job's
 * `./.github/workflows/x.yml` is this repository at the same commit, but a step's `./path` is the
 * runner's workspace — the caller's checkout — and so is every file a `run:` script names.
 */
export function crossRepoProblems(wf: Parsed, ctx: RuleContext): Problem[] {
  if (!isReusable(wf) || !ctx.isProject) return [];
  const problems: Problem[] = [];
  for (const job of jobsOf(wf)) {
    const jobUses = usesNode(job.node);
    const called = jobUses && classifyUses(String(jobUses.value), ctx.project.name);
    if (jobUses && called?.kind === "local") {
      problems.push(
        problemAt(
          wf,
          jobUses,
          `${jobUses.value} in a reusable workflow: a nested local call has been seen to resolve against the calling repository; use ${ctx.project.name}/${called.path}@main (pinned to the tag on release) [cross-repo]`,
        ),
      );
    }
    for (const step of stepsOf(job)) {
      const uses = usesNode(step);
      if (uses) {
        const u = classifyUses(String(uses.value), ctx.project.name);
        if (u.kind === "local") {
          const inCaller = ctx.callerHas(`${u.path}/action.yml`) || ctx.callerHas(`${u.path}/action.yaml`);
          const outcome = inCaller
            ? `runs the caller's own ${u.path}, not ${ctx.project.name}'s`
            : `fails in a caller's run with "Can't find 'action.yml'"`;
          problems.push(
            problemAt(wf, uses, `${uses.value} resolves in the caller's checkout and ${outcome}; use ${ctx.project.name}/${u.path}@main [cross-repo]`),
          );
        }
      }
      const run = step.get("run", true);
      if (isScalar(run) && typeof run.value === "string") {
        for (const reason of projectCodeInScript(run.value, ctx)) problems.push(problemAt(wf, run, `${reason} [cross-repo]`));
      }
    }
  }
  return problems;
}

/** Why a `run:` script of a reusable workflow would run this project's code from the caller's tree. */
function projectCodeInScript(script: string, ctx: RuleContext): string[] {
  const reasons: string[] = [];
  const tool = /(?:^|[\s;&|(])(pnpm|npm|npx|yarn|tsx)\s/m.exec(script);
  if (tool) {
    reasons.push(`run: calls ${tool[1]} in the caller's checkout, which has no package.json of this project; run it as one of ${ctx.project.name}'s actions`);
  }
  for (const m of script.matchAll(/(?:^|[\s"'=(])(\.{0,2}\/?[\w.-]+(?:\/[\w.-]+)+)/g)) {
    const path = (m[1] ?? "").replace(/^\.\//, "");
    if (path.startsWith("/") || path.startsWith("../") || path.includes("$")) continue;
    if (existsSync(join(ctx.project.root, path))) {
      const outcome = ctx.callerHas(path) ? "runs the caller's own copy" : "is missing in a caller's checkout";
      reasons.push(`run: uses ${path}, a file of ${ctx.project.name} that ${outcome}; make it one of its actions`);
    }
  }
  return reasons;
}

/** All of this project's references at one release ref; callers at a tag, branch or SHA. */
function referenceProblems(wf: Parsed, ctx: RuleContext): Problem[] {
  const problems: Problem[] = [];
  const refs = new Map<string, Node>();
  const check = (uses: Node & { value: unknown }, where: "step" | "job") => {
    const u = classifyUses(String(uses.value), ctx.project.name);
    if (u.kind === "invalid") {
      problems.push(problemAt(wf, uses, `uses: ${uses.value} is not owner/repo[/path]@ref [ref]`));
    } else if (u.kind === "project-action" || u.kind === "project-workflow") {
      if (ctx.isProject) {
        if (!RELEASE_REF.test(u.ref)) {
          problems.push(problemAt(wf, uses, `${uses.value}: this project's actions and workflows are referenced @main (the release rewrites it to @vX.Y.Z) [ref]`));
        } else refs.set(u.ref, uses);
      } else if (!CALLER_REF.test(u.ref)) {
        problems.push(problemAt(wf, uses, `${uses.value}: pin ${ctx.project.name} to a release tag (@v1, @v1.2.3), main or a commit SHA [ref]`));
      }
      if (u.kind === "project-action" && where === "step") {
        const exists = ["action.yml", "action.yaml"].some((f) => existsSync(join(ctx.project.root, u.action, f)));
        if (!exists) problems.push(problemAt(wf, uses, `${u.action} has no action.yml in ${ctx.project.name} [ref]`));
      }
    } else if (u.kind === "third-party") {
      problems.push(...pinProblems(wf, uses, u));
    } else if (u.kind === "local" && where === "job" && !u.path.startsWith(".github/workflows/")) {
      problems.push(problemAt(wf, uses, `reusable workflows live in .github/workflows/ [ref]`));
    }
  };
  for (const job of jobsOf(wf)) {
    const jobUses = usesNode(job.node);
    if (jobUses) check(jobUses, "job");
    for (const step of stepsOf(job)) {
      const uses = usesNode(step);
      if (uses) check(uses, "step");
    }
  }
  if (refs.size > 1) {
    for (const [ref, node] of refs) problems.push(problemAt(wf, node, `@${ref}: all of this project's references must use one ref (found ${[...refs.keys()].join(", ")}) [ref]`));
  }
  return problems;
}

function pinProblems(wf: Parsed, uses: Node, u: { name: string; path: string; ref: string }): Problem[] {
  const problems: Problem[] = [];
  const comment = /#\s*(v\d+\.\d+\.\d+)\s*$/.exec(lineOf(wf, uses));
  if (!SHA.test(u.ref)) {
    problems.push(problemAt(wf, uses, `${u.name}${u.path}@${u.ref}: pin third-party actions to a full commit SHA with a "# vX.Y.Z" comment [pin]`));
  } else if (!comment) {
    problems.push(problemAt(wf, uses, `${u.name}${u.path}@${u.ref.slice(0, 12)}…: add the release it is, as a "# vX.Y.Z" comment [pin]`));
  }
  const since = NODE24_SINCE[u.name.toLowerCase()];
  const major = Number(/^v(\d+)/.exec(comment?.[1] ?? (SHA.test(u.ref) ? "" : u.ref))?.[1] ?? Number.NaN);
  if (since === undefined) {
    problems.push(problemAt(wf, uses, `${u.name}: runtime unknown; check its action.yml runs on node24 and add it to NODE24_SINCE in scripts/lint/rules.ts [runtime]`));
  } else if (!(major >= since)) {
    problems.push(problemAt(wf, uses, `${u.name}@${comment?.[1] ?? u.ref} runs on node20; use v${since} or later (node24) [runtime]`));
  }
  return problems;
}

/** `node-version: 20`, `container: node:20…` (actions' own `runs.using` is checked on action.yml). */
function runtimeProblems(wf: Parsed): Problem[] {
  const problems: Problem[] = [];
  for (const job of jobsOf(wf)) {
    const container = job.node.get("container", true);
    const image = isScalar(container) ? String(container.value) : isMap(container) ? stringAt(container, "image") : undefined;
    if (image && /^node:(1\d|2[0-3])\b/.test(image)) {
      problems.push(problemAt(wf, container, `container ${image} is an old Node; use node:24 [runtime]`));
    }
    for (const step of stepsOf(job)) {
      const version = step.getIn(["with", "node-version"], true);
      if (isScalar(version) && /^(1\d|2[0-3])(\.|$|\.x)/.test(String(version.value))) {
        problems.push(problemAt(wf, version, `node-version ${version.value}: actions and tools run on Node 24 [runtime]`));
      }
    }
  }
  return problems;
}

/** Every job with steps has `timeout-minutes`, above the longest `wait-timeout` of its actions. */
function timeoutProblems(wf: Parsed, ctx: RuleContext): Problem[] {
  const problems: Problem[] = [];
  for (const job of jobsOf(wf)) {
    if (job.node.has("uses")) continue; // a called workflow's jobs carry their own timeouts
    const timeoutNode = job.node.get("timeout-minutes", true);
    if (!timeoutNode) {
      problems.push(problemAt(wf, job.key, `job ${job.id} has no timeout-minutes (GitHub's default is 6 hours) [timeout]`));
      continue;
    }
    const timeout = isScalar(timeoutNode) ? Number(timeoutNode.value) : Number.NaN;
    for (const step of stepsOf(job)) {
      const path = projectAction(step, ctx);
      if (!path) continue;
      const action = ctx.project.parse(`${path}/action.yml`);
      const declared = action?.doc.getIn(["inputs", "wait-timeout"]);
      if (!declared) continue;
      const wait = waitMinutes(wf, step, declared);
      if (wait === undefined || Number.isNaN(timeout)) continue;
      if (wait.minutes + WAIT_MARGIN_MINUTES > timeout) {
        problems.push(
          problemAt(
            wf,
            timeoutNode,
            `timeout-minutes ${timeout} of job ${job.id} must exceed its step's wait-timeout (${wait.minutes}, ${wait.from}) by ${WAIT_MARGIN_MINUTES} minutes, so the action stops cleanly and saves its state first [timeout]`,
          ),
        );
      }
    }
  }
  return problems;
}

/** The largest value a step's `wait-timeout` can have: literal, `${{ inputs.x }}` (its defaults) or the action default. */
function waitMinutes(wf: Parsed, step: YAMLMap, declared: unknown): { minutes: number; from: string } | undefined {
  const given = step.getIn(["with", "wait-timeout"]);
  if (given === undefined) {
    const d = isMap(declared) ? Number(declared.get("default")) : Number.NaN;
    return Number.isNaN(d) ? undefined : { minutes: d, from: "the action's default" };
  }
  const text = String(given);
  const input = /^\$\{\{\s*inputs\.([\w-]+)\s*\}\}$/.exec(text)?.[1];
  if (!input) return Number.isNaN(Number(text)) ? undefined : { minutes: Number(text), from: "given" };
  const defaults = ["workflow_call", "workflow_dispatch"]
    .map((t) => Number(wf.doc.getIn(["on", t, "inputs", input, "default"])))
    .filter((n) => !Number.isNaN(n));
  return defaults.length ? { minutes: Math.max(...defaults), from: `default of input ${input}` } : undefined;
}

/** Least privilege: top-level `permissions:` with read scopes only; writes go on the job that needs them. */
function permissionProblems(wf: Parsed): Problem[] {
  const node = wf.doc.get("permissions", true);
  if (node === undefined) {
    return [problemAt(wf, wf.doc.contents, `no top-level permissions: (the token would get the repository's default, often write-all); declare e.g. "contents: read" [permissions]`)];
  }
  const problems: Problem[] = [];
  if (isScalar(node)) {
    if (node.value === "write-all" || node.value === "read-all") {
      problems.push(problemAt(wf, node, `permissions: ${node.value} is not least privilege; list the scopes the jobs need [permissions]`));
    }
    return problems;
  }
  for (const [scope, value, key] of entries(node)) {
    if (isScalar(value) && value.value === "write") {
      problems.push(problemAt(wf, key, `${scope}: write at the top level gives it to every job; grant it on the job that needs it [permissions]`));
    }
  }
  return problems;
}

/** Uses a project action that changes something, calls a workflow, or may write. */
function isMutating(wf: Parsed, ctx: RuleContext): boolean {
  for (const job of jobsOf(wf)) {
    if (job.node.has("uses")) return true;
    if (entries(job.node.get("permissions")).some(([, v]) => isScalar(v) && v.value === "write")) return true;
    for (const step of stepsOf(job)) {
      const path = projectAction(step, ctx);
      if (path && !READ_ONLY_ACTIONS.has(path.replace(/^actions\//, ""))) return true;
    }
  }
  return false;
}

const ENTRY_TRIGGERS = ["schedule", "workflow_dispatch", "workflow_call"];

function concurrencyProblems(wf: Parsed, ctx: RuleContext): Problem[] {
  const on = triggers(wf);
  if (!ENTRY_TRIGGERS.some((t) => on.has(t)) || !isMutating(wf, ctx)) return [];
  const c = wf.doc.get("concurrency", true);
  const group = isScalar(c) ? c.value : isMap(c) ? c.get("group") : undefined;
  if (group) return [];
  return [
    problemAt(
      wf,
      c ?? wf.doc.get("on", true),
      `a ${[...on].filter((t) => ENTRY_TRIGGERS.includes(t)).join("/")} workflow that changes things needs a top-level concurrency: group (a dispatch during the cron run would do the same work twice) [concurrency]`,
    ),
  ];
}

/**
 * A `workflow_call` secret marked required must be needed by every valid input combination: it is
 * used by a job (or, with `secrets: inherit`, a called workflow) that runs whatever the inputs are.
 * One used only under `if: inputs.…` must be optional, and checked where it is needed.
 */
function secretProblems(wf: Parsed, ctx: RuleContext): Problem[] {
  const declared = wf.doc.getIn(["on", "workflow_call", "secrets"]);
  if (!isMap(declared)) return [];
  const jobs = jobsOf(wf);
  const conditional = conditionalJobs(jobs);
  const problems: Problem[] = [];
  for (const [name, spec, key] of entries(declared)) {
    if (!isMap(spec) || spec.get("required") !== true) continue;
    const pattern = new RegExp(`\\bsecrets\\.${name}\\b|\\bsecrets\\[['"]${name}['"]\\]`);
    let unconditional = false;
    let used = false;
    for (const job of jobs) {
      const inheritsIt = job.node.get("secrets") === "inherit" && calledWorkflowUses(job, name, ctx);
      const direct: { node: Node; condition?: string }[] = [];
      for (const step of stepsOf(job)) {
        if (strings(step).some((s) => pattern.test(s.value))) direct.push({ node: step, condition: stringAt(step, "if") });
      }
      if (strings(job.node.get("secrets")).some((s) => pattern.test(s.value)) || strings(job.node.get("env")).some((s) => pattern.test(s.value))) {
        direct.push({ node: job.node });
      }
      if (!inheritsIt && direct.length === 0) continue;
      used = true;
      if (conditional.has(job.id)) continue;
      if (inheritsIt || direct.some((d) => !mentionsInputs(d.condition))) unconditional = true;
    }
    if (!used) problems.push(problemAt(wf, key, `secret ${name} is required but no job uses it [secrets]`));
    else if (!unconditional) {
      problems.push(
        problemAt(
          wf,
          key,
          `secret ${name} is required, but only jobs or steps that depend on inputs use it: a run without them must not need it; make it optional and check it where it is needed [secrets]`,
        ),
      );
    }
  }
  return problems;
}

function mentionsInputs(condition: string | undefined): boolean {
  return condition !== undefined && /\binputs\./.test(condition);
}

/** Jobs that do not run for some inputs: their own `if:` reads inputs, or a job they need is such a job (and they do not run anyway). */
function conditionalJobs(jobs: Job[]): Set<string> {
  const byId = new Map(jobs.map((j) => [j.id, j]));
  const memo = new Map<string, boolean>();
  const visit = (id: string, seen: Set<string>): boolean => {
    if (memo.has(id)) return memo.get(id)!;
    const job = byId.get(id);
    if (!job || seen.has(id)) return false;
    seen.add(id);
    const condition = stringAt(job.node, "if");
    const needs = job.node.get("needs");
    const needed = typeof needs === "string" ? [needs] : isSeq(needs) ? needs.items.map((n) => String(isScalar(n) ? n.value : n)) : [];
    const runsAnyway = condition !== undefined && /\balways\(\)/.test(condition) && !mentionsInputs(condition);
    const result = mentionsInputs(condition) || (!runsAnyway && needed.some((n) => visit(n, seen)));
    memo.set(id, result);
    return result;
  };
  return new Set(jobs.filter((j) => visit(j.id, new Set())).map((j) => j.id));
}

function calledWorkflowUses(job: Job, secret: string, ctx: RuleContext): boolean {
  const uses = usesNode(job.node);
  if (!uses) return false;
  const u = classifyUses(String(uses.value), ctx.project.name);
  const file = u.kind === "local" ? u.path : u.kind === "project-workflow" ? u.file : undefined;
  const called = file ? ctx.project.parse(file) : undefined;
  return called !== undefined && keysOf(called.doc.getIn(["on", "workflow_call", "secrets"])).has(secret);
}

/** One Slack alert per failed run: a job that needs every other job, runs on failure(), and uses the slack-alert action. */
function alertProblems(wf: Parsed, ctx: RuleContext): Problem[] {
  const on = triggers(wf);
  if (!ENTRY_TRIGGERS.some((t) => on.has(t)) || !isMutating(wf, ctx)) return [];
  const jobs = jobsOf(wf);
  const alerts = jobs.filter((job) => stepsOf(job).some((s) => projectAction(s, ctx) === "actions/slack-alert"));
  if (alerts.length === 0) {
    return [problemAt(wf, wf.doc.get("jobs", true), `no alert job: add one that uses ${ctx.project.name}/actions/slack-alert (see docs/design.md "Workflows") [alert]`)];
  }
  const problems: Problem[] = [];
  if (alerts.length > 1) problems.push(problemAt(wf, alerts[1]!.key, `more than one alert job: one alert per failed run [alert]`));
  const alert = alerts[0]!;
  const condition = stringAt(alert.node, "if") ?? "";
  if (!/\bfailure\(\)/.test(condition)) problems.push(problemAt(wf, alert.key, `alert job ${alert.id} must run if: failure() [alert]`));
  if (isReusable(wf)) {
    if (!wf.doc.getIn(["on", "workflow_call", "inputs", "slack_alert"])) {
      problems.push(problemAt(wf, alert.key, `a reusable workflow takes a boolean slack_alert input (default true), so a caller that alerts itself can turn this alert off [alert]`));
    } else if (!/\binputs\.slack_alert\b/.test(condition)) {
      problems.push(problemAt(wf, alert.key, `alert job ${alert.id} must honour inputs.slack_alert (if: failure() && inputs.slack_alert) [alert]`));
    }
  }
  // A called workflow that alerts by itself and this workflow's alert: two messages for one run.
  for (const job of jobs) {
    const uses = usesNode(job.node);
    const u = uses && classifyUses(String(uses.value), ctx.project.name);
    const file = u?.kind === "local" ? u.path : u?.kind === "project-workflow" ? u.file : undefined;
    const called = file ? ctx.project.parse(file) : undefined;
    if (called?.doc.getIn(["on", "workflow_call", "inputs", "slack_alert"]) && job.node.getIn(["with", "slack_alert"]) !== false) {
      problems.push(problemAt(wf, uses, `pass slack_alert: false to ${file}: this workflow's alert job already reports the run (one alert per failed run) [alert]`));
    }
  }
  const needs = alert.node.get("needs");
  const needed = new Set(typeof needs === "string" ? [needs] : isSeq(needs) ? needs.items.map((n) => String(isScalar(n) ? n.value : n)) : []);
  const missing = jobs.filter((j) => j.id !== alert.id && !needed.has(j.id)).map((j) => j.id);
  if (missing.length) {
    problems.push(problemAt(wf, alert.key, `alert job ${alert.id} must need every job, so set-up failures alert too (missing: ${missing.join(", ")}) [alert]`));
  }
  return problems;
}
