import type { ApiContext } from "../context";
import type { ContainerManifestHref, ContainerTagHref, DebPackageHref, RpmPackageHref } from "../hrefs";
import { containerManifestSchema, containerTagSchema, debPackageSchema, rpmPackageSchema } from "../schemas/content";
import { ReadResource } from "./base";

export const CONTENT_PATHS = {
  containerTags: "content/container/tags/",
  containerManifests: "content/container/manifests/",
  rpmPackages: "content/rpm/packages/",
  debPackages: "content/deb/packages/",
} as const;

export function content(ctx: ApiContext) {
  return {
    /** Filters: `name`, `name__in` (array), `repository_version`, `digest`… */
    containerTags: new ReadResource<typeof containerTagSchema, ContainerTagHref>(
      ctx,
      CONTENT_PATHS.containerTags,
      containerTagSchema,
    ),
    /** Filters: `digest`, `pulp_href__in`, `repository_version`, `media_type`… */
    containerManifests: new ReadResource<typeof containerManifestSchema, ContainerManifestHref>(ctx, CONTENT_PATHS.containerManifests, containerManifestSchema),
    rpmPackages: new ReadResource<typeof rpmPackageSchema, RpmPackageHref>(ctx, CONTENT_PATHS.rpmPackages, rpmPackageSchema),
    debPackages: new ReadResource<typeof debPackageSchema, DebPackageHref>(ctx, CONTENT_PATHS.debPackages, debPackageSchema),
  };
}
