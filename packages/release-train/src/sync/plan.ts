// Pure planning: current Pulp state (SnapshotIndex) + desired RepoSpec → the writes to make.
// The pre-sync part (remote, repository, sync, duplicate cleanup) is fully known up front; the
// post-sync part (publish, distribute) depends on what the sync created and is decided by
// `choosePublication` / `planDistribution` once the sync task has finished.
import { publicationFlavour, type SnapshotIndex } from "./snapshot-index";
import type { DistributionRecord, PublicationRecord, RemoteFields, RemoteRecord, RepoSpec } from "./types";
import { SECRET_REMOTE_FIELDS } from "./types";

export type ObjectStep =
  | { action: "create"; body: Record<string, unknown> }
  | { action: "update"; href: string; patch: Record<string, unknown> }
  | { action: "none"; href: string };

export interface RepoPlan {
  spec: RepoSpec;
  remote?: ObjectStep;
  repository: ObjectStep;
  /** Sync body without `remote` (added once the remote href is known). */
  sync?: Record<string, unknown>;
  /** Duplicate publications to delete before syncing (pulp_rpm#2311). */
  cleanup: string[];
  /** Predicted from current state: whether the latest version still needs a publication/distribution. */
  expect: { publish: boolean; distribute: boolean };
  /** Problems found while planning (e.g. unknown content guard); applying fails the repository. */
  problems: string[];
}

export function planRepo(spec: RepoSpec, index: SnapshotIndex): RepoPlan {
  const problems: string[] = [];
  const repo = index.repositories.get(spec.repositoryName);
  const plan: RepoPlan = {
    spec,
    repository: repo ? { action: "none", href: repo.pulp_href } : { action: "create", body: { name: spec.repositoryName } },
    cleanup: repo ? duplicatePublications(index, repo.pulp_href) : [],
    expect: { publish: false, distribute: false },
    problems,
  };
  if (spec.remote) {
    const existing = index.remotes.get(spec.remote.name);
    if (!existing) plan.remote = { action: "create", body: { name: spec.remote.name, ...spec.remote.fields } };
    else {
      const patch = remotePatch(spec.remote.fields, existing, spec.remote.refreshSecrets);
      plan.remote = Object.keys(patch).length
        ? { action: "update", href: existing.pulp_href, patch }
        : { action: "none", href: existing.pulp_href };
    }
    plan.sync = { ...spec.syncOptions };
  }
  if (!repo && !spec.remote && spec.publish) {
    // sync: false publishes what was uploaded; an absent repository would be an empty snapshot.
    problems.push(`repository "${spec.repositoryName}" does not exist in Pulp and sync is false: nothing to publish (upload its content first)`);
  }
  const guard = spec.distribution?.contentGuard;
  if (guard && !index.guards.has(guard)) problems.push(`content guard '${guard}' does not exist`);
  if (spec.publish) {
    const latest = repo?.latest_version_href ?? undefined;
    const kept = latest ? choosePublication(index, latest, [], spec.publish).keep : undefined;
    plan.expect.publish = !kept;
    plan.expect.distribute = !kept || index.distributionsOf(kept).length === 0;
  }
  return plan;
}

/**
 * Fields whose desired value differs from the remote's. Secrets are write-only, so they can only be
 * compared by `hidden_fields.is_set`; `refreshSecrets` sends every desired secret (rotation).
 */
export function remotePatch(desired: RemoteFields, existing: RemoteRecord, refreshSecrets = false): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  const secrets = new Set<string>(SECRET_REMOTE_FIELDS);
  const isSet = new Map((existing.hidden_fields ?? []).map((f) => [f.name, f.is_set]));
  for (const [field, value] of Object.entries(desired)) {
    if (value === undefined) continue;
    if (secrets.has(field)) {
      const wanted = value !== null && value !== "";
      if (wanted !== (isSet.get(field) ?? false) || (wanted && refreshSecrets)) patch[field] = value;
      continue;
    }
    if (!sameValue(value, existing[field])) patch[field] = value;
  }
  return patch;
}

function sameValue(a: unknown, b: unknown): boolean {
  const norm = (v: unknown) => (v === undefined || v === "" ? null : typeof v === "string" ? v.trim() : v);
  return norm(a) === norm(b);
}

/**
 * Which publication serves a repository version and which are duplicates to delete (guide §15).
 * Keeps every publication a distribution uses; otherwise the oldest. `created` are publications a
 * sync task just made (newer than any listed one). With `publish`, only publications made that way
 * count (a Deb entry whose `mode` changed needs a new one; the old ones stay for older snapshots).
 */
export function choosePublication(
  index: SnapshotIndex,
  versionHref: string,
  created: string[],
  publish?: RepoSpec["publish"],
): { keep?: string; remove: string[] } {
  const listed = index.publicationsOf(versionHref, publish).map((p) => p.pulp_href);
  const hrefs = [...listed, ...created.filter((h) => !listed.includes(h))];
  if (hrefs.length === 0) return { remove: [] };
  const used = hrefs.filter((h) => index.distributionsOf(h).length > 0);
  const keep = used.length ? used : [hrefs[0] as string];
  // Prefer the newest distributed one as "the" publication (latest snapshot serves it).
  return { keep: keep[keep.length - 1], remove: hrefs.filter((h) => !keep.includes(h)) };
}

/** Duplicate publications across all versions of a repository (same version, kind and mode flags). */
export function duplicatePublications(index: SnapshotIndex, repositoryHref: string): string[] {
  const remove: string[] = [];
  for (const [, pubs] of index.versionsWithPublications(repositoryHref)) {
    const flavours = new Map<string, PublicationRecord[]>();
    for (const p of pubs) flavours.set(publicationFlavour(p), [...(flavours.get(publicationFlavour(p)) ?? []), p]);
    for (const same of flavours.values()) {
      if (same.length < 2) continue;
      const used = same.filter((p) => index.distributionsOf(p.pulp_href).length > 0);
      const keep = new Set((used.length ? used : [same[0] as PublicationRecord]).map((p) => p.pulp_href));
      remove.push(...same.filter((p) => !keep.has(p.pulp_href)).map((p) => p.pulp_href));
    }
  }
  return remove;
}

export type DistributionStep =
  | { action: "exists"; distribution: DistributionRecord }
  | { action: "create"; body: Record<string, unknown> }
  | { action: "update"; href: string; patch: Record<string, unknown>; distribution: DistributionRecord };

/** Distribute a publication unless some distribution already serves it. */
export function planDistribution(spec: RepoSpec, index: SnapshotIndex, publication: string): DistributionStep | undefined {
  const want = spec.distribution;
  if (!want) return undefined;
  const existing = index.distributionsOf(publication);
  if (existing.length) return { action: "exists", distribution: newestSnapshot(existing, spec) };
  const guardHref = want.contentGuard ? (index.guards.get(want.contentGuard)?.pulp_href ?? null) : null;
  const sameName = index.distributionsByName.get(want.name);
  if (sameName) {
    // Re-run of the same version after the repository moved on: re-point, keep name and path.
    return { action: "update", href: sameName.pulp_href, patch: { publication, content_guard: guardHref }, distribution: sameName };
  }
  return {
    action: "create",
    body: { name: want.name, base_path: want.basePath, publication, content_guard: guardHref },
  };
}

const VERSION_SUFFIX = /(\d{8}T\d{6})$/;

/** Snapshot version encoded at the end of a distribution's base path. */
export function snapshotVersionOf(distribution: Pick<DistributionRecord, "base_path">): string | undefined {
  return VERSION_SUFFIX.exec(distribution.base_path)?.[1];
}

function newestSnapshot(distributions: DistributionRecord[], spec: RepoSpec): DistributionRecord {
  const prefix = spec.distribution?.basePath.slice(0, -spec.version.length) ?? "";
  const ours = distributions.filter((d) => d.base_path.startsWith(prefix) && snapshotVersionOf(d));
  const pool = ours.length ? ours : distributions;
  return [...pool].sort((a, b) => (a.base_path < b.base_path ? 1 : -1))[0] as DistributionRecord;
}

/** Test target: the newest snapshot version Ark distributes for each repository. */
export function latestSnapshotVersions(
  distributions: DistributionRecord[],
  entries: { short_name: string; base_path: string }[],
): Record<string, string> {
  const versions: Record<string, string> = {};
  for (const entry of entries) {
    for (const d of distributions) {
      if (!d.base_path.startsWith(entry.base_path) || !d.publication) continue;
      const version = snapshotVersionOf(d);
      if (!version || d.base_path !== `${entry.base_path}${version}`) continue;
      const current = versions[entry.short_name];
      if (!current || version > current) versions[entry.short_name] = version;
    }
  }
  return versions;
}
