// Rewrites kayobe-config's etc/kayobe/pulp-repo-versions.yml, the file promotion reads:
// `stackhpc_pulp_repo_<short_name>_version: <YYYYMMDDTHHMMSS>`. Edits are made in the text at the
// positions the YAML parser reports, so the header comment, ordering and unrelated lines survive.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { isMap, isPair, isScalar, LineCounter, type Node, parseDocument } from "yaml";
import { parseVersion } from "../version";

export const PULP_REPO_VERSIONS_FILE = "etc/kayobe/pulp-repo-versions.yml";

const SHORT_NAME = /^[A-Za-z0-9_]+$/;

export class KayobeConfigError extends Error {
  override name = "KayobeConfigError";
}

export const versionVariable = (shortName: string): string => `stackhpc_pulp_repo_${shortName}_version`;

export interface VersionsUpdate {
  text: string;
  changed: boolean;
  updated: { shortName: string; from: string; to: string }[];
  added: { shortName: string; version: string }[];
}

interface Edit {
  start: number;
  end: number;
  insert: string;
}

function validate(versions: Record<string, string>): void {
  const problems: string[] = [];
  for (const [shortName, version] of Object.entries(versions)) {
    if (!SHORT_NAME.test(shortName)) problems.push(`invalid short_name ${JSON.stringify(shortName)}`);
    try {
      parseVersion(version);
    } catch (error) {
      problems.push(`${shortName}: ${(error as Error).message}`);
    }
  }
  if (problems.length > 0) throw new KayobeConfigError(problems.join("; "));
}

const lineEnd = (text: string, offset: number): number => {
  const i = text.indexOf("\n", offset);
  return i === -1 ? text.length : i + 1;
};

/** Pure rewrite of the file's text with `{short_name: version}`. */
export function updatePulpRepoVersions(source: string, versions: Record<string, string>): VersionsUpdate {
  validate(versions);
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    const error = doc.errors[0]!;
    const { line, col } = lineCounter.linePos(error.pos[0]);
    throw new KayobeConfigError(`${PULP_REPO_VERSIONS_FILE}:${line}:${col}: ${error.message}`);
  }
  const contents = doc.contents;
  if (contents !== null && !isMap(contents) && !(isScalar(contents) && contents.value === null)) {
    throw new KayobeConfigError(`${PULP_REPO_VERSIONS_FILE} is not a mapping`);
  }

  // Existing version variables: key text → position of the key's line and of its value.
  const existing = new Map<string, { lineStart: number; lineEnd: number; value: Node | null }>();
  for (const pair of isMap(contents) ? contents.items : []) {
    if (!isPair(pair) || !isScalar(pair.key)) continue;
    const key = String(pair.key.value);
    if (!/^stackhpc_pulp_repo_.+_version$/.test(key)) continue;
    const keyStart = (pair.key as Node).range![0];
    const value = pair.value as Node | null;
    const lineStart = keyStart - (lineCounter.linePos(keyStart).col - 1);
    existing.set(key, { lineStart, lineEnd: lineEnd(source, value?.range?.[1] ?? keyStart), value });
  }
  const keysInFile = [...existing.keys()];

  const edits: Edit[] = [];
  const updated: VersionsUpdate["updated"] = [];
  const added: VersionsUpdate["added"] = [];
  for (const shortName of Object.keys(versions).sort()) {
    const version = versions[shortName]!;
    const key = versionVariable(shortName);
    const found = existing.get(key);
    if (found) {
      const current = isScalar(found.value) ? found.value.value : null;
      if (current !== null && String(current) === version) continue;
      updated.push({ shortName, from: current === null ? "" : String(current), to: version });
      const range = found.value?.range;
      if (range && current !== null) edits.push({ start: range[0], end: range[1], insert: version });
      else edits.push({ start: found.lineStart, end: found.lineEnd, insert: `${key}: ${version}\n` });
      continue;
    }
    added.push({ shortName, version });
    // Right after the key that sorts before it (comments above a key stay with that key), else
    // just before the first key (below the header), else at the end.
    const previous = keysInFile.filter((k) => k < key).sort().at(-1);
    let at: number;
    if (previous) at = existing.get(previous)!.lineEnd;
    else if (keysInFile.length > 0) at = existing.get(keysInFile[0]!)!.lineStart;
    else at = source.length;
    const needsNewline = at === source.length && source.length > 0 && !source.endsWith("\n");
    edits.push({ start: at, end: at, insert: `${needsNewline ? "\n" : ""}${key}: ${version}\n` });
  }

  // Apply from the end so earlier offsets stay valid; same-offset inserts keep sorted order.
  let text = source;
  edits
    .map((edit, order) => ({ edit, order }))
    .sort((a, b) => b.edit.start - a.edit.start || b.order - a.order)
    .forEach(({ edit }) => {
      text = text.slice(0, edit.start) + edit.insert + text.slice(edit.end);
    });
  if (source === "" && text !== "") text = `---\n${text}`;
  return { text, changed: text !== source, updated, added };
}

/** Rewrites the file in a kayobe-config checkout; writes nothing when no version changes. */
export async function updateKayobeConfig(
  checkoutDir: string,
  versions: Record<string, string>,
): Promise<VersionsUpdate & { file: string }> {
  const file = join(checkoutDir, PULP_REPO_VERSIONS_FILE);
  const source = await readFile(file, "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") {
      throw new KayobeConfigError(`${file} does not exist: is ${checkoutDir} a kayobe-config checkout?`);
    }
    throw error;
  });
  const update = updatePulpRepoVersions(source, versions);
  if (update.changed) await writeFile(file, update.text);
  return { ...update, file };
}
