// Reads an Ansible vars directory (group_vars/all/) the way Ansible does: every file, recursively,
// with no extension or .yml/.yaml/.json, hidden files skipped; YAML 1.1 as PyYAML reads it.
import { readdir, readFile, stat } from "node:fs/promises";
import { extname, join, relative } from "node:path";
import { type Document, isMap, isScalar, LineCounter, parseDocument } from "yaml";
import type { ConfigProblem } from "./errors";
import { unsafeTag, vaultTag } from "./vault";

const VARS_EXTENSIONS = new Set(["", ".yml", ".yaml", ".json"]);

export interface VarsFile {
  /** Relative to the configuration directory, `/`-separated. */
  file: string;
  doc: Document.Parsed;
  lineCounter: LineCounter;
}

/** Relative paths of the vars files under `dir`, sorted (Ansible loads them in this order). */
async function listVarsFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries) {
    const rel = relative(dir, join(entry.parentPath, entry.name));
    const parts = rel.split(/[\\/]/);
    if (parts.some((p) => p.startsWith(".")) || rel.endsWith("~")) continue;
    if (!VARS_EXTENSIONS.has(extname(entry.name))) continue;
    const isFile = entry.isFile() || (entry.isSymbolicLink() && (await stat(join(dir, rel))).isFile());
    if (isFile) files.push(parts.join("/"));
  }
  return files.sort();
}

function parseVarsFile(file: string, source: string): { parsed: VarsFile; problems: ConfigProblem[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, {
    version: "1.1",
    lineCounter,
    prettyErrors: false,
    customTags: (tags) => [...tags, vaultTag, unsafeTag],
  });
  const problems: ConfigProblem[] = doc.errors.map((error) => {
    const { line, col } = lineCounter.linePos(error.pos[0]);
    return { file, path: "", line, column: col, message: `YAML: ${error.message}` };
  });
  // Unknown tags (`!foo`) only raise warnings; the value is kept untagged, like Ansible's loader.
  if (problems.length === 0 && doc.contents !== null && !isMap(doc.contents)) {
    const isEmpty = isScalar(doc.contents) && doc.contents.value === null;
    if (!isEmpty) {
      const { line, col } = lineCounter.linePos(doc.contents.range?.[0] ?? 0);
      problems.push({ file, path: "", line, column: col, message: "a vars file must be a mapping of variable names to values" });
    }
  }
  return { parsed: { file, doc, lineCounter }, problems };
}

export async function readVarsFiles(dir: string): Promise<{ files: VarsFile[]; problems: ConfigProblem[] }> {
  const files: VarsFile[] = [];
  const problems: ConfigProblem[] = [];
  for (const file of await listVarsFiles(dir)) {
    const result = parseVarsFile(file, await readFile(join(dir, file), "utf8"));
    files.push(result.parsed);
    problems.push(...result.problems);
  }
  return { files, problems };
}
