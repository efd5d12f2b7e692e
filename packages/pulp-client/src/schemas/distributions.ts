import * as z from "zod";
import {
  type AnyHref,
  type ContainerDistributionHref,
  type ContentGuardHref,
  type DebDistributionHref,
  type DebPublicationHref,
  type DebVerbatimPublicationHref,
  hrefSchema,
  type RepositoryVersionHref,
  type RpmDistributionHref,
  type RpmPublicationHref,
} from "../hrefs";
import { labels, pulpObject } from "./common";

const distributionBase = {
  ...pulpObject,
  name: z.string(),
  base_path: z.string(),
  content_guard: hrefSchema<ContentGuardHref>().nullish(),
  pulp_labels: labels.optional(),
  repository: hrefSchema<AnyHref>().nullish(),
  hidden: z.boolean().optional(),
};

const servedDistribution = {
  ...distributionBase,
  base_url: z.string(),
  publication: hrefSchema<AnyHref>().nullish(),
  repository_version: hrefSchema<RepositoryVersionHref>().nullish(),
};

export const rpmDistributionSchema = z.looseObject({
  ...servedDistribution,
  pulp_href: hrefSchema<RpmDistributionHref>(),
  publication: hrefSchema<RpmPublicationHref>().nullish(),
  generate_repo_config: z.boolean().optional(),
});
export type RpmDistribution = z.infer<typeof rpmDistributionSchema>;

export const debDistributionSchema = z.looseObject({
  ...servedDistribution,
  pulp_href: hrefSchema<DebDistributionHref>(),
  publication: hrefSchema<DebPublicationHref | DebVerbatimPublicationHref>().nullish(),
});
export type DebDistribution = z.infer<typeof debDistributionSchema>;

export const containerDistributionSchema = z.looseObject({
  ...distributionBase,
  pulp_href: hrefSchema<ContainerDistributionHref>(),
  repository_version: hrefSchema<RepositoryVersionHref>().nullish(),
  registry_path: z.string(),
  namespace: z.string().nullish(),
  private: z.boolean(),
  description: z.string().nullish(),
});
export type ContainerDistribution = z.infer<typeof containerDistributionSchema>;

interface DistributionBody {
  name: string;
  base_path: string;
  content_guard?: ContentGuardHref | null;
  pulp_labels?: Record<string, string>;
  hidden?: boolean;
}
export interface RpmDistributionBody extends DistributionBody {
  publication?: RpmPublicationHref | null;
  repository?: AnyHref | null;
  generate_repo_config?: boolean;
}
export interface DebDistributionBody extends DistributionBody {
  publication?: DebPublicationHref | DebVerbatimPublicationHref | null;
  repository?: AnyHref | null;
}
export interface ContainerDistributionBody extends DistributionBody {
  repository?: AnyHref | null;
  repository_version?: RepositoryVersionHref | null;
  private?: boolean;
  description?: string | null;
}
