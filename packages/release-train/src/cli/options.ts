// Options shared by several commands.
import { Option } from "commander";

export const configOption = (): Option =>
  new Option("--config <dir>", "release train configuration directory (Ansible group_vars/all)")
    .env("RELEASE_TRAIN_CONFIG")
    .makeOptionMandatory();

export const filterOption = (): Option =>
  new Option("--filter <regexes>", "whitespace-separated regular expressions searched in short_name (OR)").default(
    "",
  );
