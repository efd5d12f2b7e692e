import * as z from "zod";
import {
  type AnyHref,
  type DebPublicationHref,
  type DebVerbatimPublicationHref,
  hrefSchema,
  type RepositoryVersionHref,
  type RpmPublicationHref,
} from "../hrefs";
import { pulpObject } from "./common";

const publicationBase = {
  ...pulpObject,
  repository_version: hrefSchema<RepositoryVersionHref>(),
  repository: hrefSchema<AnyHref>().nullish(),
};

export const rpmPublicationSchema = z.looseObject({
  ...publicationBase,
  pulp_href: hrefSchema<RpmPublicationHref>(),
  metadata_checksum_type: z.string().nullish(),
  package_checksum_type: z.string().nullish(),
  checksum_type: z.string().nullish(),
  gpgcheck: z.number().int().nullish(),
  repo_gpgcheck: z.number().int().nullish(),
  sqlite_metadata: z.boolean().optional(),
  repo_config: z.unknown().optional(),
  compression_type: z.string().nullish(),
});
export type RpmPublication = z.infer<typeof rpmPublicationSchema>;

export const debPublicationSchema = z.looseObject({
  ...publicationBase,
  pulp_href: hrefSchema<DebPublicationHref>(),
  simple: z.boolean().optional(),
  structured: z.boolean().optional(),
  signing_service: z.string().nullish(),
});
export type DebPublication = z.infer<typeof debPublicationSchema>;

export const debVerbatimPublicationSchema = z.looseObject({
  ...publicationBase,
  pulp_href: hrefSchema<DebVerbatimPublicationHref>(),
});
export type DebVerbatimPublication = z.infer<typeof debVerbatimPublicationSchema>;

/** Exactly one of repository_version / repository (its latest version). */
export type PublicationSource = { repository_version: RepositoryVersionHref } | { repository: AnyHref };

export type RpmPublicationBody = PublicationSource & {
  checksum_type?: string;
  metadata_checksum_type?: string;
  package_checksum_type?: string;
  gpgcheck?: number;
  repo_gpgcheck?: number;
  repo_config?: unknown;
  compression_type?: string;
};
export type DebPublicationBody = PublicationSource & {
  simple?: boolean;
  structured?: boolean;
  signing_service?: string | null;
};
export type DebVerbatimPublicationBody = PublicationSource;
