// Domain types of the package-snapshot sync: desired state per repository, the Pulp objects the
// planner reads, and the per-repository result. Kept narrow on purpose: the Pulp client and the
// config loader are adapted to these shapes (see pulp-port.ts and desired.ts).
import type { ItemResult } from "../engine/apply";

export type RepoKind = "rpm" | "deb";
export type SyncTarget = "ark" | "test";

/** The fields of a configured package repository (rpm_package_repos / deb_package_repos) used here. */
export interface PackageRepoEntry {
  kind: RepoKind;
  name: string;
  url?: string | undefined;
  policy?: string | undefined;
  sync_policy?: string | undefined;
  mirror?: boolean | undefined;
  distributions?: string | undefined;
  components?: string | undefined;
  architectures?: string | undefined;
  mode?: string | undefined;
  base_path: string;
  short_name: string;
  sync_group?: string | undefined;
  distribution_name: string;
  sync?: boolean | undefined;
  publish?: boolean | undefined;
}

/** Writable remote fields; secrets are write-only in Pulp (only `hidden_fields.is_set` is visible). */
export interface RemoteFields {
  url: string;
  policy: string;
  tls_validation?: boolean;
  ca_cert?: string | null;
  client_cert?: string | null;
  client_key?: string | null;
  proxy_url?: string | null;
  proxy_username?: string | null;
  proxy_password?: string | null;
  username?: string | null;
  password?: string | null;
  distributions?: string;
  components?: string | null;
  architectures?: string | null;
}

export const SECRET_REMOTE_FIELDS = [
  "client_key",
  "proxy_username",
  "proxy_password",
  "username",
  "password",
] as const;

export type PublicationKind = "rpm" | "deb-apt" | "deb-verbatim";

/** What one repository should look like in the target Pulp for this run. */
export interface RepoSpec {
  kind: RepoKind;
  shortName: string;
  repositoryName: string;
  /** Absent when `sync: false`. */
  remote?: { name: string; fields: RemoteFields; refreshSecrets?: boolean };
  /** Sync body extras besides `remote` (rpm `sync_policy`, deb `mirror`). Absent when `sync: false`. */
  syncOptions?: { sync_policy: string } | { mirror: boolean };
  /** Absent when `publish: false` (no publication, no distribution). */
  publish?: { kind: PublicationKind; body: Record<string, unknown> };
  distribution?: { name: string; basePath: string; contentGuard?: string };
  /** Snapshot version the distribution is named after. */
  version: string;
}

// ---- Pulp objects as read in bulk (only the fields used) ----

export interface HiddenField {
  name: string;
  is_set: boolean;
}

export interface RemoteRecord {
  pulp_href: string;
  name: string;
  url: string;
  policy?: string;
  hidden_fields?: HiddenField[];
  [field: string]: unknown;
}

export interface RepositoryRecord {
  pulp_href: string;
  name: string;
  latest_version_href: string | null;
  remote?: string | null;
}

export interface PublicationRecord {
  pulp_href: string;
  pulp_created: string;
  repository_version: string;
  repository?: string | null;
  /** Which list it came from (set by `readSnapshot`). */
  kind?: PublicationKind;
  /** pulp_deb apt publication flags (the `mode` of a Deb entry). */
  simple?: boolean;
  structured?: boolean;
}

export interface DistributionRecord {
  pulp_href: string;
  name: string;
  base_path: string;
  base_url?: string;
  publication?: string | null;
  repository?: string | null;
  content_guard?: string | null;
}

export interface ContentGuardRecord {
  pulp_href: string;
  name: string;
}

export type { TaskRecord } from "../engine/task-watcher";

/** Everything the planner needs from one Pulp, read with a handful of list calls. */
export interface PulpSnapshot {
  remotes: RemoteRecord[];
  repositories: RepositoryRecord[];
  publications: PublicationRecord[];
  distributions: DistributionRecord[];
  contentGuards: ContentGuardRecord[];
}

// ---- Results ----

export interface RepoResult extends ItemResult {
  shortName: string;
  repositoryName: string;
  kind: RepoKind;
  /** New repository version href created by this run's sync, if any. */
  newRepositoryVersion?: string;
  /** Snapshot version that serves the repository's latest content (may be an earlier night's). */
  version?: string;
  distributionUrl?: string;
}
