// Test Pulp syncs Ark's newest snapshot of each repository unless versions are pinned.
import { latestSnapshotVersions } from "./plan";
import type { SyncPulp } from "./pulp-port";
import type { PackageRepoEntry, RepoKind } from "./types";

/** short_name → version: pinned ones as given, the rest from Ark's distributions (one list per type). */
export async function resolveArkVersions(
  ark: SyncPulp | undefined,
  entries: PackageRepoEntry[],
  pinned: Record<string, string> = {},
): Promise<Record<string, string>> {
  const missing = entries.filter((e) => !pinned[e.short_name]);
  if (!missing.length || !ark) return { ...pinned };
  const kinds = [...new Set<RepoKind>(missing.map((e) => e.kind))];
  const distributions = (await Promise.all(kinds.map((k) => ark.listDistributions(k)))).flat();
  return { ...latestSnapshotVersions(distributions, missing), ...pinned };
}
