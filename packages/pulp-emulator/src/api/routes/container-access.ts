/**
 * pulp_container namespaces (`/pulp_container/namespaces/`), object roles on namespaces and
 * container distributions, and user/group roles (`/users/<id>/roles/`, `/groups/<id>/roles/`) —
 * the REST side of the registry's RBAC (`registry/permissions.ts`).
 */
import { CONTAINER_ROLES, DISTRIBUTION_ROLES, NAMESPACE_ROLES, permissionsOn } from "../../registry/permissions";
import { API_ROOT, normalizeHref, nowIso, uuid } from "../../store/ids";
import type { Namespace, RoleAssignment } from "../../store/state";
import { deleteNamespace, ensureNamespace, namespaceByName, serializeNamespace } from "../container-namespaces";
import { HttpError, notFound } from "../errors";
import { validate } from "../fields";
import { textFilters } from "../listing";
import { type ApiRequest, accepted, ok, type Route } from "../request";
import { listResponse } from "../respond";
import { changeRole, listRoles } from "./access";

const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
const NS = `${API_ROOT}pulp_container/namespaces/`;
const DIST = `${API_ROOT}distributions/container/container/`;
const RBAC_GUARD_ROLES = ["core.rbaccontentguard_downloader", "core.rbaccontentguard_owner", "core.rbaccontentguard_viewer"];
const KNOWN_ROLES = [...Object.keys(CONTAINER_ROLES), ...RBAC_GUARD_ROLES];
const NAME_RE = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;

const re = (p: string) => new RegExp(`^${p}$`);
const namespaceOf = (req: ApiRequest): Namespace => {
  const ns = req.ctx.state.namespaces.get(`${NS}${req.params["0"]}/`);
  if (!ns) throw notFound();
  return ns;
};
const distributionOf = (req: ApiRequest) => req.ctx.get(`${DIST}${req.params["0"]}/`, "distributions", "container/container");

/** list_roles/add_role/remove_role/my_permissions on one object family. */
function roleRoutes(base: string, objectOf: (req: ApiRequest) => string, allowed: string[]): Route[] {
  return [
    { method: "GET", pattern: re(`${base}(${UUID})/list_roles/`), handler: (req) => ok({ roles: listRoles(req, objectOf(req), allowed) }) },
    { method: "POST", pattern: re(`${base}(${UUID})/add_role/`), handler: (req) => changeRole(req, "add", objectOf(req), allowed) },
    { method: "POST", pattern: re(`${base}(${UUID})/remove_role/`), handler: (req) => changeRole(req, "remove", objectOf(req), allowed) },
    {
      method: "GET",
      pattern: re(`${base}(${UUID})/my_permissions/`),
      handler: (req) => {
        const object = objectOf(req);
        const perms = new Set([...permissionsOn(req.ctx, req.user, object), ...permissionsOn(req.ctx, req.user, "")]);
        // The API only admits staff here, who hold every permission of the family.
        for (const p of allowed.flatMap((r) => CONTAINER_ROLES[r] ?? [])) perms.add(p);
        return ok({ permissions: [...perms].sort() });
      },
    },
  ];
}

/** `/users/<id>/roles/` or `/groups/<id>/roles/`: one assignment per holder, with its own href. */
function holderRoleRoutes(kind: "users" | "groups"): Route[] {
  const holderOf = (req: ApiRequest): { href: string; name: string } => {
    const href = `${API_ROOT}${kind}/${req.params["0"]}/`;
    const h = kind === "users" ? req.ctx.state.users.get(href) : req.ctx.state.groups.get(href);
    if (!h) throw notFound();
    return { href, name: "username" in h ? h.username : h.name };
  };
  const holds = (a: RoleAssignment, name: string) => (kind === "users" ? a.users.has(name) : a.groups.has(name));
  const serialize = (a: RoleAssignment) => ({
    pulp_href: a.href,
    pulp_created: a.created,
    role: a.role,
    content_object: a.object === "" ? null : a.object,
    description: null,
    permissions: CONTAINER_ROLES[a.role] ?? [],
    domain: null,
  });
  const base = `${API_ROOT}${kind}/(\\d+)/roles/`;
  return [
    {
      method: "GET",
      pattern: re(base),
      handler: (req) => {
        const h = holderOf(req);
        const items = req.ctx.state.roles.filter((a) => a.href?.startsWith(h.href) && holds(a, h.name));
        return listResponse(req, items, {
          filters: {
            ...textFilters<RoleAssignment>("role", (a) => a.role, ["", "in", "contains", "icontains", "startswith"]),
            content_object: (a, v) => (v === "null" ? a.object === "" : a.object === normalizeHref(v)),
          },
          serialize,
        });
      },
    },
    {
      method: "POST",
      pattern: re(base),
      handler: async (req) => {
        const h = holderOf(req);
        const data = validate(
          { role: { type: "string", required: true }, content_object: { type: "string", nullable: true, default: null }, domain: { type: "string", nullable: true, default: null } },
          await req.body(),
          { partial: false, resolve: req.ctx.resolve },
        );
        const role = String(data["role"]);
        if (!KNOWN_ROLES.includes(role)) throw new HttpError(400, { role: [`Object with name=${role} does not exist.`] });
        const object = data["content_object"] == null ? "" : normalizeHref(String(data["content_object"]));
        if (object !== "" && !req.ctx.resolve(object) && !req.ctx.state.namespaces.has(object)) {
          throw new HttpError(400, { content_object: [`Invalid hyperlink - Object does not exist.`] });
        }
        if (req.ctx.state.roles.some((a) => a.href?.startsWith(h.href) && a.role === role && a.object === object && holds(a, h.name))) {
          throw new HttpError(400, { non_field_errors: [`The role '${role}' is already assigned to this ${kind === "users" ? "user" : "group"}.`] });
        }
        const a: RoleAssignment = {
          role,
          object,
          users: new Set(kind === "users" ? [h.name] : []),
          groups: new Set(kind === "groups" ? [h.name] : []),
          href: `${h.href}roles/${uuid()}/`,
          created: nowIso(),
        };
        req.ctx.state.roles.push(a);
        return { status: 201, body: serialize(a) };
      },
    },
    {
      method: "GET",
      pattern: re(`${base}(${UUID})/`),
      handler: (req) => {
        const h = holderOf(req);
        const a = req.ctx.state.roles.find((x) => x.href === `${h.href}roles/${req.params["1"]}/`);
        if (!a) throw notFound();
        return ok(serialize(a));
      },
    },
    {
      method: "DELETE",
      pattern: re(`${base}(${UUID})/`),
      handler: (req) => {
        const h = holderOf(req);
        const i = req.ctx.state.roles.findIndex((x) => x.href === `${h.href}roles/${req.params["1"]}/`);
        if (i < 0) throw notFound();
        req.ctx.state.roles.splice(i, 1);
        return { status: 204 };
      },
    },
  ];
}

export function containerAccessRoutes(): Route[] {
  return [
    {
      method: "GET",
      pattern: re(NS),
      handler: (req) =>
        listResponse(
          req,
          [...req.ctx.state.namespaces.values()].sort((a, b) => a.seq - b.seq),
          { filters: textFilters<Namespace>("name", (n) => n.name, ["", "in", "contains", "icontains", "startswith"]), serialize: serializeNamespace },
        ),
    },
    {
      method: "POST",
      pattern: re(NS),
      handler: async (req) => {
        const data = validate({ name: { type: "string", required: true } }, await req.body(), { partial: false, readOnly: ["pulp_href", "pulp_created"], resolve: req.ctx.resolve });
        const name = String(data["name"]);
        if (!NAME_RE.test(name)) throw new HttpError(400, { name: [`Invalid namespace name.`] });
        if (namespaceByName(req.ctx, name)) throw new HttpError(400, { name: ["This field must be unique."] });
        const ns = ensureNamespace(req.ctx, name, req.user);
        return { status: 201, body: serializeNamespace(ns), headers: { Location: ns.href } };
      },
    },
    { method: "GET", pattern: re(`${NS}(${UUID})/`), handler: (req) => ok(serializeNamespace(namespaceOf(req))) },
    {
      method: "DELETE",
      pattern: re(`${NS}(${UUID})/`),
      handler: (req) => {
        const ns = namespaceOf(req);
        const task = req.ctx.tasks.dispatch(
          {
            name: "pulpcore.app.tasks.base.general_delete",
            kind: "general",
            exclusive: [ns.href],
            run: () => {
              if (req.ctx.state.namespaces.has(ns.href)) deleteNamespace(req.ctx, ns);
              return [];
            },
          },
          req.user.href,
        );
        return accepted(task.href);
      },
    },
    ...roleRoutes(NS, (req) => namespaceOf(req).href, NAMESPACE_ROLES),
    ...roleRoutes(DIST, (req) => distributionOf(req).href, DISTRIBUTION_ROLES),
    ...holderRoleRoutes("users"),
    ...holderRoleRoutes("groups"),
  ];
}
