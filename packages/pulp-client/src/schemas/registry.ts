import type * as z from "zod";
import { ACCESS_PATHS } from "../resources/access";
import { CONTENT_PATHS } from "../resources/content";
import { GUARD_PATHS } from "../resources/content-guards";
import { DISTRIBUTION_PATHS } from "../resources/distributions";
import { PUBLICATION_PATHS } from "../resources/publications";
import { REMOTE_PATHS } from "../resources/remotes";
import { REPOSITORY_PATHS } from "../resources/repositories";
import { TASKS_PATH } from "../resources/tasks";
import { groupSchema, groupUserSchema, roleSchema, userSchema } from "./access";
import { asyncResponse, paginated } from "./common";
import { containerManifestSchema, containerTagSchema, debPackageSchema, rpmPackageSchema } from "./content";
import { contentGuardSchema, nestedRoleSchema, objectRolesSchema, rbacGuardSchema, x509GuardSchema } from "./content-guards";
import { containerDistributionSchema, debDistributionSchema, rpmDistributionSchema } from "./distributions";
import { debPublicationSchema, debVerbatimPublicationSchema, rpmPublicationSchema } from "./publications";
import { containerRemoteSchema, debRemoteSchema, rpmRemoteSchema } from "./remotes";
import {
  containerPushRepositorySchema,
  containerRepositorySchema,
  debRepositorySchema,
  repositoryVersionSchema,
  rpmRepositorySchema,
} from "./repositories";
import { statusSchema } from "./status";
import { taskSchema } from "./tasks";

/** Collection path (relative to the API root) → schema of one object, as the client uses them. */
const COLLECTIONS: [string, z.ZodType][] = [
  [REMOTE_PATHS.rpm, rpmRemoteSchema],
  [REMOTE_PATHS.deb, debRemoteSchema],
  [REMOTE_PATHS.container, containerRemoteSchema],
  [REPOSITORY_PATHS.rpm, rpmRepositorySchema],
  [REPOSITORY_PATHS.deb, debRepositorySchema],
  [REPOSITORY_PATHS.container, containerRepositorySchema],
  [REPOSITORY_PATHS.containerPush, containerPushRepositorySchema],
  [PUBLICATION_PATHS.rpm, rpmPublicationSchema],
  [PUBLICATION_PATHS.debApt, debPublicationSchema],
  [PUBLICATION_PATHS.debVerbatim, debVerbatimPublicationSchema],
  [DISTRIBUTION_PATHS.rpm, rpmDistributionSchema],
  [DISTRIBUTION_PATHS.deb, debDistributionSchema],
  [DISTRIBUTION_PATHS.container, containerDistributionSchema],
  [GUARD_PATHS.any, contentGuardSchema],
  [GUARD_PATHS.x509, x509GuardSchema],
  [GUARD_PATHS.rbac, rbacGuardSchema],
  [CONTENT_PATHS.containerTags, containerTagSchema],
  [CONTENT_PATHS.containerManifests, containerManifestSchema],
  [CONTENT_PATHS.rpmPackages, rpmPackageSchema],
  [CONTENT_PATHS.debPackages, debPackageSchema],
  [TASKS_PATH, taskSchema],
  [ACCESS_PATHS.users, userSchema],
  [ACCESS_PATHS.groups, groupSchema],
  ["roles/", roleSchema],
].sort((a, b) => (b[0] as string).length - (a[0] as string).length) as [string, z.ZodType][];

/** Endpoints outside the collections that answer 202 `{task}`. */
const TASK_ACTIONS = new Set(["orphans/cleanup/", "orphans/", `${TASKS_PATH}purge/`]);

// `/pulp/api/v3/…` or, with domains, `/pulp/<domain>/api/v3/…`.
const API_ROOT = /^\/(?:[^/?]+\/){0,2}api\/v3\//;

/**
 * The zod schema the client parses a response with, or undefined when the client does not model
 * it (api.json, file plugin, artifacts, empty 204 bodies, error statuses).
 */
export function schemaForResponse(method: string, path: string, status: number): z.ZodType | undefined {
  if (status < 200 || status >= 300 || status === 204) return undefined;
  const m = method.toUpperCase();
  const rootMatch = API_ROOT.exec(path.split("?")[0] ?? "");
  if (!rootMatch) return undefined;
  const rel = (path.split("?")[0] ?? "").slice(rootMatch[0].length);

  if (rel === "status/") return m === "GET" ? statusSchema : undefined;
  if (TASK_ACTIONS.has(rel)) return status === 202 ? asyncResponse : undefined;

  for (const [collection, item] of COLLECTIONS) {
    if (!rel.startsWith(collection)) continue;
    const rest = rel.slice(collection.length);
    if (status === 202) return asyncResponse;
    if (rest === "") {
      if (m === "GET") return paginated(item);
      if (m === "POST" && status === 201) return item;
      return undefined;
    }
    const parts = rest.split("/").filter(Boolean);
    if (!rest.endsWith("/") || parts.length === 0) return undefined;
    if (parts.length === 1) return m === "GET" || m === "PATCH" || m === "PUT" ? item : undefined;
    const action = parts[1];
    if (action === "versions") {
      if (parts.length === 2 && m === "GET") return paginated(repositoryVersionSchema);
      if (parts.length === 3 && m === "GET" && /^\d+$/.test(parts[2] ?? "")) return repositoryVersionSchema;
      return undefined;
    }
    if (parts.length !== 2) return undefined;
    if (action === "list_roles" && m === "GET") return objectRolesSchema;
    if ((action === "add_role" || action === "remove_role") && m === "POST") return nestedRoleSchema;
    if (collection === ACCESS_PATHS.groups && action === "users") {
      if (m === "GET") return paginated(groupUserSchema);
      if (m === "POST") return groupUserSchema;
    }
    return undefined;
  }
  return undefined;
}
