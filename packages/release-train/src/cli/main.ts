// The `release-train` CLI. Each command lives in its own module (./<command>.ts) exporting a
// factory that returns a commander Command; register new commands in `buildProgram` below.
import { realpathSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { Command } from "commander";
import { downstreamTagCommand } from "./downstream-tag";
import { emulatorCommand } from "./emulator";
import { reportError } from "./errors";
import { kayobeUpdateCommand } from "./kayobe-update";
import { kollaBuildCommand } from "./kolla-build";
import { kollaImageTagsCommand } from "./kolla-image-tags";
import { contentGuardsCommand, promoteCommand } from "./promote";
import { sourceRepoSyncCommand } from "./source-repo-sync";
import { syncGroupsCommand } from "./sync-groups";
import { syncContainerReposCommand } from "./sync-container-repos";
import { syncPackageReposCommand } from "./sync-package-repos";
import { tagAndReleaseCommand } from "./tag-and-release";
import { upstreamSyncCommand } from "./upstream-sync";
import { validateConfigCommand } from "./validate-config";

export function buildProgram(): Command {
  return new Command("release-train")
    .description("nightly package and container release train on Pulp")
    .showHelpAfterError()
    .addCommand(validateConfigCommand())
    .addCommand(syncGroupsCommand())
    .addCommand(syncPackageReposCommand())
    .addCommand(syncContainerReposCommand())
    .addCommand(kayobeUpdateCommand())
    .addCommand(kollaBuildCommand())
    .addCommand(downstreamTagCommand())
    .addCommand(tagAndReleaseCommand())
    .addCommand(upstreamSyncCommand())
    .addCommand(sourceRepoSyncCommand())
    .addCommand(kollaImageTagsCommand())
    .addCommand(contentGuardsCommand())
    .addCommand(promoteCommand())
    .addCommand(emulatorCommand());
}

export const program: Command = buildProgram();

export async function main(argv: string[] = process.argv): Promise<void> {
  try {
    await program.parseAsync(argv);
  } catch (error) {
    reportError(error);
    process.exitCode = 1;
  }
}

/** True when this file is the entry point (`tsx src/cli/main.ts`), not when imported. */
function isEntryPoint(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return pathToFileURL(realpathSync(entry)).href === import.meta.url;
  } catch {
    return false;
  }
}

if (isEntryPoint()) await main();
