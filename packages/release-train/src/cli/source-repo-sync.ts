import { resolve } from "node:path";
import { Command } from "commander";
import { consoleReporter, writeSummary } from "../engine";
import { loadSourceReposConfig } from "../source-repos/config";
import { renderAll, writeRendered } from "../source-repos/render";
import { sourceRepoSyncSummary } from "../source-repos/summary";
import { DEFAULT_WORKFLOW_LABELS, sourceRepoSync, type TargetResult } from "../source-repos/sync";
import { KNOWN_WORKFLOWS } from "../source-repos/templates";
import { action, printJson, UsageError } from "./errors";
import { concurrencyFrom, type GitHubCliOptions, githubFrom, withGitHubRunOptions } from "./github-options";
import { configOption } from "./options";

interface SourceRepoSyncCliOptions extends GitHubCliOptions {
  config: string;
  owner: string;
  render?: string;
  defaultBranch: string[];
  workflowRepository: string;
  workflowRef: string;
  labels: string;
  repositories?: string;
  dryRun?: boolean;
  json?: boolean;
  concurrency?: string;
  summaryFile?: string;
}

function defaultBranches(given: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of given) {
    const m = /^([^=]+)=(.+)$/.exec(item);
    if (!m) throw new UsageError(`--default-branch ${JSON.stringify(item)}: expected <repository>=<branch>`);
    out[m[1]!] = m[2]!;
  }
  return out;
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function sourceRepoSyncCommand(): Command {
  const command = new Command("source-repo-sync")
    .description("render workflows and CODEOWNERS for every repository and branch of source_repositories and open one pull request per branch that differs")
    .addOption(configOption())
    .option("--owner <org>", "GitHub organisation of the repositories", "stackhpc")
    .option("--render <dir>", "write <dir>/<repository>/<branch>/<path> and stop; GitHub is not called")
    .option("--default-branch <repo=branch>", "default branch of a repository for --render (default master); repeatable", collect, [])
    .option("--workflow-repository <owner/name>", "repository of the reusable workflows the rendered files call", "stackhpc/release-train")
    .option("--workflow-ref <ref>", "pinned ref of those reusable workflows", "main")
    .option("--labels <list>", "labels of the pull requests", DEFAULT_WORKFLOW_LABELS.join(","))
    .option("--repositories <names>", "only these repositories (comma-separated)")
    .option("--concurrency <n>", "branches in flight at once", "4")
    .option("--dry-run", "read GitHub and list the diffs; write nothing");
  return withGitHubRunOptions(command).action(
      action(async (o: SourceRepoSyncCliOptions) => {
        const config = await loadSourceReposConfig(o.config, KNOWN_WORKFLOWS);
        const only = o.repositories?.split(/[\s,]+/).filter(Boolean);
        const unknown = (only ?? []).filter((n) => !config.repositories.some((r) => r.name === n));
        if (unknown.length > 0) throw new UsageError(`--repositories: not in source_repositories: ${unknown.join(", ")}`);
        const render = { workflowRepository: o.workflowRepository, workflowRef: o.workflowRef };
        const out = o.json ? process.stderr : process.stdout;
        if (o.render) {
          const selected = { ...config, repositories: config.repositories.filter((r) => !only || only.includes(r.name)) };
          const rendered = renderAll(selected, { ...render, defaultBranches: defaultBranches(o.defaultBranch) });
          const written = await writeRendered(resolve(o.render), rendered);
          if (o.json) printJson({ render: resolve(o.render), branches: rendered.map((b) => ({ repository: b.repository, branch: b.branch, files: b.files.map((f) => f.path) })) });
          else out.write(`wrote ${written.length} files for ${rendered.length} branches under ${resolve(o.render)}\n`);
          return;
        }
        const github = githubFrom(o, "read and update the repositories");
        const reporter = consoleReporter<TargetResult>({
          actions: process.env["GITHUB_ACTIONS"] === "true",
          write: (text) => out.write(text),
          status: (r) => r.status + (r.pullRequest ? ` #${r.pullRequest.number}` : ""),
        });
        const result = await sourceRepoSync({
          github,
          config,
          owner: o.owner,
          ...render,
          labels: o.labels.split(/[\s,]+/).filter(Boolean),
          dryRun: o.dryRun ?? false,
          concurrency: concurrencyFrom(o.concurrency, 4),
          ...(only ? { only } : {}),
          reporter,
          onPlan: (text) => reporter.plan?.(text),
        });
        if (o.dryRun) for (const t of result.targets) for (const d of t.diffs) out.write(`${d}\n`);
        const warning = await writeSummary(sourceRepoSyncSummary(result.targets, result.dryRun), { file: o.summaryFile, write: (t) => out.write(t) });
        if (warning) process.stderr.write(`warning: ${warning}\n`);
        if (o.json) printJson(result);
        if (result.failed.length > 0) process.exitCode = 1;
      }),
  );
}
