import type { ApiContext } from "../context";
import type { ContainerDistributionHref, DebDistributionHref, RpmDistributionHref } from "../hrefs";
import {
  type ContainerDistributionBody,
  containerDistributionSchema,
  type DebDistributionBody,
  debDistributionSchema,
  type RpmDistributionBody,
  rpmDistributionSchema,
} from "../schemas/distributions";
import { AllAsync } from "./base";

export const DISTRIBUTION_PATHS = {
  rpm: "distributions/rpm/rpm/",
  deb: "distributions/deb/apt/",
  container: "distributions/container/container/",
} as const;

export function distributions(ctx: ApiContext) {
  return {
    rpm: new AllAsync<typeof rpmDistributionSchema, RpmDistributionHref, RpmDistributionBody>(
      ctx,
      DISTRIBUTION_PATHS.rpm,
      rpmDistributionSchema,
    ),
    deb: new AllAsync<typeof debDistributionSchema, DebDistributionHref, DebDistributionBody>(
      ctx,
      DISTRIBUTION_PATHS.deb,
      debDistributionSchema,
    ),
    container: new AllAsync<typeof containerDistributionSchema, ContainerDistributionHref, ContainerDistributionBody>(
      ctx,
      DISTRIBUTION_PATHS.container,
      containerDistributionSchema,
    ),
  };
}
