import * as z from "zod";
import {
  type ContainerManifestHref,
  type ContainerTagHref,
  type DebPackageHref,
  hrefSchema,
  type RpmPackageHref,
} from "../hrefs";
import { pulpObject } from "./common";

export const containerTagSchema = z.looseObject({
  ...pulpObject,
  pulp_href: hrefSchema<ContainerTagHref>(),
  name: z.string(),
  tagged_manifest: z.string(),
});
export type ContainerTag = z.infer<typeof containerTagSchema>;

export const containerManifestSchema = z.looseObject({
  ...pulpObject,
  pulp_href: hrefSchema<ContainerManifestHref>(),
  digest: z.string(),
  media_type: z.string(),
});
export type ContainerManifest = z.infer<typeof containerManifestSchema>;

// Minimal: the release train only needs identity fields of packages.
export const rpmPackageSchema = z.looseObject({
  ...pulpObject,
  pulp_href: hrefSchema<RpmPackageHref>(),
  name: z.string(),
  epoch: z.string().optional(),
  version: z.string(),
  release: z.string(),
  arch: z.string(),
  location_href: z.string().optional(),
  sha256: z.string().nullish(),
});
export type RpmPackage = z.infer<typeof rpmPackageSchema>;

export const debPackageSchema = z.looseObject({
  ...pulpObject,
  pulp_href: hrefSchema<DebPackageHref>(),
  package: z.string(),
  version: z.string(),
  architecture: z.string(),
  relative_path: z.string().optional(),
  sha256: z.string().nullish(),
});
export type DebPackage = z.infer<typeof debPackageSchema>;
