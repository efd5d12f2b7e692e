import { API_ROOT, nextSeq, nowIso, uuid } from "../store/ids";
import type { Namespace, User } from "../store/state";
import type { ApiContext } from "./context";

/** The namespace a container base path belongs to: its first segment (pulp_container). */
export const namespaceName = (basePath: string): string => basePath.split("/")[0] ?? basePath;

export function namespaceByName(ctx: ApiContext, name: string): Namespace | undefined {
  for (const ns of ctx.state.namespaces.values()) if (ns.name === name) return ns;
  return undefined;
}

/**
 * Get or create the namespace `name`. pulp_container's creation hook makes the creating user its
 * `container.containernamespace_owner`.
 */
export function ensureNamespace(ctx: ApiContext, name: string, creator?: User): Namespace {
  const existing = namespaceByName(ctx, name);
  if (existing) return existing;
  const id = uuid();
  const ns: Namespace = { href: `${API_ROOT}pulp_container/namespaces/${id}/`, id, name, created: nowIso(), seq: nextSeq() };
  ctx.state.namespaces.set(ns.href, ns);
  if (creator) ctx.state.roles.push({ role: "container.containernamespace_owner", object: ns.href, users: new Set([creator.username]), groups: new Set() });
  return ns;
}

export const serializeNamespace = (ns: Namespace): Record<string, unknown> => ({ pulp_href: ns.href, pulp_created: ns.created, name: ns.name });

/** Delete a namespace with its distributions and their push repositories (pulp_container's destroy). */
export function deleteNamespace(ctx: ApiContext, ns: Namespace): void {
  for (const d of ctx.state.list("distributions", "container/container")) {
    if (d.data["namespace"] !== ns.href) continue;
    const repo = typeof d.data["repository"] === "string" ? ctx.state.resources.get(d.data["repository"]) : undefined;
    ctx.state.resources.delete(d.href);
    if (repo?.typePath === "container/container-push") ctx.deleteRepository(repo);
    dropRoles(ctx, d.href);
  }
  ctx.state.namespaces.delete(ns.href);
  dropRoles(ctx, ns.href);
}

export function dropRoles(ctx: ApiContext, object: string): void {
  ctx.state.roles.splice(0, ctx.state.roles.length, ...ctx.state.roles.filter((r) => r.object !== object));
}
