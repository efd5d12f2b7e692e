import { Command } from "commander";
import { loadConfig } from "../config/load";
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
        printJson({ rpm: config.rpm.length, deb: config.deb.length, syncGroups: syncGroups(config).length });
      }),
    );
}
