// Options shared by several commands.
import { InvalidArgumentError, Option } from "commander";

/** Workflows often pass unset inputs as empty strings; say so rather than load the cwd. */
const nonEmpty = (value: string): string => {
  if (value.trim() === "") throw new InvalidArgumentError("must not be empty");
  return value;
};

export const configOption = (): Option =>
  new Option("--config <dir>", "release train configuration directory (Ansible group_vars/all)")
    .env("RELEASE_TRAIN_CONFIG")
    .argParser(nonEmpty)
    .makeOptionMandatory();

export const filterOption = (): Option =>
  new Option("--filter <regexes>", "whitespace-separated regular expressions searched in short_name (OR)").default(
    "",
  );

/** An http(s) URL option, checked when parsed (a bad one names the option, not `TypeError: Invalid URL`). */
export const httpUrl = (value: string): string => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError("must be an http(s) URL, e.g. https://pulp.example.com");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new InvalidArgumentError("must be an http(s) URL");
  return value;
};
