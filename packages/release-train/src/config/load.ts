// Loads the release train's existing Ansible configuration directory unchanged and validates the
// package repository lists. Every problem is collected and thrown together as one ConfigError.
import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import { isMap, isPair, isScalar, type Node } from "yaml";
import { ConfigError, type ConfigProblem, sortProblems } from "./errors";
import { issueProblems } from "./issues";
import { hasJinja, renderTemplate } from "./jinja";
import { debRepoSchema, entryChecks, FIELDS, rpmRepoSchema } from "./schema";
import type { DebPackageRepo, PackageRepo, ReleaseTrainConfig, RpmPackageRepo, SourceLocation } from "./types";
import { readVarsFiles, type VarsFile } from "./vars-files";
import { formatYamlPath, locate, type PathSegment } from "./yaml-path";

const LISTS = { rpm: "rpm_package_repos", deb: "deb_package_repos" } as const;

/** Where an entry came from, to point at its fields later. */
interface Origin {
  file: VarsFile;
  path: PathSegment[];
}

/** Every entry that is a mapping, valid or not, so duplicates are reported with the other problems. */
interface Candidate {
  fields: Record<string, unknown>;
  origin: Origin;
}

function problemAt(
  file: VarsFile,
  path: PathSegment[],
  message: string,
  at: "key" | "value" = "value",
): ConfigProblem {
  const { line, column } = locate(file.doc, file.lineCounter, path, at);
  return { file: file.file, path: formatYamlPath(path), line, column, message };
}

const where = (s: SourceLocation): string => `${s.file}:${s.line}:${s.column} ${s.path}`;

/**
 * Top-level variables of every file. As in Ansible, a later file (in sorted order) overrides an
 * earlier one, and the value used is validated; defining a variable twice is still a problem,
 * reported at the later place and naming the earlier one.
 */
function collectVariables(files: VarsFile[], problems: ConfigProblem[]) {
  const variables: Record<string, unknown> = {};
  const variableSources: Record<string, SourceLocation> = {};
  const owners: Record<string, VarsFile> = {};
  for (const file of files) {
    if (file.doc.errors.length > 0 || !isMap(file.doc.contents)) continue;
    const values = file.doc.toJS({ maxAliasCount: 1000 }) as Record<string, unknown>;
    for (const pair of file.doc.contents.items) {
      if (!isPair(pair) || !isScalar(pair.key)) continue;
      const name = String(pair.key.value);
      const keyNode = pair.key as Node;
      const { line, col: column } = file.lineCounter.linePos(keyNode.range?.[0] ?? 0);
      const first = variableSources[name];
      if (first) {
        problems.push({
          file: file.file,
          path: name,
          line,
          column,
          message: `variable "${name}" is also defined at ${where(first)}; define it in one file only`,
        });
      }
      variables[name] = values[name];
      variableSources[name] = { file: file.file, path: name, line, column };
      owners[name] = file;
    }
  }
  return { variables, variableSources, owners };
}

function validateList<K extends "rpm" | "deb">(
  kind: K,
  owners: Record<string, VarsFile>,
  variables: Record<string, unknown>,
  problems: ConfigProblem[],
  unreadable: boolean,
  candidates: Candidate[],
): (K extends "rpm" ? RpmPackageRepo : DebPackageRepo)[] {
  const listName = LISTS[kind];
  const file = owners[listName];
  const value = variables[listName];
  if (!file) {
    // A file that failed to parse may well hold it; its YAML errors are reported already.
    if (unreadable) return [];
    problems.push({ file: "", path: listName, line: 1, column: 1, message: `"${listName}" is not defined in any file` });
    return [];
  }
  if (!Array.isArray(value)) {
    problems.push(problemAt(file, [listName], `must be a list of repositories, got ${value === null ? "null" : typeof value}`));
    return [];
  }
  const schema = kind === "rpm" ? rpmRepoSchema : debRepoSchema;
  const repos: PackageRepo[] = [];
  value.forEach((raw, index) => {
    const entry = renderEntry(raw, variables, (field, message) => problems.push(problemAt(file, [listName, index, field], message)));
    if (entry === undefined) return;
    if (entry !== null && typeof entry === "object" && !Array.isArray(entry)) {
      candidates.push({ fields: entry as Record<string, unknown>, origin: { file, path: [listName, index] } });
    }
    const result = schema.safeParse(entry, { reportInput: true });
    if (!result.success) {
      for (const issue of result.error.issues) {
        for (const p of issueProblems(issue, FIELDS[kind])) {
          problems.push(problemAt(file, [listName, index, ...p.path], p.message, p.at));
        }
      }
      return;
    }
    const { line, column } = locate(file.doc, file.lineCounter, [listName, index]);
    const source = { file: file.file, path: formatYamlPath([listName, index]), line, column };
    const repo = { kind, ...result.data, source } as PackageRepo;
    const entryProblems = entryChecks(repo).map((c) => problemAt(file, [listName, index, c.field], c.message));
    if (entryProblems.length) repo.problems = entryProblems;
    repos.push(repo);
  });
  return repos as (K extends "rpm" ? RpmPackageRepo : DebPackageRepo)[];
}

/**
 * An entry with its Jinja references evaluated from the directory's variables, as the Ansible train
 * would; undefined (problems reported per field) when some field cannot be evaluated.
 */
function renderEntry(entry: unknown, variables: Record<string, unknown>, problem: (field: string, message: string) => void): unknown {
  if (entry === null || typeof entry !== "object" || Array.isArray(entry)) return entry;
  const rendered: Record<string, unknown> = {};
  let failed = false;
  for (const [field, value] of Object.entries(entry as Record<string, unknown>)) {
    if (typeof value !== "string" || !hasJinja(value)) {
      rendered[field] = value;
      continue;
    }
    const result = renderTemplate(value, variables);
    if (result.ok) rendered[field] = result.value;
    else {
      failed = true;
      problem(field, result.message);
    }
  }
  return failed ? undefined : rendered;
}

/** Fields whose values name one Pulp object each, so two entries must not share them. */
const UNIQUE_FIELDS = ["short_name", "base_path", "name", "distribution_name"] as const;

function checkDuplicates(candidates: Candidate[], problems: ConfigProblem[]): void {
  for (const field of UNIQUE_FIELDS) {
    const seen = new Map<string, Origin>();
    for (const { fields, origin } of candidates) {
      // Unpublished entries create no distribution, so their distribution_name is unused.
      if (field === "distribution_name" && fields["publish"] === false) continue;
      const value = fields[field];
      if (typeof value !== "string") continue;
      const first = seen.get(value);
      if (!first) {
        seen.set(value, origin);
        continue;
      }
      const firstAt = where(problemAt(first.file, [...first.path, field], ""));
      problems.push(problemAt(origin.file, [...origin.path, field], `duplicate ${field} "${value}" (also at ${firstAt})`));
    }
  }
}

/**
 * Reads every vars file in `dir` and validates `rpm_package_repos` / `deb_package_repos`.
 * Throws `ConfigError` listing every problem found; nothing else is validated yet.
 */
export async function loadConfig(dir: string): Promise<ReleaseTrainConfig> {
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) {
    const message = `configuration directory ${JSON.stringify(dir)} does not exist or is not a directory`;
    throw new ConfigError(dir, [{ file: "", path: "", line: 1, column: 1, message }]);
  }
  const { files, problems } = await readVarsFiles(dir);
  const unreadable = problems.length > 0;
  const { variables, variableSources, owners } = collectVariables(files, problems);
  const candidates: Candidate[] = [];
  const rpm = validateList("rpm", owners, variables, problems, unreadable, candidates);
  const deb = validateList("deb", owners, variables, problems, unreadable, candidates);
  checkDuplicates(candidates, problems);
  if (problems.length > 0) throw new ConfigError(dir, sortProblems(problems));
  return { dir: resolve(dir), rpm, deb, variables, variableSources };
}

/** RPM then Deb repositories, in file order. */
export function allPackageRepos(config: Pick<ReleaseTrainConfig, "rpm" | "deb">): PackageRepo[] {
  return [...config.rpm, ...config.deb];
}

/** Every entry's own problems (see `PackageRepo.problems`), sorted. */
export function entryProblems(repos: readonly Pick<PackageRepo, "problems">[]): ConfigProblem[] {
  return sortProblems(repos.flatMap((r) => r.problems ?? []));
}

/** Stops, before any write, when a selected entry cannot sync: a ConfigError naming file and line. */
export function checkSelected(dir: string, repos: readonly Pick<PackageRepo, "problems">[]): void {
  const problems = entryProblems(repos);
  if (problems.length) throw new ConfigError(dir, problems);
}
