// Which files go to which branch, as the source-repo-sync role decides it: default-branch-only
// workflows (and community files) go to the default branch unless it is itself a
// `stackhpc/<listed release>` branch; the other workflows, minus per-release ignores, and the
// community files go to every `stackhpc/<release>`. Pure: no GitHub, no disk.
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { SourceReposConfig, SourceRepository } from "./config";
import { TEMPLATES, type TemplateContext } from "./templates";

export interface RenderedFile {
  path: string;
  content: string;
}

export interface BranchFiles {
  repository: string;
  branch: string;
  /** True for the repository's default branch. */
  isDefault: boolean;
  files: RenderedFile[];
}

export interface RenderOptions {
  workflowRepository?: string;
  workflowRef?: string;
  ansibleWorkflowRepository?: string;
  /** Default branch per repository; `master` otherwise. */
  defaultBranches?: Record<string, string>;
}

export const DEFAULT_WORKFLOW_REPOSITORY = "stackhpc/release-train";

function workflowFiles(repo: SourceRepository, names: string[], base: Omit<TemplateContext, "branch" | "release">, branch: string, release: string): RenderedFile[] {
  if (!repo.copyWorkflows) return [];
  const out: RenderedFile[] = [];
  for (const name of names) {
    const content = TEMPLATES[name]?.({ ...base, branch, release });
    if (content !== undefined) out.push({ path: `.github/workflows/${name}.yml`, content });
  }
  return out;
}

export function renderRepository(repo: SourceRepository, options: RenderOptions = {}): BranchFiles[] {
  const defaultBranch = options.defaultBranches?.[repo.name] ?? "master";
  const base = {
    repository: repo.name,
    releases: repo.releases,
    workflowArgs: repo.workflowArgs,
    workflowRepository: options.workflowRepository ?? DEFAULT_WORKFLOW_REPOSITORY,
    workflowRef: options.workflowRef ?? "main",
    ansibleWorkflowRepository: options.ansibleWorkflowRepository ?? "stackhpc/.github",
  };
  const community = repo.communityFiles.map((f) => ({ path: f.dest, content: f.content }));
  const out: BranchFiles[] = [];
  const add = (branch: string, isDefault: boolean, files: RenderedFile[]) => {
    // A later file for the same path wins, as a later copy task would overwrite an earlier one.
    const byPath = new Map(files.map((f) => [f.path, f]));
    if (byPath.size > 0) out.push({ repository: repo.name, branch, isDefault, files: [...byPath.values()].sort((a, b) => a.path.localeCompare(b.path)) });
  };
  const defaultIsRelease = defaultBranch.startsWith("stackhpc/") && repo.releases.includes(defaultBranch.slice("stackhpc/".length));
  if (!defaultIsRelease) {
    add(defaultBranch, true, [...workflowFiles(repo, repo.workflows.defaultBranchOnly, base, defaultBranch, defaultBranch), ...community]);
  }
  for (const release of repo.releases) {
    const ignored = repo.workflows.perReleaseIgnored[release] ?? [];
    const names = repo.workflows.elsewhere.filter((w) => !ignored.includes(w));
    const branch = `stackhpc/${release}`;
    add(branch, branch === defaultBranch, [...workflowFiles(repo, names, base, branch, release), ...community]);
  }
  return out;
}

export function renderAll(config: SourceReposConfig, options: RenderOptions = {}): BranchFiles[] {
  return config.repositories.flatMap((repo) => renderRepository(repo, options));
}

/** Writes `<dir>/<repository>/<branch>/<path>` for every rendered file; returns the paths written. */
export async function writeRendered(dir: string, rendered: BranchFiles[]): Promise<string[]> {
  const written: string[] = [];
  for (const target of rendered) {
    for (const file of target.files) {
      const path = join(dir, target.repository, target.branch, file.path);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, file.content);
      written.push(path);
    }
  }
  return written;
}
