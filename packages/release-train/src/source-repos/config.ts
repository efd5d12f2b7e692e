// The `source-repositories` configuration (Ansible group_vars), read as the source-repo-sync role
// of stackhpc-release-train reads it: per repository type (`openstack` by default), releases =
// sort(maintained ∩ synced ∪ additional), workflows = global set − ignored ∪ additional, with
// per-release ignores; other types take their `workflows` list for the default branch only.
// Values that are a single Jinja reference (`{{ community_files.codeowners.kayobe }}`) resolve
// to the referenced variable, as Ansible's native templating does; anything else Jinja is reported.
import { stat } from "node:fs/promises";
import { ConfigError, type ConfigProblem, sortProblems } from "../config/errors";
import type { SourceLocation } from "../config/types";
import { readVarsFiles, type VarsFile } from "../config/vars-files";
import { formatYamlPath, locate, type PathSegment } from "../config/yaml-path";

export const REPOSITORY_TYPES = ["openstack", "single-branch", "docs", "branchless", "ansible"] as const;
export type RepositoryType = (typeof REPOSITORY_TYPES)[number];

export interface CommunityFile {
  /** Key in the entry, e.g. `codeowners`. */
  name: string;
  content: string;
  /** Path in the repository, e.g. `.github/CODEOWNERS`. */
  dest: string;
}

export interface SourceRepository {
  name: string;
  type: RepositoryType;
  /** Release series with a `stackhpc/<release>` branch (openstack type only), sorted as Jinja sorts. */
  releases: string[];
  workflows: {
    defaultBranchOnly: string[];
    elsewhere: string[];
    perReleaseIgnored: Record<string, string[]>;
  };
  workflowArgs: Record<string, unknown>;
  copyWorkflows: boolean;
  communityFiles: CommunityFile[];
  source: SourceLocation;
}

export interface SourceReposConfig {
  dir: string;
  maintainedReleases: string[];
  repositories: SourceRepository[];
}

type Vars = Record<string, unknown>;

interface Ctx {
  vars: Vars;
  owners: Record<string, VarsFile>;
  problems: ConfigProblem[];
}

function problem(ctx: Ctx, path: PathSegment[], message: string): void {
  const owner = ctx.owners[String(path[0])];
  if (!owner) {
    ctx.problems.push({ file: "", path: formatYamlPath(path), line: 1, column: 1, message });
    return;
  }
  const { line, column } = locate(owner.doc, owner.lineCounter, path);
  ctx.problems.push({ file: owner.file, path: formatYamlPath(path), line, column, message });
}

const JINJA_REF = /^\s*\{\{\s*([A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)*)\s*\}\}\s*$/;

/** Resolves whole-value Jinja references, recursively; undefined (and a problem) when it cannot. */
function resolveValue(ctx: Ctx, value: unknown, path: PathSegment[], depth = 0): unknown {
  if (typeof value !== "string" || !value.includes("{{")) return value;
  const m = JINJA_REF.exec(value);
  if (!m || depth > 10) {
    problem(ctx, path, `unsupported Jinja expression ${JSON.stringify(value)}: only a single {{ variable.path }} reference is understood`);
    return undefined;
  }
  let target: unknown = ctx.vars;
  for (const part of m[1]!.split(".")) {
    target = target !== null && typeof target === "object" ? (target as Vars)[part] : undefined;
    if (target === undefined) {
      problem(ctx, path, `${m[1]} is not defined (referenced by ${JSON.stringify(value.trim())})`);
      return undefined;
    }
  }
  return resolveValue(ctx, target, path, depth + 1);
}

function stringList(ctx: Ctx, value: unknown, path: PathSegment[]): string[] {
  const v = resolveValue(ctx, value, path);
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) {
    problem(ctx, path, `must be a list, got ${typeof v}`);
    return [];
  }
  return v.map(String);
}

function mapping(ctx: Ctx, value: unknown, path: PathSegment[]): Vars | undefined {
  const v = resolveValue(ctx, value, path);
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "object" || Array.isArray(v)) {
    problem(ctx, path, `must be a mapping, got ${Array.isArray(v) ? "a list" : typeof v}`);
    return undefined;
  }
  return v as Vars;
}

const unique = (items: string[]) => [...new Set(items)];
const minus = (a: string[], b: string[]) => a.filter((x) => !b.includes(x));

const KNOWN_FIELDS = ["repository_type", "synced_releases", "additional_releases", "workflows", "workflow_args", "copy_workflows", "community_files"];
const WORKFLOW_FIELDS = ["ignored_workflows", "additional_workflows", "per_release_ignored_workflows"];

function communityFiles(ctx: Ctx, value: unknown, path: PathSegment[]): CommunityFile[] {
  const v = resolveValue(ctx, value, path);
  if (v === undefined || v === null) return [];
  // Ansible's `with_dict` takes a mapping or a list of mappings.
  const items = Array.isArray(v) ? v : [v];
  const out: CommunityFile[] = [];
  items.forEach((item, index) => {
    const at = Array.isArray(v) ? [...path, index] : path;
    const entries = mapping(ctx, item, at);
    for (const [name, spec] of Object.entries(entries ?? {})) {
      const file = mapping(ctx, spec, [...at, name]);
      if (!file) continue;
      const content = resolveValue(ctx, file["content"], [...at, name, "content"]);
      const dest = resolveValue(ctx, file["dest"], [...at, name, "dest"]);
      if (file["content"] === undefined) problem(ctx, [...at, name], "content is required");
      else if (content !== undefined && typeof content !== "string") problem(ctx, [...at, name, "content"], "must be a string (the file's content)");
      if (typeof dest !== "string" || dest === "" || dest.startsWith("/") || dest.split("/").includes("..")) {
        problem(ctx, [...at, name, "dest"], "must be a relative path inside the repository");
      }
      if (typeof content === "string" && typeof dest === "string") out.push({ name, content, dest });
    }
  });
  return out;
}

function repository(ctx: Ctx, name: string, raw: unknown, maintained: string[], known: Set<string>): SourceRepository | undefined {
  const path: PathSegment[] = ["source_repositories", name];
  const entry = raw === null ? {} : mapping(ctx, raw, path);
  if (!entry) return undefined;
  for (const key of Object.keys(entry)) if (!KNOWN_FIELDS.includes(key)) problem(ctx, [...path, key], `unknown field "${key}" (known: ${KNOWN_FIELDS.join(", ")})`);
  const type = (entry["repository_type"] ?? "openstack") as RepositoryType;
  if (!REPOSITORY_TYPES.includes(type)) {
    problem(ctx, [...path, "repository_type"], `must be one of ${REPOSITORY_TYPES.join(", ")}`);
    return undefined;
  }
  const copyWorkflows = entry["copy_workflows"] ?? true;
  if (typeof copyWorkflows !== "boolean") problem(ctx, [...path, "copy_workflows"], "must be true or false");
  const workflowArgs = mapping(ctx, entry["workflow_args"], [...path, "workflow_args"]) ?? {};
  const files = communityFiles(ctx, entry["community_files"], [...path, "community_files"]);
  const checkKnown = (list: string[], at: PathSegment[]) => {
    for (const w of list) if (!known.has(w)) problem(ctx, at, `no template for workflow "${w}" (known: ${[...known].join(", ")})`);
  };
  const source = { file: ctx.owners["source_repositories"]?.file ?? "", path: formatYamlPath(path), ...locateEntry(ctx, path) };

  if (type !== "openstack") {
    const list = stringList(ctx, entry["workflows"], [...path, "workflows"]);
    checkKnown(list, [...path, "workflows"]);
    return { name, type, releases: [], workflows: { defaultBranchOnly: list, elsewhere: [], perReleaseIgnored: {} }, workflowArgs, copyWorkflows: copyWorkflows !== false, communityFiles: files, source };
  }
  const synced = stringList(ctx, entry["synced_releases"], [...path, "synced_releases"]);
  const additional = stringList(ctx, entry["additional_releases"], [...path, "additional_releases"]);
  const releases = unique([...maintained.filter((r) => synced.includes(r)), ...additional]).sort();
  const wf = mapping(ctx, entry["workflows"], [...path, "workflows"]) ?? {};
  for (const key of Object.keys(wf)) if (!WORKFLOW_FIELDS.includes(key)) problem(ctx, [...path, "workflows", key], `unknown field "${key}" (known: ${WORKFLOW_FIELDS.join(", ")})`);
  const part = (field: string, kind: string) => {
    const at = [...path, "workflows", field, kind];
    const m = mapping(ctx, wf[field], [...path, "workflows", field]);
    return stringList(ctx, m?.[kind], at);
  };
  const global = mapping(ctx, ctx.vars["openstack_workflows"], ["openstack_workflows"]) ?? {};
  const defaultBranchOnly = unique([...minus(stringList(ctx, global["default_branch_only"], ["openstack_workflows", "default_branch_only"]), part("ignored_workflows", "default_branch_only")), ...part("additional_workflows", "default_branch_only")]);
  const elsewhere = unique([...minus(stringList(ctx, global["elsewhere"], ["openstack_workflows", "elsewhere"]), part("ignored_workflows", "elsewhere")), ...part("additional_workflows", "elsewhere")]);
  checkKnown([...defaultBranchOnly, ...elsewhere], [...path, "workflows"]);
  const perRelease = mapping(ctx, wf["per_release_ignored_workflows"], [...path, "workflows", "per_release_ignored_workflows"]) ?? {};
  const perReleaseIgnored = Object.fromEntries(
    Object.entries(perRelease).map(([release, list]) => [release, stringList(ctx, list, [...path, "workflows", "per_release_ignored_workflows", release])]),
  );
  return { name, type, releases, workflows: { defaultBranchOnly, elsewhere, perReleaseIgnored }, workflowArgs, copyWorkflows: copyWorkflows !== false, communityFiles: files, source };
}

function locateEntry(ctx: Ctx, path: PathSegment[]): { line: number; column: number } {
  const owner = ctx.owners[String(path[0])];
  return owner ? locate(owner.doc, owner.lineCounter, path, "key") : { line: 1, column: 1 };
}

/** Reads and checks `source_repositories` and the variables it uses; every problem at once. */
export async function loadSourceReposConfig(dir: string, knownWorkflows: Iterable<string>): Promise<SourceReposConfig> {
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new ConfigError(dir, [{ file: "", path: "", line: 1, column: 1, message: `configuration directory ${JSON.stringify(dir)} does not exist or is not a directory` }]);
  }
  const { files, problems } = await readVarsFiles(dir);
  const ctx: Ctx = { vars: {}, owners: {}, problems };
  for (const file of files) {
    if (file.doc.errors.length > 0) continue;
    const values = (file.doc.toJS({ maxAliasCount: 1000 }) ?? {}) as Vars;
    for (const [name, value] of Object.entries(values)) {
      ctx.vars[name] = value;
      ctx.owners[name] = file;
    }
  }
  if (ctx.vars["source_repositories"] === undefined) {
    problem(ctx, ["source_repositories"], '"source_repositories" is not defined in any file');
    throw new ConfigError(dir, sortProblems(problems));
  }
  const maintained = stringList(ctx, ctx.vars["maintained_releases"], ["maintained_releases"]);
  const known = new Set(knownWorkflows);
  const repos = mapping(ctx, ctx.vars["source_repositories"], ["source_repositories"]) ?? {};
  const repositories: SourceRepository[] = [];
  for (const [name, raw] of Object.entries(repos)) {
    if (!/^[A-Za-z0-9_.-]+$/.test(name)) problem(ctx, ["source_repositories", name], `"${name}" is not a GitHub repository name`);
    const repo = repository(ctx, name, raw, maintained, known);
    if (repo) repositories.push(repo);
  }
  if (problems.length > 0) throw new ConfigError(dir, sortProblems(problems));
  return { dir, maintainedReleases: maintained, repositories };
}
