import type { ApiContext } from "../context";
import type { ContainerRemoteHref, DebRemoteHref, RpmRemoteHref } from "../hrefs";
import {
  type ContainerRemoteBody,
  containerRemoteSchema,
  type DebRemoteBody,
  debRemoteSchema,
  type RpmRemoteBody,
  rpmRemoteSchema,
} from "../schemas/remotes";
import { CreateSyncUpdateAsync } from "./base";

export const REMOTE_PATHS = {
  rpm: "remotes/rpm/rpm/",
  deb: "remotes/deb/apt/",
  container: "remotes/container/container/",
} as const;

export function remotes(ctx: ApiContext) {
  return {
    rpm: new CreateSyncUpdateAsync<typeof rpmRemoteSchema, RpmRemoteHref, RpmRemoteBody>(
      ctx,
      REMOTE_PATHS.rpm,
      rpmRemoteSchema,
    ),
    deb: new CreateSyncUpdateAsync<typeof debRemoteSchema, DebRemoteHref, DebRemoteBody>(
      ctx,
      REMOTE_PATHS.deb,
      debRemoteSchema,
    ),
    container: new CreateSyncUpdateAsync<typeof containerRemoteSchema, ContainerRemoteHref, ContainerRemoteBody>(
      ctx,
      REMOTE_PATHS.container,
      containerRemoteSchema,
    ),
  };
}
