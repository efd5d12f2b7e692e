import type { ApiContext } from "../context";
import type { ContainerTagHref, DebPackageHref, RpmPackageHref } from "../hrefs";
import { containerTagSchema, debPackageSchema, rpmPackageSchema } from "../schemas/content";
import { ReadResource } from "./base";

export const CONTENT_PATHS = {
  containerTags: "content/container/tags/",
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
    rpmPackages: new ReadResource<typeof rpmPackageSchema, RpmPackageHref>(ctx, CONTENT_PATHS.rpmPackages, rpmPackageSchema),
    debPackages: new ReadResource<typeof debPackageSchema, DebPackageHref>(ctx, CONTENT_PATHS.debPackages, debPackageSchema),
  };
}
