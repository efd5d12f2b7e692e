import { Command } from "commander";
import { loadConfig } from "../config/load";
import { syncGroups } from "../selection";
import { action } from "./errors";
import { configOption, filterOption } from "./options";

export function syncGroupsCommand(): Command {
  return new Command("sync-groups")
    .description("print the package sync groups (JSON array) for the nightly workflow's matrix")
    .addOption(configOption())
    .addOption(filterOption())
    .action(
      action(async (options: { config: string; filter: string }) => {
        const config = await loadConfig(options.config);
        // One line: the value is read by workflows as a step output.
        process.stdout.write(`${JSON.stringify(syncGroups(config, options.filter))}\n`);
      }),
    );
}
