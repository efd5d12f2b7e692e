// `release-train kolla-image-tags --kayobe-config <checkout> --config <dir>`: what a branch pins,
// as one JSON object {"<image>": {"<distro>": "<tag>"}} on stdout (notes go to stderr).
import { Command } from "commander";
import { loadConfig } from "../config";
import { imageTagsJson, kollaImageTags } from "../promote/kolla/image-tags";
import { action } from "./errors";
import { configOption } from "./options";

export function kollaImageTagsCommand(): Command {
  return new Command("kolla-image-tags")
    .description("print the tag a kayobe-config checkout pins for each Kolla image and distro (as tools/kolla-images.py list-tags resolves it)")
    .requiredOption("--kayobe-config <checkout>", "kayobe-config checkout (reads etc/kayobe/kolla-image-tags.yml, pulp.yml, tools/kolla-images.py)")
    .addOption(configOption())
    .option("--distros <names>", "comma- or space-separated distros (default: those the checkout supports)")
    .option("--filter <regexes>", "whitespace-separated regular expressions searched in image names (OR)", "")
    .action(
      action(async (opts: { kayobeConfig: string; config: string; distros?: string; filter: string }) => {
        const config = await loadConfig(opts.config);
        const distros = opts.distros?.split(/[\s,]+/).filter(Boolean);
        const result = await kollaImageTags({ checkout: opts.kayobeConfig, config, distros, filter: opts.filter });
        process.stderr.write(`tables: ${result.tablesSource}; distros: ${result.distros.join(", ")}\n`);
        if (result.notDeployed.length) process.stderr.write(`not deployed by this branch (not in pulp.yml): ${result.notDeployed.join(", ")}\n`);
        process.stdout.write(`${JSON.stringify(imageTagsJson(result))}\n`);
      }),
    );
}
