import { Command } from "commander";
import { deriveDownstreamTag } from "../source-repos/downstream-tag";
import { action, printJson } from "./errors";

interface DownstreamTagCliOptions {
  repo: string;
  release: string;
  prefix: string;
  upstreamRemote: string;
  downstreamRemote: string;
  dryRun?: boolean;
  json?: boolean;
  push?: boolean;
  fetch: boolean;
}

export function downstreamTagCommand(): Command {
  return new Command("downstream-tag")
    .description("derive the downstream tag <prefix><upstream tag>.<n> for stackhpc/<release> and create it (os-downstream-tag.py)")
    .requiredOption("--repo <checkout>", "git checkout with the upstream and downstream remotes")
    .requiredOption("--release <series>", "release series, e.g. 2025.1, zed or master")
    .option("--prefix <prefix>", "downstream tag prefix", "stackhpc/")
    .option("--upstream-remote <name>", "remote of the upstream repository", "origin")
    .option("--downstream-remote <name>", "remote of the fork", "stackhpc")
    .option("--push", "push a created tag to the downstream remote")
    .option("--no-fetch", "do not fetch the remotes first")
    .option("--dry-run", "derive and print the tag; create nothing")
    .option("--json", 'print one JSON object {"tag", "created", "upstreamTag"}')
    .action(
      action(async (o: DownstreamTagCliOptions) => {
        const log = (line: string) => process.stderr.write(`${line}\n`);
        const result = await deriveDownstreamTag({
          repo: o.repo,
          release: o.release,
          prefix: o.prefix,
          upstreamRemote: o.upstreamRemote,
          downstreamRemote: o.downstreamRemote,
          dryRun: o.dryRun ?? false,
          push: o.push ?? false,
          fetch: o.fetch,
          log,
        });
        if (o.json) {
          printJson({ tag: result.tag, created: result.created, upstreamTag: result.upstreamTag });
        } else if (result.created) {
          process.stdout.write(`${o.dryRun ? "would create" : "created"} ${result.tag}${result.pushed ? ` and pushed it to ${o.downstreamRemote}` : ""}\n`);
        } else {
          process.stdout.write(`HEAD of ${result.downstreamBranch} (${result.commit.slice(0, 12)}) is already tagged ${result.tag}\n`);
        }
      }),
    );
}
