// Proof that the reusable workflows work when called from another repository: a temporary
// repository (git) whose workflows call each of this repository's reusable workflows at a ref is
// checked by the workflow lint in caller mode — actionlint, the inputs/secrets/outputs of every
// call, the project's rules, and every `uses:`/`run:` of each called workflow resolved against the
// *caller's* tree, as GitHub resolves them — and workflows written the old way fail it.
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { formatProblem, lintCallerRepository, type Problem } from "../scripts/lint-workflows";

const repoRoot = resolve(import.meta.dirname, "..");
const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** A git repository with the given files, committed. */
function gitRepo(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "caller-repo-"));
  tempDirs.push(root);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  const git = (...args: string[]) => execFileSync("git", args, { cwd: root, stdio: "pipe" });
  git("init", "-q", "-b", "main");
  git("add", "-A");
  git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "caller");
  return root;
}

interface InputSpec {
  type?: string;
  required?: boolean;
  default?: unknown;
}

interface CallableWorkflow {
  file: string;
  inputs: Record<string, InputSpec>;
  secrets: Record<string, { required?: boolean }>;
  outputs: Record<string, unknown>;
}

/** This repository's reusable workflows, read straight from their YAML. */
function callableWorkflows(): CallableWorkflow[] {
  const dir = join(repoRoot, ".github/workflows");
  return readdirSync(dir)
    .filter((f) => f.endsWith(".yml"))
    .flatMap((f) => {
      const on = (parse(readFileSync(join(dir, f), "utf8")) as { on?: Record<string, unknown> }).on ?? {};
      const call = on["workflow_call"] as Partial<CallableWorkflow> | undefined | null;
      if (call === undefined) return [];
      return [{ file: f, inputs: call?.inputs ?? {}, secrets: call?.secrets ?? {}, outputs: call?.outputs ?? {} }];
    });
}

const VALUES: Record<string, string> = { boolean: "true", number: "5", string: "value" };

/** A caller workflow calling `wf` at `ref` with each required input, then reading every output. */
function callerWorkflow(wf: CallableWorkflow, ref: string, secrets: "inherit" | "named"): string {
  const inputs = Object.entries(wf.inputs)
    .filter(([name, spec]) => (spec.required && spec.default === undefined) || name === "slack_alert")
    .map(([name, spec]) => `      ${name}: ${name === "slack_alert" ? "false" : VALUES[spec.type ?? "string"]}`);
  const secretLines =
    secrets === "inherit"
      ? ["    secrets: inherit"]
      : ["    secrets:", ...Object.keys(wf.secrets).map((name) => `      ${name}: \${{ secrets.${name} }}`)];
  const outputs = Object.keys(wf.outputs).map((name) => `          OUT_${name.replace(/-/g, "_").toUpperCase()}: \${{ needs.call.outputs.${name} }}`);
  return [
    `name: Call ${wf.file}`,
    "on:",
    "  workflow_dispatch:",
    "permissions:",
    "  contents: read",
    "concurrency:",
    `  group: call-${wf.file}`,
    "  cancel-in-progress: false",
    "jobs:",
    "  call:",
    `    uses: stackhpc/release-train/.github/workflows/${wf.file}@${ref}`,
    ...(inputs.length ? ["    with:", ...inputs] : []),
    ...secretLines,
    "  after:",
    "    needs: call",
    "    runs-on: ubuntu-latest",
    "    timeout-minutes: 5",
    "    steps:",
    "      - run: echo done",
    ...(outputs.length ? ["        env:", ...outputs] : []),
    "  alert:",
    "    runs-on: ubuntu-latest",
    "    needs: [call, after]",
    "    if: failure()",
    "    timeout-minutes: 5",
    "    steps:",
    `      - uses: stackhpc/release-train/actions/slack-alert@${ref}`,
    "        with:",
    `          webhook-url: \${{ secrets.SLACK_WEBHOOK_URL }}`,
    `          needs: \${{ toJSON(needs) }}`,
    "",
  ].join("\n");
}

function errors(problems: Problem[]): string[] {
  return problems.filter((p) => p.severity !== "warning").map(formatProblem);
}

describe("a repository calling this one's reusable workflows", () => {
  const workflows = callableWorkflows();

  it("finds the reusable workflows to call", () => {
    expect(workflows.map((w) => w.file)).toEqual(expect.arrayContaining(["package-sync.yml", "package-sync-nightly.yml", "package-update-kayobe.yml"]));
  });

  for (const ref of ["main", "v1", "v1.2.3"]) {
    it(`calls each of them at @${ref} with nothing resolving into its own tree`, async () => {
      const files: Record<string, string> = { "ansible/inventory/group_vars/all/rpm-package-repos": "rpm_package_repos: []\n" };
      for (const wf of workflows) {
        files[`.github/workflows/call-${wf.file}`] = callerWorkflow(wf, ref, "inherit");
        files[`.github/workflows/named-${wf.file}`] = callerWorkflow(wf, ref, "named");
      }
      const problems = await lintCallerRepository(gitRepo(files), repoRoot);
      expect(problems.map(formatProblem)).toEqual([]);
    });
  }

  it("the caller templates in examples/ pass (workflows other issues are adding are only warnings)", async () => {
    const problems = await lintCallerRepository(join(repoRoot, "examples/config-repo"), repoRoot);
    expect(errors(problems)).toEqual([]);
    for (const p of problems) expect(p.message).toMatch(/does not exist in stackhpc\/release-train \(yet\) \[uses\]$/);
  });

  it("reports what the caller gets wrong: inputs, secrets, outputs, refs", async () => {
    const wf = workflows.find((w) => w.file === "package-update-kayobe.yml")!;
    const bad = callerWorkflow(wf, "main", "named")
      .replace("      versions: value\n", "      version: value\n")
      .replace("      KAYOBE_CONFIG_TOKEN:", "      KAYOBE_TOKEN:")
      .replace("needs.call.outputs.pull-request-url", "needs.call.outputs.pr-url")
      .replace("slack-alert@main", "slack-alert@feature");
    const problems = await lintCallerRepository(gitRepo({ ".github/workflows/bad.yml": bad }), repoRoot);
    const messages = problems.map((p) => p.message);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^required input "versions" of workflow .*package-update-kayobe\.yml@main is missing \[inputs\]$/),
        expect.stringMatching(/^input "version" is not declared by workflow/),
        expect.stringMatching(/^required secret "kayobe_config_token" of workflow .* is missing \[inputs\]$/),
        expect.stringMatching(/^secret "KAYOBE_TOKEN" is not declared by workflow/),
        expect.stringMatching(/^needs\.call\.outputs\.pr-url: workflow .* has no output "pr-url" \(declared: pull-request-url\) \[outputs\]$/),
        expect.stringMatching(/slack-alert@feature: pin stackhpc\/release-train to a release tag .* \[ref\]$/),
      ]),
    );
  });
});

/** This repository's action metadata and bundles (not their sources) into another tree. */
function copyActions(project: string): void {
  cpSync(join(repoRoot, "actions"), join(project, "actions"), { recursive: true, filter: (src) => !/\/(src|node_modules)$/.test(src) });
}

// The workflows as they were before (condensed): the reusable workflow used `./actions/…` and ran
// pnpm in the caller's checkout; floating node20 tags; no timeouts, concurrency or alert action.
const OLD_PACKAGE_SYNC = `name: Sync package repositories
on:
  workflow_call:
    inputs:
      sync_ark:
        type: boolean
        required: true
    secrets:
      ARK_PULP_URL:
        required: true
permissions:
  contents: read
jobs:
  version:
    runs-on: ubuntu-latest
    if: inputs.sync_ark
    steps:
      - run: date
  package-sync-ark:
    runs-on: ubuntu-latest
    needs: version
    timeout-minutes: 360
    steps:
      - uses: actions/checkout@v4
      - uses: ./actions/sync-package-repos
        with:
          config: ansible/inventory/group_vars/all
          pulp-url: \${{ secrets.ARK_PULP_URL }}
  update-kayobe:
    runs-on: ubuntu-latest
    timeout-minutes: 30
    steps:
      - uses: actions/setup-node@v4
        with:
          node-version: 20
      - run: |
          corepack enable
          pnpm install --frozen-lockfile
          pnpm release-train kayobe-update --kayobe-config kayobe-config
`;

describe("the workflows as they were", () => {
  it("fail the cross-repo simulation, the pins, runtimes, timeouts, secrets, concurrency and alert rules", async () => {
    const project = mkdtempSync(join(tmpdir(), "old-project-"));
    tempDirs.push(project);
    copyActions(project);
    mkdirSync(join(project, ".github/workflows"), { recursive: true });
    writeFileSync(join(project, ".github/workflows/package-sync.yml"), OLD_PACKAGE_SYNC);
    const caller = gitRepo({
      ".github/workflows/nightly.yml": `name: Nightly
on:
  schedule:
    - cron: "17 23 * * *"
permissions:
  contents: read
jobs:
  sync:
    uses: stackhpc/release-train/.github/workflows/package-sync.yml@v1
    with:
      sync_ark: true
    secrets: inherit
`,
    });
    const problems = await lintCallerRepository(caller, project);
    const byTag = (tag: string) => problems.filter((p) => p.message.endsWith(`[${tag}]`)).map(formatProblem);
    expect(byTag("cross-repo")).toEqual([
      `.github/workflows/package-sync.yml:25:15: ./actions/sync-package-repos resolves in the caller's checkout and fails in a caller's run with "Can't find 'action.yml'"; use stackhpc/release-train/actions/sync-package-repos@main (called from .github/workflows/nightly.yml) [cross-repo]`,
      `.github/workflows/package-sync.yml:36:14: run: calls pnpm in the caller's checkout, which has no package.json of this project; run it as one of stackhpc/release-train's actions (called from .github/workflows/nightly.yml) [cross-repo]`,
    ]);
    // The caller itself: no concurrency group and no alert job.
    expect(byTag("concurrency")).toHaveLength(1);
    expect(byTag("alert")).toHaveLength(1);

    // The project's own lint of the old file.
    const { lintWorkflows } = await import("../scripts/lint-workflows");
    const own = (await lintWorkflows(project)).map(formatProblem);
    const tags = new Set(own.map((m) => /\[([\w-]+)[^\]]*\]$/.exec(m)?.[1]));
    for (const tag of ["cross-repo", "pin", "runtime", "timeout", "concurrency", "secrets", "alert"]) expect(tags, tag).toContain(tag);
    expect(own).toContain(
      ".github/workflows/package-sync.yml:9:7: secret ARK_PULP_URL is required, but only jobs or steps that depend on inputs use it: a run without them must not need it; make it optional and check it where it is needed [secrets]",
    );
  });

  it("follows nested calls: the old nightly's local call and the workflow it reaches", async () => {
    const project = mkdtempSync(join(tmpdir(), "old-project-"));
    tempDirs.push(project);
    copyActions(project);
    mkdirSync(join(project, ".github/workflows"), { recursive: true });
    writeFileSync(join(project, ".github/workflows/package-sync.yml"), OLD_PACKAGE_SYNC);
    writeFileSync(
      join(project, ".github/workflows/package-sync-nightly.yml"),
      "name: Nightly\non:\n  workflow_call:\npermissions:\n  contents: read\njobs:\n  sync:\n    uses: ./.github/workflows/package-sync.yml\n    with:\n      sync_ark: true\n    secrets: inherit\n",
    );
    const caller = gitRepo({
      ".github/workflows/call.yml":
        "name: Call\non: push\npermissions: {}\njobs:\n  nightly:\n    uses: stackhpc/release-train/.github/workflows/package-sync-nightly.yml@v1\n",
    });
    const problems = (await lintCallerRepository(caller, project)).filter((p) => p.message.endsWith("[cross-repo]")).map(formatProblem);
    expect(problems).toEqual([
      expect.stringMatching(/^\.github\/workflows\/package-sync-nightly\.yml:8:11: \.\/\.github\/workflows\/package-sync\.yml in a reusable workflow/),
      expect.stringMatching(/^\.github\/workflows\/package-sync\.yml:25:15: \.\/actions\/sync-package-repos resolves in the caller's checkout/),
      expect.stringMatching(/^\.github\/workflows\/package-sync\.yml:36:14: run: calls pnpm/),
    ]);
  });

  it("a caller with its own actions/<name> would run that instead of this project's", async () => {
    const project = mkdtempSync(join(tmpdir(), "old-project-"));
    tempDirs.push(project);
    copyActions(project);
    mkdirSync(join(project, ".github/workflows"), { recursive: true });
    writeFileSync(join(project, ".github/workflows/package-sync.yml"), OLD_PACKAGE_SYNC);
    const caller = gitRepo({
      "actions/sync-package-repos/action.yml": "name: x\ndescription: x\nruns:\n  using: node24\n  main: x.js\n",
      ".github/workflows/call.yml":
        "name: Call\non: push\npermissions: {}\njobs:\n  sync:\n    uses: stackhpc/release-train/.github/workflows/package-sync.yml@v1\n    with:\n      sync_ark: true\n    secrets: inherit\n",
    });
    const problems = (await lintCallerRepository(caller, project)).filter((p) => p.message.endsWith("[cross-repo]"));
    expect(problems[0]?.message).toMatch(/resolves in the caller's checkout and runs the caller's own actions\/sync-package-repos, not stackhpc\/release-train's/);
  });
});
