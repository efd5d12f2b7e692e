// `--versions` of kayobe-update and sync-package-repos: `{short_name: version}` given inline or as
// a file (e.g. the `versions` output of the Ark run).
import { readFile } from "node:fs/promises";
import { parse } from "yaml";
import { parseVersion } from "../version";
import { UsageError } from "./errors";

/** `{short_name: version}` from inline JSON or a JSON/YAML file; every version checked. */
export async function readVersions(value: string): Promise<Record<string, string>> {
  const trimmed = value.trim();
  // Inline JSON of any kind (`[1]`, `"x"`, `1`) is a value, not a file name.
  const inline = /^[[{"]|^-?\d+(\.\d+)?$|^(true|false|null)$/.test(trimmed);
  const text = inline ? value : await readOptionFile("--versions", value);
  let parsed: unknown;
  try {
    parsed = parse(text);
  } catch (error) {
    throw new UsageError(`--versions: cannot parse ${JSON.stringify(value)}: ${(error as Error).message}`);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new UsageError(`--versions must be a mapping of short_name to version, got ${JSON.stringify(parsed)}`);
  }
  const entries = Object.entries(parsed as Record<string, unknown>);
  const bad = entries.filter(([, v]) => typeof v !== "string").map(([k]) => k);
  if (bad.length > 0) throw new UsageError(`--versions: versions must be strings (${bad.join(", ")})`);
  const invalid = entries.filter(([, v]) => !isVersion(v as string)).map(([k, v]) => `${k}: ${JSON.stringify(v)}`);
  if (invalid.length > 0) throw new UsageError(`--versions: not a YYYYMMDDTHHMMSS version: ${invalid.join(", ")}`);
  return Object.fromEntries(entries) as Record<string, string>;
}

function isVersion(value: string): boolean {
  try {
    parseVersion(value);
    return true;
  } catch {
    return false;
  }
}

/** A file an option names, read as text; a failure names the option and the file. */
export async function readOptionFile(option: string, file: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    const reason = e.code === "ENOENT" ? "no such file" : e.code === "EISDIR" ? "is a directory" : e.message;
    throw new UsageError(`${option}: cannot read ${JSON.stringify(file)}: ${reason}`);
  }
}
