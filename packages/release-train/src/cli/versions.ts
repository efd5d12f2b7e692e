// `--versions` of kayobe-update and sync-package-repos: `{short_name: version}` given inline or as
// a file (e.g. the `versions` output of the Ark run).
import { readFile } from "node:fs/promises";
import { parse } from "yaml";
import { UsageError } from "./errors";

/** `{short_name: version}` from inline JSON or a JSON/YAML file. */
export async function readVersions(value: string): Promise<Record<string, string>> {
  const text = value.trim().startsWith("{") ? value : await readFile(value, "utf8");
  let parsed: unknown;
  try {
    parsed = parse(text);
  } catch (error) {
    throw new UsageError(`--versions: cannot parse ${JSON.stringify(value)}: ${(error as Error).message}`);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new UsageError("--versions must be a mapping of short_name to version");
  }
  const entries = Object.entries(parsed as Record<string, unknown>);
  const bad = entries.filter(([, v]) => typeof v !== "string").map(([k]) => k);
  if (bad.length > 0) throw new UsageError(`--versions: versions must be strings (${bad.join(", ")})`);
  return Object.fromEntries(entries) as Record<string, string>;
}
