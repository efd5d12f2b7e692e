// A parsed YAML file with positions, and the problem type every lint rule reports.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type Document, isMap, isScalar, LineCounter, type Node, parseDocument, type YAMLMap } from "yaml";

export interface Problem {
  file: string;
  line: number;
  column: number;
  message: string;
  /** Warnings are printed but do not fail the lint. */
  severity?: "warning";
}

export function formatProblem(p: Problem): string {
  return `${p.file}:${p.line}:${p.column}: ${p.severity === "warning" ? "warning: " : ""}${p.message}`;
}

export interface Parsed {
  file: string; // relative to its repository root, as printed
  source: string;
  doc: Document.Parsed;
  lines: LineCounter;
}

/** Parses `file` under `root`; syntax errors go to `problems` and give undefined. */
export function parseYamlFile(root: string, file: string, problems: Problem[], display = file): Parsed | undefined {
  const source = readFileSync(join(root, file), "utf8");
  const lines = new LineCounter();
  const doc = parseDocument(source, { lineCounter: lines, prettyErrors: false });
  for (const e of doc.errors) {
    const pos = lines.linePos(e.pos[0]);
    problems.push({ file: display, line: pos.line, column: pos.col, message: `${e.message.split("\n")[0]} [syntax]` });
  }
  return doc.errors.length === 0 ? { file: display, source, doc, lines } : undefined;
}

export function positionOf(p: Parsed, node: unknown): { line: number; column: number } {
  const range = (node as Node | null)?.range;
  const pos = p.lines.linePos(range ? range[0] : 0);
  return { line: pos.line, column: pos.col };
}

export function problemAt(p: Parsed, node: unknown, message: string, severity?: "warning"): Problem {
  return { file: p.file, ...positionOf(p, node), message, ...(severity ? { severity } : {}) };
}

/** The source line a node starts on (for trailing comments such as `# v4.2.2`). */
export function lineOf(p: Parsed, node: unknown): string {
  const { line } = positionOf(p, node);
  return p.source.split("\n")[line - 1] ?? "";
}

export function keysOf(node: unknown): Set<string> {
  return new Set(isMap(node) ? node.items.flatMap((pair) => (isScalar(pair.key) ? [String(pair.key.value)] : [])) : []);
}

/** `[key, value]` of a map's entries with scalar keys. */
export function entries(node: unknown): [string, unknown, Node][] {
  if (!isMap(node)) return [];
  return (node as YAMLMap).items.flatMap((pair) =>
    isScalar(pair.key) ? [[String(pair.key.value), pair.value, pair.key as Node] as [string, unknown, Node]] : [],
  );
}

export function stringAt(node: unknown, key: string): string | undefined {
  if (!isMap(node)) return undefined;
  const v = node.get(key);
  return typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : undefined;
}

/** Every string scalar under `node`, with the node (for expressions such as `secrets.X`). */
export function strings(node: unknown): { value: string; node: Node }[] {
  const found: { value: string; node: Node }[] = [];
  const walk = (n: unknown) => {
    if (isScalar(n)) {
      if (typeof n.value === "string") found.push({ value: n.value, node: n });
    } else if (n && typeof n === "object" && "items" in n) {
      for (const item of (n as { items: unknown[] }).items) {
        if (item && typeof item === "object" && "key" in item && "value" in item) {
          walk((item as { value: unknown }).value);
        } else walk(item);
      }
    }
  };
  walk(node);
  return found;
}
