import type { ApiContext, CallOptions } from "../context";
import type { ContentGuardHref, RbacGuardHref, X509GuardHref } from "../hrefs";
import {
  contentGuardSchema,
  nestedRoleSchema,
  objectRolesSchema,
  type RbacGuardBody,
  type RoleBody,
  rbacGuardSchema,
  type X509GuardBody,
  x509GuardSchema,
} from "../schemas/content-guards";
import { actionPath, AllSync, ReadResource } from "./base";

export const GUARD_PATHS = {
  any: "contentguards/",
  x509: "contentguards/certguard/x509/",
  rbac: "contentguards/core/rbac/",
} as const;

/** The role the release train grants on its RBAC guards. */
export const DOWNLOADER_ROLE = "core.rbaccontentguard_downloader";

class RbacGuardResource extends AllSync<typeof rbacGuardSchema, RbacGuardHref, RbacGuardBody> {
  listRoles(href: RbacGuardHref, opts?: CallOptions) {
    return this.ctx.get(objectRolesSchema, actionPath(href, "list_roles"), undefined, opts);
  }
  addRole(href: RbacGuardHref, body: RoleBody, opts?: CallOptions) {
    return this.ctx.send(nestedRoleSchema, "POST", actionPath(href, "add_role"), body, opts);
  }
  removeRole(href: RbacGuardHref, body: RoleBody, opts?: CallOptions) {
    return this.ctx.send(nestedRoleSchema, "POST", actionPath(href, "remove_role"), body, opts);
  }
}

export function contentGuards(ctx: ApiContext) {
  return {
    /** Any guard type, base fields only: resolve a guard name to its href. */
    any: new ReadResource<typeof contentGuardSchema, ContentGuardHref>(ctx, GUARD_PATHS.any, contentGuardSchema),
    x509: new AllSync<typeof x509GuardSchema, X509GuardHref, X509GuardBody>(ctx, GUARD_PATHS.x509, x509GuardSchema),
    rbac: new RbacGuardResource(ctx, GUARD_PATHS.rbac, rbacGuardSchema),
  };
}
