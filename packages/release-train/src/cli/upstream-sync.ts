import { Command, Option } from "commander";
import { consoleReporter, writeSummary } from "../engine";
import { upstreamSyncSummary } from "../source-repos/summary";
import { DEFAULT_SYNC_LABELS, type SeriesResult, upstreamSync } from "../source-repos/upstream-sync";
import { action, printJson, UsageError } from "./errors";
import { concurrencyFrom, type GitHubCliOptions, githubFrom, withGitHubRunOptions } from "./github-options";

interface UpstreamSyncCliOptions extends GitHubCliOptions {
  repository: string;
  upstream?: string;
  series: string;
  upstreamBranchPattern: string;
  downstreamBranchPattern: string;
  labels: string;
  dryRun?: boolean;
  json?: boolean;
  concurrency?: string;
  summaryFile?: string;
}

const list = (value: string) => value.split(/[\s,]+/).filter(Boolean);

export function upstreamSyncCommand(): Command {
  const command = new Command("upstream-sync")
    .description("open a pull request per release series where upstream is ahead of the fork (weekly upstream sync)")
    .addOption(new Option("--repository <owner/name>", "the fork").env("GITHUB_REPOSITORY").makeOptionMandatory())
    .option("--upstream <owner/name>", "upstream repository (default openstack/<name>)")
    .requiredOption("--series <list>", "release series, comma- or space-separated (e.g. 2025.1,2024.1,master)")
    .option("--upstream-branch-pattern <pattern>", "upstream branch; {series} is replaced (master stays master)", "stable/{series}")
    .option("--downstream-branch-pattern <pattern>", "downstream branch; {series} is replaced", "stackhpc/{series}")
    .option("--labels <list>", "labels of the pull requests", DEFAULT_SYNC_LABELS.join(","))
    .option("--concurrency <n>", "series in flight at once", "2")
    .option("--dry-run", "compare and report; create no branch or pull request");
  return withGitHubRunOptions(command).action(
      action(async (o: UpstreamSyncCliOptions) => {
        const series = list(o.series);
        if (series.length === 0) throw new UsageError("--series: give at least one release series");
        const github = githubFrom(o, "compare branches and open pull requests");
        const name = o.repository.split("/")[1] ?? "";
        const reporter = consoleReporter<SeriesResult>({
          actions: process.env["GITHUB_ACTIONS"] === "true",
          write: (text) => (o.json ? process.stderr : process.stdout).write(text),
          status: (r) => `${r.status}: ${r.reason}`,
        });
        const result = await upstreamSync({
          github,
          repository: o.repository,
          upstream: o.upstream ?? `openstack/${name}`,
          series,
          upstreamBranchPattern: o.upstreamBranchPattern,
          downstreamBranchPattern: o.downstreamBranchPattern,
          labels: list(o.labels),
          dryRun: o.dryRun ?? false,
          concurrency: concurrencyFrom(o.concurrency, 2),
          reporter,
        });
        for (const w of result.warnings) process.stderr.write(`warning: ${w}\n`);
        const warning = await writeSummary(upstreamSyncSummary(result), { file: o.summaryFile, write: (t) => (o.json ? process.stderr : process.stdout).write(t) });
        if (warning) process.stderr.write(`warning: ${warning}\n`);
        if (o.json) printJson(result);
        if (result.results.some((r) => r.status === "failed")) process.exitCode = 1;
      }),
  );
}
