import { Command, Option } from "commander";
import { writeSummary } from "../engine";
import { createGitHubClient } from "../github/client";
import { tagAndReleaseSummary } from "../source-repos/summary";
import { tagAndRelease } from "../source-repos/tag-and-release";
import { action, printJson, UsageError } from "./errors";
import { type GitHubCliOptions, githubApiUrlOption, githubTokenOption } from "./github-options";

interface TagAndReleaseCliOptions extends GitHubCliOptions {
  repo: string;
  release: string;
  prefix: string;
  upstreamRemote: string;
  downstreamRemote: string;
  repository?: string;
  upstreamTags: boolean;
  dryRun?: boolean;
  json?: boolean;
  summaryFile?: string;
}

export function tagAndReleaseCommand(): Command {
  return new Command("tag-and-release")
    .description("push upstream tags, create and push the downstream tag, and create or update its GitHub release")
    .requiredOption("--repo <checkout>", "git checkout with the upstream and downstream remotes")
    .requiredOption("--release <series>", "release series")
    .option("--prefix <prefix>", "downstream tag prefix", "stackhpc/")
    .option("--upstream-remote <name>", "remote of the upstream repository", "origin")
    .option("--downstream-remote <name>", "remote of the fork", "stackhpc")
    .addOption(new Option("--repository <owner/name>", "the fork on GitHub, for the release").env("GITHUB_REPOSITORY"))
    .option("--no-upstream-tags", "do not push upstream's tags to the fork")
    .option("--dry-run", "derive the tag and notes; push and publish nothing")
    .option("--json", "print the result as JSON")
    .option("--summary-file <path>", "append the Markdown summary here (default $GITHUB_STEP_SUMMARY)")
    .addOption(githubTokenOption())
    .addOption(githubApiUrlOption())
    .action(
      action(async (o: TagAndReleaseCliOptions) => {
        if (o.repository && !o.githubToken) throw new UsageError("--github-token (or GITHUB_TOKEN) is required to publish the release");
        const github = o.repository && o.githubToken ? createGitHubClient({ token: o.githubToken, apiUrl: o.githubApiUrl }) : undefined;
        const out = o.json ? process.stderr : process.stdout;
        const result = await tagAndRelease({
          repo: o.repo,
          release: o.release,
          prefix: o.prefix,
          upstreamRemote: o.upstreamRemote,
          downstreamRemote: o.downstreamRemote,
          dryRun: o.dryRun ?? false,
          pushUpstreamTags: o.upstreamTags,
          ...(github && o.repository ? { github, repository: o.repository } : {}),
          log: (line) => out.write(`${line}\n`),
        });
        const warning = await writeSummary(tagAndReleaseSummary(result), { file: o.summaryFile, write: (t) => out.write(t) });
        if (warning) process.stderr.write(`warning: ${warning}\n`);
        if (o.json) printJson(result);
      }),
    );
}
