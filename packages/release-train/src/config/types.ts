// Typed view of the release train's package repository configuration, with the defaults today's
// Ansible applies filled in. Field names are those of the YAML files so the config documentation
// (comments at the top of rpm-package-repos / deb-package-repos) applies unchanged.
import type { ConfigProblem } from "./errors";

/** Where a value was found, for messages that point at the user's file. */
export interface SourceLocation {
  /** File path relative to the config directory, e.g. `rpm-package-repos`. */
  file: string;
  /** YAML path, e.g. `rpm_package_repos[3]`. */
  path: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

export type RemotePolicy = "immediate" | "on_demand" | "streamed";
export type RpmSyncPolicy = "additive" | "mirror_complete" | "mirror_content_only";
/** pulp.squeezer deb_publication modes; `verbatim` → verbatim publication, others → apt. */
export type DebPublicationMode = "verbatim" | "simple" | "structured" | "simple_and_structured";

interface PackageRepoCommon {
  name: string;
  /** Absent only when `sync` is false (Ansible then creates the repository without a remote). */
  url?: string | undefined;
  /** Default `immediate` (dev_pulp_repository_*_repo_common). */
  policy: RemotePolicy;
  base_path: string;
  short_name: string;
  sync_group: string;
  distribution_name: string;
  /** Default true. */
  sync: boolean;
  /** Default true. */
  publish: boolean;
  /** Where the entry is defined. */
  source: SourceLocation;
  /**
   * Problems that make this entry unable to sync (e.g. a Deb entry without `distributions`). They
   * do not stop other entries loading: `validate-config` reports them, and a sync that selects the
   * entry stops on them before any write (`checkSelected`).
   */
  problems?: ConfigProblem[];
}

export interface RpmPackageRepo extends PackageRepoCommon {
  kind: "rpm";
  /** Default `mirror_complete` (dev_pulp_repository_rpm_repo_common). */
  sync_policy: RpmSyncPolicy;
}

export interface DebPackageRepo extends PackageRepoCommon {
  kind: "deb";
  /** Whitespace-separated, as Pulp's apt remote takes them (runs of whitespace collapsed). */
  distributions?: string | undefined;
  components?: string | undefined;
  architectures?: string | undefined;
  /** Default true (dev_pulp_repository_deb_repo_common). */
  mirror: boolean;
  /** Default `simple`: the role omits `mode` when unset and pulp.squeezer's deb_publication defaults to it. */
  mode: DebPublicationMode;
  /** Present in real Deb entries, but Pulp's apt sync has no sync policy: kept, not used. */
  sync_policy?: RpmSyncPolicy | undefined;
}

export type PackageRepo = RpmPackageRepo | DebPackageRepo;

export interface ReleaseTrainConfig {
  /** Absolute path of the configuration directory. */
  dir: string;
  rpm: RpmPackageRepo[];
  deb: DebPackageRepo[];
  /**
   * Every top-level variable of every file, as parsed: Jinja strings stay strings, `!vault`
   * values are `VaultValue`s. Only the package repository lists are validated so far.
   */
  variables: Record<string, unknown>;
  /** Where each variable is defined. */
  variableSources: Record<string, SourceLocation>;
}
