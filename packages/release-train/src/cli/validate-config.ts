import { Command } from "commander";
import { allPackageRepos, checkSelected, loadConfig } from "../config/load";
import { syncGroups } from "../selection";
import { action, printJson } from "./errors";
import { configOption } from "./options";

export function validateConfigCommand(): Command {
  return new Command("validate-config")
    .description("load and validate the configuration; print counts as JSON, or every problem and exit 1")
    .addOption(configOption())
    .action(
      action(async (options: { config: string }) => {
        const config = await loadConfig(options.config);
        // Entries that cannot sync fail validation too, though they do not stop other entries' syncs.
        checkSelected(options.config, allPackageRepos(config));
        printJson({ rpm: config.rpm.length, deb: config.deb.length, syncGroups: syncGroups(config).length });
      }),
    );
}
