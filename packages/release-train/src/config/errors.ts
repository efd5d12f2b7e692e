// Configuration problems are collected, never thrown one by one: a user fixing their config wants
// the whole list at once, each pointing at a file, a YAML path and a line:column.
import { isAbsolute, relative, resolve } from "node:path";
import { escapeData, escapeProperty } from "../github/workflow-commands";

export interface ConfigProblem {
  /** Path relative to the configuration directory. */
  file: string;
  /** YAML path, e.g. `rpm_package_repos[3].base_path`; empty for a whole-file problem. */
  path: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  message: string;
}

export class ConfigError extends Error {
  override name = "ConfigError";
  constructor(
    /** The configuration directory as given by the caller. */
    readonly dir: string,
    readonly problems: ConfigProblem[],
  ) {
    super(`${problems.length} problem${problems.length === 1 ? "" : "s"} in configuration ${dir}`);
  }
}

/** Orders problems by file, then position, so output is stable and reads top to bottom. */
export function sortProblems(problems: ConfigProblem[]): ConfigProblem[] {
  return [...problems].sort(
    (a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column,
  );
}

/** The problem's file as a path relative to `base` (default cwd) when it lies beneath it. */
export function problemPath(dir: string, file: string, base: string = process.cwd()): string {
  const absolute = resolve(dir, file);
  const rel = relative(base, absolute);
  return rel === "" || rel.startsWith("..") || isAbsolute(rel) ? absolute : rel;
}

/** `file:line:column: path: message`, one per line (the format editors and terminals link). */
export function formatProblems(error: ConfigError, base?: string): string {
  return sortProblems(error.problems)
    .map((p) => {
      const where = `${problemPath(error.dir, p.file, base)}:${p.line}:${p.column}`;
      return p.path ? `${where}: ${p.path}: ${p.message}` : `${where}: ${p.message}`;
    })
    .join("\n");
}

/**
 * `::error file=…,line=…,col=…::msg` lines; GitHub shows them on the file when the path is
 * relative to the workspace (`GITHUB_WORKSPACE`, else the cwd).
 */
export function formatGithubAnnotations(
  error: ConfigError,
  base: string = process.env["GITHUB_WORKSPACE"] || process.cwd(),
): string {
  return sortProblems(error.problems)
    .map((p) => {
      const file = escapeProperty(problemPath(error.dir, p.file, base));
      const message = escapeData(p.path ? `${p.path}: ${p.message}` : p.message);
      return `::error file=${file},line=${p.line},col=${p.column},title=${escapeProperty("Invalid release-train configuration")}::${message}`;
    })
    .join("\n");
}
