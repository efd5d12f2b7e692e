/**
 * pulp_container's registry authorization (`authorization.py` `PermissionChecker` over the
 * distribution and namespace access policies in `viewsets.py`): who may pull, push and list the
 * catalog. Permissions come from roles held by the user or one of their groups, on the object or
 * model-wide; staff (and the install's first user) bypass every check.
 */
import { isAdmin } from "../content-app/auth";
import type { ApiContext } from "../api/context";
import { namespaceByName, namespaceName } from "../api/container-namespaces";
import type { Resource, User } from "../store/state";

/** pulp_container's LOCKED_ROLES (distribution and namespace viewsets). */
export const CONTAINER_ROLES: Record<string, string[]> = {
  "container.containerdistribution_creator": ["container.add_containerdistribution"],
  "container.containerdistribution_owner": [
    "container.view_containerdistribution",
    "container.pull_containerdistribution",
    "container.push_containerdistribution",
    "container.delete_containerdistribution",
    "container.change_containerdistribution",
    "container.manage_roles_containerdistribution",
  ],
  "container.containerdistribution_collaborator": [
    "container.view_containerdistribution",
    "container.pull_containerdistribution",
    "container.push_containerdistribution",
  ],
  "container.containerdistribution_consumer": ["container.view_containerdistribution", "container.pull_containerdistribution"],
  "container.containernamespace_creator": ["container.add_containernamespace"],
  "container.containernamespace_owner": [
    "container.view_containernamespace",
    "container.delete_containernamespace",
    "container.namespace_add_containerdistribution",
    "container.namespace_delete_containerdistribution",
    "container.namespace_view_containerdistribution",
    "container.namespace_pull_containerdistribution",
    "container.namespace_push_containerdistribution",
    "container.namespace_change_containerdistribution",
    "container.namespace_view_containerpushrepository",
    "container.namespace_modify_content_containerpushrepository",
    "container.namespace_change_containerpushrepository",
    "container.manage_roles_containernamespace",
  ],
  "container.containernamespace_collaborator": [
    "container.view_containernamespace",
    "container.namespace_add_containerdistribution",
    "container.namespace_delete_containerdistribution",
    "container.namespace_view_containerdistribution",
    "container.namespace_pull_containerdistribution",
    "container.namespace_push_containerdistribution",
    "container.namespace_change_containerdistribution",
    "container.namespace_view_containerpushrepository",
    "container.namespace_modify_content_containerpushrepository",
    "container.namespace_change_containerpushrepository",
  ],
  "container.containernamespace_consumer": [
    "container.view_containernamespace",
    "container.namespace_view_containerdistribution",
    "container.namespace_pull_containerdistribution",
    "container.namespace_view_containerpushrepository",
  ],
};

export const NAMESPACE_ROLES = Object.keys(CONTAINER_ROLES).filter((r) => r.startsWith("container.containernamespace_") && !r.endsWith("_creator"));
export const DISTRIBUTION_ROLES = Object.keys(CONTAINER_ROLES).filter((r) => r.startsWith("container.containerdistribution_") && !r.endsWith("_creator"));

/** Every permission `user` holds on `object` ("" = model-wide). */
export function permissionsOn(ctx: ApiContext, user: User, object: string): Set<string> {
  const groups = new Set([...ctx.state.groups.values()].filter((g) => g.users.has(user.id)).map((g) => g.name));
  const out = new Set<string>();
  for (const a of ctx.state.roles) {
    if (a.object !== object) continue;
    if (!a.users.has(user.username) && ![...a.groups].some((g) => groups.has(g))) continue;
    for (const p of CONTAINER_ROLES[a.role] ?? []) out.add(p);
  }
  return out;
}

/** `has_model_or_obj_perms`: the permission model-wide or on the object. */
function hasPerm(ctx: ApiContext, user: User | null, perm: string, object?: string): boolean {
  if (!user) return false;
  if (isAdmin(user)) return true;
  return permissionsOn(ctx, user, "").has(perm) || (object !== undefined && permissionsOn(ctx, user, object).has(perm));
}

/** `has_namespace_or_obj_perms:container.<p>_containerdistribution`. */
function hasDistributionPerm(ctx: ApiContext, user: User | null, p: string, dist: Resource): boolean {
  const ns = typeof dist.data["namespace"] === "string" ? dist.data["namespace"] : undefined;
  return (
    hasPerm(ctx, user, `container.${p}_containerdistribution`, dist.href) ||
    (ns !== undefined && hasPerm(ctx, user, `container.namespace_${p}_containerdistribution`, ns))
  );
}

export function distributionAt(ctx: ApiContext, path: string): Resource | undefined {
  return ctx.state.list("distributions", "container/container").find((d) => d.data["base_path"] === path);
}

/** Namespace `create` policy: model permission, or the namespace is the user's own name. */
function mayCreateNamespace(ctx: ApiContext, user: User | null, name: string): boolean {
  return user !== null && (hasPerm(ctx, user, "container.add_containernamespace") || name === user.username);
}

export function canPull(ctx: ApiContext, user: User | null, path: string): boolean {
  const dist = distributionAt(ctx, path);
  if (!dist) {
    const ns = namespaceByName(ctx, namespaceName(path));
    if (!ns) return mayCreateNamespace(ctx, user, namespaceName(path));
    return hasPerm(ctx, user, "container.namespace_view_containerdistribution", ns.href);
  }
  if (dist.data["private"] !== true) return true;
  return hasDistributionPerm(ctx, user, "pull", dist);
}

export function canPush(ctx: ApiContext, user: User | null, path: string): boolean {
  if (!user) return false;
  const dist = distributionAt(ctx, path);
  if (!dist) {
    const ns = namespaceByName(ctx, namespaceName(path));
    if (!ns) return mayCreateNamespace(ctx, user, namespaceName(path));
    return hasPerm(ctx, user, "container.namespace_add_containerdistribution", ns.href);
  }
  return hasDistributionPerm(ctx, user, "push", dist);
}

/** The catalog is open to every authenticated user (it lists only what they may pull). */
export const canViewCatalog = (user: User | null): boolean => user !== null;
