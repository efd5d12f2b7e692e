import { Command, Option } from "commander";
import { writeSummary } from "../engine";
import { createGitHubClient } from "../github/client";
import { tagAndReleaseSummary } from "../source-repos/summary";
import { tagAndRelease } from "../source-repos/tag-and-release";
import { action, printJson, UsageError } from "./errors";
import { type CheckoutCliOptions, checkoutFrom, type GitHubCliOptions, withCheckoutOptions, withGitHubRunOptions } from "./github-options";

interface TagAndReleaseCliOptions extends GitHubCliOptions, CheckoutCliOptions {
  repository?: string;
  upstreamTags: boolean;
  dryRun?: boolean;
  json?: boolean;
  summaryFile?: string;
}

export function tagAndReleaseCommand(): Command {
  const command = withCheckoutOptions(
    new Command("tag-and-release").description("push upstream tags, create and push the downstream tag, and create or update its GitHub release"),
  )
    .addOption(new Option("--repository <owner/name>", "the fork on GitHub, for the release").env("GITHUB_REPOSITORY"))
    .option("--no-upstream-tags", "do not push upstream's tags to the fork")
    .option("--dry-run", "derive the tag and notes; push and publish nothing");
  return withGitHubRunOptions(command).action(
      action(async (o: TagAndReleaseCliOptions) => {
        if (o.repository && !o.githubToken) throw new UsageError("--github-token (or GITHUB_TOKEN) is required to publish the release");
        const github = o.repository && o.githubToken ? createGitHubClient({ token: o.githubToken, apiUrl: o.githubApiUrl }) : undefined;
        const out = o.json ? process.stderr : process.stdout;
        const result = await tagAndRelease({
          ...checkoutFrom(o),
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
