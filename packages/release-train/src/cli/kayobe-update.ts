import { Command, Option } from "commander";
import { allPackageRepos, loadConfig } from "../config/load";
import type { ReleaseTrainConfig } from "../config/types";
import { proposeKayobeUpdate } from "../kayobe/propose";
import { versionFromDate } from "../version";
import { action, printJson, UsageError } from "./errors";
import { configOption } from "./options";
import { readVersions } from "./versions";

interface KayobeUpdateOptions {
  config: string;
  kayobeConfig: string;
  versions: string;
  branch?: string;
  base: string;
  commit?: boolean;
  githubToken?: string;
  repository?: string;
  githubApiUrl?: string;
}

/** Only published repositories have distributions that a version could point at. */
function checkKnown(config: ReleaseTrainConfig, versions: Record<string, string>): void {
  const published = new Set(allPackageRepos(config).filter((r) => r.publish).map((r) => r.short_name));
  const unknown = Object.keys(versions).filter((name) => !published.has(name));
  if (unknown.length > 0) {
    throw new UsageError(`--versions names repositories not published by the configuration: ${unknown.join(", ")}`);
  }
}

export function kayobeUpdateCommand(): Command {
  return new Command("kayobe-update")
    .description(
      "write stackhpc_pulp_repo_<short_name>_version variables to a kayobe-config checkout; " +
        "optionally commit, push and open a pull request",
    )
    .addOption(configOption())
    .requiredOption("--kayobe-config <checkout>", "kayobe-config checkout (contains etc/kayobe/)")
    .requiredOption("--versions <json|file>", "{short_name: version} as inline JSON or a JSON/YAML file")
    .option("--branch <name>", "branch to commit to (default release-train/pulp-repo-versions-<UTC time>)")
    .option("--base <branch>", "pull request base branch", "main")
    .option("--commit", "commit and push the change even without a pull request")
    .addOption(new Option("--github-token <token>", "token to open the pull request with").env("GITHUB_TOKEN"))
    .option("--repository <owner/name>", "GitHub repository of the kayobe-config checkout")
    .addOption(new Option("--github-api-url <url>", "GitHub REST API root").env("GITHUB_API_URL"))
    .action(
      action(async (options: KayobeUpdateOptions) => {
        const config = await loadConfig(options.config);
        const versions = await readVersions(options.versions);
        checkKnown(config, versions);
        if (options.githubToken && !options.repository) {
          throw new UsageError("--repository owner/name is required to open a pull request");
        }
        if (options.repository && !options.githubToken) {
          throw new UsageError("--github-token (or GITHUB_TOKEN) is required to open a pull request");
        }
        const result = await proposeKayobeUpdate({
          checkoutDir: options.kayobeConfig,
          versions,
          commit: options.commit ?? false,
          branch: options.branch ?? `release-train/pulp-repo-versions-${versionFromDate()}`,
          ...(options.githubToken && options.repository
            ? {
                pullRequest: {
                  token: options.githubToken,
                  repository: options.repository,
                  base: options.base,
                  apiUrl: options.githubApiUrl,
                },
              }
            : {}),
        });
        const { text: _text, ...summary } = result;
        printJson(summary);
      }),
    );
}
