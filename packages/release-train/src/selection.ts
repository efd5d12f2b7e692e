// Which repositories a run works on, with today's semantics (select_repos in the Ansible version):
// `filter` is a whitespace-separated list of regular expressions, OR-ed and searched unanchored in
// short_name; `sync_group` must be equal. Empty filter / group select everything.
import { allPackageRepos } from "./config/load";
import type { PackageRepo, ReleaseTrainConfig } from "./config/types";

export class SelectionError extends Error {
  override name = "SelectionError";
}

export interface Selection {
  /** Whitespace-separated regular expressions; empty or absent matches every name. */
  filter?: string | undefined;
  /** Exact sync group; empty or absent matches every group. */
  syncGroup?: string | undefined;
}

/** Compiles a filter string; throws `SelectionError` naming the offending expression. */
export function compileFilter(filter: string | undefined): RegExp[] {
  const words = (filter ?? "").split(/\s+/).filter((w) => w !== "");
  return words.map((word) => {
    try {
      return new RegExp(word);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new SelectionError(`invalid regular expression ${JSON.stringify(word)} in filter: ${reason}`);
    }
  });
}

/** A predicate over names: true when no expressions are given or any of them is found. */
function nameMatcher(filter: string | undefined): (name: string) => boolean {
  const patterns = compileFilter(filter);
  return (name) => patterns.length === 0 || patterns.some((re) => re.test(name));
}

/** Items whose `short_name` matches the filter and whose `sync_group` equals the given one. */
export function selectRepos<T extends Pick<PackageRepo, "short_name" | "sync_group">>(
  repos: readonly T[],
  selection: Selection = {},
): T[] {
  const matches = nameMatcher(selection.filter);
  const group = selection.syncGroup ?? "";
  return repos.filter((repo) => matches(repo.short_name) && (group === "" || repo.sync_group === group));
}

/**
 * Sync groups of the (RPM and Deb) package repositories matching `filter`, sorted: the matrix of
 * the nightly workflow, one job per group.
 */
export function syncGroups(config: Pick<ReleaseTrainConfig, "rpm" | "deb">, filter?: string): string[] {
  const groups = new Set(selectRepos(allPackageRepos(config), { filter }).map((repo) => repo.sync_group));
  return [...groups].sort();
}

/**
 * A selection that matched nothing is an error, not a green no-op: a typo in a workflow's group or
 * filter would otherwise pass every night. Names the group and filter, and the groups that exist.
 */
export function requireSelected<T>(selected: readonly T[], selection: Selection, groups: readonly string[]): void {
  if (selected.length > 0) return;
  const parts: string[] = [];
  if (selection.syncGroup) parts.push(`sync group ${JSON.stringify(selection.syncGroup)}`);
  if (selection.filter?.trim()) parts.push(`filter ${JSON.stringify(selection.filter.trim())}`);
  const what = parts.length ? parts.join(" and ") : "the configuration";
  const known = groups.length ? ` (sync groups: ${groups.join(", ")})` : "";
  throw new SelectionError(`no package repository matches ${what}${known}`);
}
