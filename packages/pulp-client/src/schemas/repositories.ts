import * as z from "zod";
import {
  type AnyHref,
  type ContainerPushRepositoryHref,
  type ContainerRemoteHref,
  type ContainerRepositoryHref,
  type DebRemoteHref,
  type DebRepositoryHref,
  hrefSchema,
  type RepositoryVersionHref,
  type RpmRemoteHref,
  type RpmRepositoryHref,
} from "../hrefs";
import { labels, pulpObject } from "./common";

const repositoryBase = {
  ...pulpObject,
  versions_href: z.string(),
  latest_version_href: hrefSchema<RepositoryVersionHref>().nullable(),
  pulp_labels: labels.optional(),
  name: z.string(),
  description: z.string().nullish(),
  // `retained_versions` before core 3.15, `retain_repo_versions` after (guide §16).
  retain_repo_versions: z.number().int().nullish(),
  retained_versions: z.number().int().nullish(),
};

export const rpmRepositorySchema = z.looseObject({
  ...repositoryBase,
  pulp_href: hrefSchema<RpmRepositoryHref>(),
  remote: hrefSchema<RpmRemoteHref>().nullish(),
  autopublish: z.boolean().optional(),
  metadata_signing_service: z.string().nullish(),
  retain_package_versions: z.number().int().optional(),
  checksum_type: z.string().nullish(),
  metadata_checksum_type: z.string().nullish(),
  package_checksum_type: z.string().nullish(),
  gpgcheck: z.number().int().nullish(),
  repo_gpgcheck: z.number().int().nullish(),
  sqlite_metadata: z.boolean().optional(),
  repo_config: z.unknown().optional(),
  compression_type: z.string().nullish(),
});
export type RpmRepository = z.infer<typeof rpmRepositorySchema>;

export const debRepositorySchema = z.looseObject({
  ...repositoryBase,
  pulp_href: hrefSchema<DebRepositoryHref>(),
  remote: hrefSchema<DebRemoteHref>().nullish(),
});
export type DebRepository = z.infer<typeof debRepositorySchema>;

export const containerRepositorySchema = z.looseObject({
  ...repositoryBase,
  pulp_href: hrefSchema<ContainerRepositoryHref>(),
  remote: hrefSchema<ContainerRemoteHref>().nullish(),
  manifest_signing_service: z.string().nullish(),
});
export type ContainerRepository = z.infer<typeof containerRepositorySchema>;

export const containerPushRepositorySchema = z.looseObject({
  ...repositoryBase,
  pulp_href: hrefSchema<ContainerPushRepositoryHref>(),
  manifest_signing_service: z.string().nullish(),
});
export type ContainerPushRepository = z.infer<typeof containerPushRepositorySchema>;

const summaryEntry = z.record(z.string(), z.looseObject({ count: z.number().int(), href: z.string() }));

export const repositoryVersionSchema = z.looseObject({
  ...pulpObject,
  pulp_href: hrefSchema<RepositoryVersionHref>(),
  number: z.number().int().nonnegative(),
  repository: hrefSchema<AnyHref>().optional(),
  base_version: hrefSchema<RepositoryVersionHref>().nullish(),
  content_summary: z
    .looseObject({ added: summaryEntry, removed: summaryEntry, present: summaryEntry })
    .optional(),
});
export type RepositoryVersion = z.infer<typeof repositoryVersionSchema>;

/** Used by every repository's `retain_repo_versions` (or `retained_versions` on core < 3.15). */
export function retainedVersions(repo: { retain_repo_versions?: number | null; retained_versions?: number | null }) {
  return repo.retain_repo_versions ?? repo.retained_versions ?? null;
}

export interface RepositoryBody {
  name: string;
  description?: string | null;
  pulp_labels?: Record<string, string>;
  retain_repo_versions?: number | null;
}
export interface RpmRepositoryBody extends RepositoryBody {
  remote?: RpmRemoteHref | null;
  autopublish?: boolean;
  metadata_signing_service?: string | null;
  retain_package_versions?: number;
  checksum_type?: string | null;
  metadata_checksum_type?: string | null;
  package_checksum_type?: string | null;
  gpgcheck?: number | null;
  repo_gpgcheck?: number | null;
  repo_config?: unknown;
  compression_type?: string | null;
}
export interface DebRepositoryBody extends RepositoryBody {
  remote?: DebRemoteHref | null;
}
export interface ContainerRepositoryBody extends RepositoryBody {
  remote?: ContainerRemoteHref | null;
  manifest_signing_service?: string | null;
}

export interface RpmSyncBody {
  remote?: RpmRemoteHref;
  sync_policy?: "additive" | "mirror_complete" | "mirror_content_only" | null;
  /** Deprecated; mutually exclusive with sync_policy. */
  mirror?: boolean | null;
  skip_types?: ("srpm" | "treeinfo")[];
  optimize?: boolean;
}
export interface DebSyncBody {
  remote?: DebRemoteHref;
  mirror?: boolean;
  optimize?: boolean;
}
export interface ContainerSyncBody {
  remote?: ContainerRemoteHref;
  mirror?: boolean;
  signed_only?: boolean;
}
export interface ModifyBody {
  add_content_units?: string[];
  remove_content_units?: string[];
  base_version?: RepositoryVersionHref;
}
