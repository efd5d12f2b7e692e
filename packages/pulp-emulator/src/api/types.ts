import type { Collection, Resource } from "../store/state";
import type { ApiContext } from "./context";
import type { Schema } from "./fields";
import { distributionFilters, guardFilters, publicationFilters, remoteFilters, repositoryFilters } from "./filters";
import type { FilterSet } from "./listing";
import * as S from "./schemas";

/** One typed endpoint family, e.g. `/remotes/rpm/rpm/`. */
export interface TypeDef {
  collection: Collection;
  typePath: string;
  pulpType: string;
  schema: Schema;
  filters(ctx: ApiContext): FilterSet<Resource>;
  /** Default list order (serialized field, `-` = descending); creation order when absent. */
  ordering?: string;
  canCreate: boolean;
  canDelete: boolean;
}

/** Factory for one collection's endpoint families; `push` families are read-only (created by pushes). */
const family =
  (collection: Collection, filters: (ctx: ApiContext, typePath: string) => FilterSet<Resource>, ordering?: string) =>
  (typePath: string, pulpType: string, schema: Schema, push = false): TypeDef => ({
    collection,
    typePath,
    pulpType,
    schema,
    filters: (ctx) => filters(ctx, typePath),
    ...(ordering ? { ordering } : {}),
    canCreate: !push,
    canDelete: !push,
  });

const remote = family("remotes", () => remoteFilters());
const repository = family("repositories", (ctx) => repositoryFilters(ctx), "name");
const publication = family("publications", (ctx) => publicationFilters(ctx), "-pulp_created");
const distribution = family("distributions", (ctx, typePath) => distributionFilters(ctx, typePath.startsWith("container")));
const guard = family("contentguards", () => guardFilters(false));

export const TYPES: TypeDef[] = [
  remote("rpm/rpm", "rpm.rpm", S.RPM_REMOTE),
  remote("deb/apt", "deb.apt", S.DEB_REMOTE),
  remote("container/container", "container.container", S.CONTAINER_REMOTE),
  repository("rpm/rpm", "rpm.rpm", S.RPM_REPOSITORY),
  repository("deb/apt", "deb.apt", S.DEB_REPOSITORY),
  repository("container/container", "container.container", S.CONTAINER_REPOSITORY),
  repository("container/container-push", "container.container-push", S.CONTAINER_PUSH_REPOSITORY, true),
  publication("rpm/rpm", "rpm.rpm", S.RPM_PUBLICATION),
  publication("deb/apt", "deb.apt-publication", S.DEB_APT_PUBLICATION),
  publication("deb/verbatim", "deb.verbatim-publication", S.DEB_VERBATIM_PUBLICATION),
  distribution("rpm/rpm", "rpm.rpm", S.RPM_DISTRIBUTION),
  distribution("deb/apt", "deb.apt-distribution", S.DEB_DISTRIBUTION),
  distribution("container/container", "container.container-distribution", S.CONTAINER_DISTRIBUTION),
  remote("file/file", "file.file", S.FILE_REMOTE),
  repository("file/file", "file.file", S.FILE_REPOSITORY),
  publication("file/file", "file.file", S.FILE_PUBLICATION),
  distribution("file/file", "file.file", S.FILE_DISTRIBUTION),
  guard("certguard/x509", "certguard.x509", S.X509_GUARD),
  guard("core/rbac", "core.rbac", S.RBAC_GUARD),
  guard("core/content_redirect", "core.content_redirect", { name: { type: "string", required: true }, description: { type: "string", nullable: true } }),
];

export function typeDefOf(r: Resource): TypeDef {
  const def = TYPES.find((t) => t.collection === r.collection && t.typePath === r.typePath);
  if (!def) throw new Error(`no type definition for ${r.collection}/${r.typePath}`);
  return def;
}
