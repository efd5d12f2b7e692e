import { Command } from "commander";
import { deriveDownstreamTag } from "../source-repos/downstream-tag";
import { action, printJson } from "./errors";
import { type CheckoutCliOptions, checkoutFrom, withCheckoutOptions } from "./github-options";

interface DownstreamTagCliOptions extends CheckoutCliOptions {
  json?: boolean;
  push?: boolean;
  fetch: boolean;
}

export function downstreamTagCommand(): Command {
  return withCheckoutOptions(
    new Command("downstream-tag").description(
      "derive the downstream tag <prefix><upstream tag>.<n> for stackhpc/<release> and create it (os-downstream-tag.py)",
    ),
  )
    .option("--push", "push a created tag to the downstream remote")
    .option("--no-fetch", "do not fetch the remotes first")
    .option("--dry-run", "derive and print the tag; create and push nothing (the remotes are still fetched)")
    .option("--json", 'print one JSON object {"tag", "created", "upstreamTag"}')
    .action(
      action(async (o: DownstreamTagCliOptions) => {
        const log = (line: string) => process.stderr.write(`${line}\n`);
        const result = await deriveDownstreamTag({
          ...checkoutFrom(o),
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
