import type { ApiContext } from "../context";
import type { DebPublicationHref, DebVerbatimPublicationHref, RpmPublicationHref } from "../hrefs";
import {
  type DebPublicationBody,
  type DebVerbatimPublicationBody,
  debPublicationSchema,
  debVerbatimPublicationSchema,
  type RpmPublicationBody,
  rpmPublicationSchema,
} from "../schemas/publications";
import { PublicationResource } from "./base";

export const PUBLICATION_PATHS = {
  rpm: "publications/rpm/rpm/",
  debApt: "publications/deb/apt/",
  debVerbatim: "publications/deb/verbatim/",
} as const;

export function publications(ctx: ApiContext) {
  return {
    rpm: new PublicationResource<typeof rpmPublicationSchema, RpmPublicationHref, RpmPublicationBody>(
      ctx,
      PUBLICATION_PATHS.rpm,
      rpmPublicationSchema,
    ),
    debApt: new PublicationResource<typeof debPublicationSchema, DebPublicationHref, DebPublicationBody>(
      ctx,
      PUBLICATION_PATHS.debApt,
      debPublicationSchema,
    ),
    debVerbatim: new PublicationResource<
      typeof debVerbatimPublicationSchema,
      DebVerbatimPublicationHref,
      DebVerbatimPublicationBody
    >(ctx, PUBLICATION_PATHS.debVerbatim, debVerbatimPublicationSchema),
  };
}
