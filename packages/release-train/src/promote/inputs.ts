// What a promotion moves: package snapshot versions from a kayobe-config checkout
// (etc/kayobe/pulp-repo-versions.yml) or an explicit map, container tags from its
// kolla-image-tags.yml (see kolla/) or an explicit {image: [tags]} map. Every problem is reported
// at once with its file, YAML path and line, before anything is read from Pulp.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { isMap, isPair, isScalar, LineCounter, type Node, parseDocument } from "yaml";
import { ConfigError, type ConfigProblem } from "../config/errors";
import { PULP_REPO_VERSIONS_FILE } from "../kayobe/pulp-repo-versions";
import { parseVersion } from "../version";

export class PromotionInputError extends Error {
  override name = "PromotionInputError";
}

const VERSION_KEY = /^stackhpc_pulp_repo_(.+)_version$/;

/** `{short_name: version}` pinned by a kayobe-config checkout. */
export async function versionsFromKayobeConfig(checkout: string): Promise<Record<string, string>> {
  let text: string;
  try {
    text = await readFile(join(checkout, PULP_REPO_VERSIONS_FILE), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    throw new ConfigError(checkout, [{ file: PULP_REPO_VERSIONS_FILE, path: "", line: 1, column: 1, message: "file not found in the kayobe-config checkout" }]);
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, version: "1.1", prettyErrors: false });
  const problems: ConfigProblem[] = [];
  const at = (node: Node | null | undefined) => lineCounter.linePos(node?.range?.[0] ?? 0);
  for (const e of doc.errors) {
    const { line, col } = lineCounter.linePos(e.pos[0]);
    problems.push({ file: PULP_REPO_VERSIONS_FILE, path: "", line, column: col, message: e.message.split("\n")[0] ?? e.message });
  }
  const versions: Record<string, string> = {};
  if (!problems.length && doc.contents !== null && !isMap(doc.contents)) {
    problems.push({ file: PULP_REPO_VERSIONS_FILE, path: "", line: 1, column: 1, message: "is not a mapping of variables" });
  }
  for (const pair of isMap(doc.contents) ? doc.contents.items : []) {
    if (!isPair(pair) || !isScalar(pair.key)) continue;
    const key = String(pair.key.value);
    const m = VERSION_KEY.exec(key);
    if (!m) continue;
    const value = isScalar(pair.value) ? pair.value.value : undefined;
    try {
      versions[m[1] as string] = String(value ?? "");
      parseVersion(String(value ?? ""));
    } catch (error) {
      const { line, col } = at(pair.value as Node);
      problems.push({ file: PULP_REPO_VERSIONS_FILE, path: key, line, column: col, message: (error as Error).message });
    }
  }
  if (problems.length) throw new ConfigError(checkout, problems);
  return versions;
}

/** Inline JSON/YAML or a file; `what` names the input in messages. */
async function readMap(value: string, what: string): Promise<unknown> {
  const inline = /^\s*[{[]/.test(value);
  let text: string;
  if (inline) text = value;
  else {
    try {
      text = await readFile(value, "utf8");
    } catch (error) {
      throw new PromotionInputError(`${what}: cannot read ${JSON.stringify(value)}: ${(error as Error).message}`);
    }
  }
  try {
    return parseDocument(text, { version: "1.1", prettyErrors: false }).toJS({ maxAliasCount: 100 });
  } catch (error) {
    throw new PromotionInputError(`${what}: cannot parse ${inline ? "the value" : JSON.stringify(value)}: ${(error as Error).message}`);
  }
}

/** An explicit `{short_name: version}` map (inline JSON/YAML or a file), every entry checked. */
export async function explicitVersions(value: string, what = "--versions"): Promise<Record<string, string>> {
  const parsed = await readMap(value, what);
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw new PromotionInputError(`${what} must be a mapping of short_name to version`);
  const problems: string[] = [];
  const out: Record<string, string> = {};
  for (const [shortName, version] of Object.entries(parsed as Record<string, unknown>)) {
    try {
      if (typeof version !== "string") throw new Error(`version must be a string, not ${JSON.stringify(version)}`);
      parseVersion(version);
      out[shortName] = version;
    } catch (error) {
      problems.push(`${shortName}: ${(error as Error).message}`);
    }
  }
  if (problems.length) throw new PromotionInputError(`${what}: ${problems.join("; ")}`);
  return out;
}

const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

/** An explicit `{image: [tags]}` map (a single tag string is accepted too). */
export async function explicitImageTags(value: string, what = "--tags"): Promise<Record<string, string[]>> {
  const parsed = await readMap(value, what);
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw new PromotionInputError(`${what} must be a mapping of image to tags`);
  const problems: string[] = [];
  const out: Record<string, string[]> = {};
  for (const [image, raw] of Object.entries(parsed as Record<string, unknown>)) {
    const tags = typeof raw === "string" ? [raw] : raw;
    if (!Array.isArray(tags) || tags.length === 0 || !tags.every((t) => typeof t === "string" && TAG.test(t))) {
      problems.push(`${image}: expected a list of valid tags, got ${JSON.stringify(raw)}`);
      continue;
    }
    out[image] = [...new Set(tags as string[])];
  }
  if (problems.length) throw new PromotionInputError(`${what}: ${problems.join("; ")}`);
  return out;
}
