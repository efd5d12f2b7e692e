import { API_ROOT, nowIso } from "../../store/ids";
import type { Group, User } from "../../store/state";
import { HttpError, notFound } from "../errors";
import { validate } from "../fields";
import { type FilterSet, textFilters } from "../listing";
import { type ApiRequest, ok, type Route } from "../request";
import { listResponse } from "../respond";
import { GROUP, GROUP_USER, NESTED_ROLE, USER } from "../schemas";
import { groupByName, rolesOn, serializeGroup, serializeUser, userByName } from "../serialize";

const RBAC_ROLES = ["core.rbaccontentguard_downloader", "core.rbaccontentguard_owner", "core.rbaccontentguard_viewer"];
const GUARD = `${API_ROOT}contentguards/core/rbac/([0-9a-f-]{36})/`;

const userOf = (req: ApiRequest): User => {
  const u = req.ctx.state.users.get(`${API_ROOT}users/${req.params["0"]}/`);
  if (!u) throw notFound();
  return u;
};
const groupOf = (req: ApiRequest): Group => {
  const g = req.ctx.state.groups.get(`${API_ROOT}groups/${req.params["0"]}/`);
  if (!g) throw notFound();
  return g;
};
const guardOf = (req: ApiRequest) => req.ctx.get(`${API_ROOT}contentguards/core/rbac/${req.params["0"]}/`, "contentguards");
const USER_READ_ONLY = ["pulp_href", "id", "date_joined", "groups", "hidden_fields"];

/** Users, groups, group users and RBAC content guard roles. */
export function accessRoutes(): Route[] {
  const re = (p: string) => new RegExp(`^${API_ROOT}${p}$`);
  return [
    {
      method: "GET",
      pattern: re("users/"),
      handler: (req) => {
        const filters: FilterSet<User> = {
          ...textFilters<User>("username", (u) => u.username, ["", "in", "contains", "icontains", "iexact"]),
          ...textFilters<User>("email", (u) => u.email, ["", "contains", "icontains", "iexact"]),
          is_active: (u, v) => String(u.is_active) === v.toLowerCase(),
          is_staff: (u, v) => String(u.is_staff) === v.toLowerCase(),
        };
        return listResponse(req, [...req.ctx.state.users.values()], { filters, serialize: (u) => serializeUser(req.ctx, u) });
      },
    },
    {
      method: "POST",
      pattern: re("users/"),
      handler: async (req) => {
        const ctx = req.ctx;
        const data = validate(USER, await req.body(), { partial: false, readOnly: USER_READ_ONLY, resolve: ctx.resolve });
        checkEmail(data);
        if (userByName(ctx, String(data["username"]))) throw new HttpError(400, { username: ["A user with that username already exists."] });
        const id = ctx.state.newUserId();
        const user: User = { id, href: `${API_ROOT}users/${id}/`, date_joined: nowIso(), ...(data as Omit<User, "id" | "href" | "date_joined">) };
        ctx.state.users.set(user.href, user);
        return { status: 201, body: serializeUser(ctx, user), headers: { Location: user.href } };
      },
    },
    { method: "GET", pattern: re("users/(\\d+)/"), handler: (req) => ok(serializeUser(req.ctx, userOf(req))) },
    {
      method: "PATCH",
      pattern: re("users/(\\d+)/"),
      handler: async (req) => {
        const user = userOf(req);
        const data = validate(USER, await req.body(), { partial: true, readOnly: USER_READ_ONLY, resolve: req.ctx.resolve });
        checkEmail(data);
        const clash = data["username"] !== undefined ? userByName(req.ctx, String(data["username"])) : undefined;
        if (clash && clash !== user) throw new HttpError(400, { username: ["A user with that username already exists."] });
        Object.assign(user, data);
        return ok(serializeUser(req.ctx, user));
      },
    },
    {
      method: "DELETE",
      pattern: re("users/(\\d+)/"),
      handler: (req) => {
        const user = userOf(req);
        req.ctx.state.users.delete(user.href);
        for (const g of req.ctx.state.groups.values()) g.users.delete(user.id);
        for (const a of req.ctx.state.roles) a.users.delete(user.username);
        return { status: 204 };
      },
    },
    {
      method: "GET",
      pattern: re("groups/"),
      handler: (req) => {
        const filters: FilterSet<Group> = textFilters<Group>("name", (g) => g.name, ["", "in", "contains", "icontains", "iexact"]);
        return listResponse(req, [...req.ctx.state.groups.values()], { filters, serialize: serializeGroup });
      },
    },
    {
      method: "POST",
      pattern: re("groups/"),
      handler: async (req) => {
        const ctx = req.ctx;
        const data = validate(GROUP, await req.body(), { partial: false, readOnly: ["pulp_href", "id"], resolve: ctx.resolve });
        if (groupByName(ctx, String(data["name"]))) throw new HttpError(400, { name: ["group with this name already exists."] });
        const id = ctx.state.newGroupId();
        const group: Group = { id, href: `${API_ROOT}groups/${id}/`, name: String(data["name"]), users: new Set() };
        ctx.state.groups.set(group.href, group);
        return { status: 201, body: serializeGroup(group), headers: { Location: group.href } };
      },
    },
    { method: "GET", pattern: re("groups/(\\d+)/"), handler: (req) => ok(serializeGroup(groupOf(req))) },
    {
      method: "DELETE",
      pattern: re("groups/(\\d+)/"),
      handler: (req) => {
        const g = groupOf(req);
        req.ctx.state.groups.delete(g.href);
        for (const a of req.ctx.state.roles) a.groups.delete(g.name);
        return { status: 204 };
      },
    },
    {
      method: "GET",
      pattern: re("groups/(\\d+)/users/"),
      handler: (req) => {
        const g = groupOf(req);
        const users = [...req.ctx.state.users.values()].filter((u) => g.users.has(u.id));
        return listResponse(req, users, {
          filters: textFilters<User>("username", (u) => u.username, ["", "in", "contains", "icontains", "iexact"]),
          serialize: (u) => ({ username: u.username, pulp_href: `${g.href}users/${u.id}/` }),
        });
      },
    },
    {
      method: "POST",
      pattern: re("groups/(\\d+)/users/"),
      handler: async (req) => {
        const g = groupOf(req);
        const data = validate(GROUP_USER, await req.body(), { partial: false, readOnly: ["pulp_href"], resolve: req.ctx.resolve });
        const user = userByName(req.ctx, String(data["username"]));
        if (!user) throw new HttpError(400, { username: ["User does not exist."] });
        g.users.add(user.id);
        return { status: 201, body: { username: user.username, pulp_href: `${g.href}users/${user.id}/` } };
      },
    },
    {
      method: "DELETE",
      pattern: re("groups/(\\d+)/users/(\\d+)/"),
      handler: (req) => {
        const g = groupOf(req);
        const id = Number(req.params["1"]);
        if (!g.users.has(id)) throw notFound();
        g.users.delete(id);
        return { status: 204 };
      },
    },
    {
      method: "GET",
      pattern: new RegExp(`^${GUARD}list_roles/$`),
      handler: (req) => {
        return ok({ roles: listRoles(req, guardOf(req).href, RBAC_ROLES) });
      },
    },
    { method: "POST", pattern: new RegExp(`^${GUARD}add_role/$`), handler: (req) => changeRole(req, "add", guardOf(req).href, RBAC_ROLES) },
    { method: "POST", pattern: new RegExp(`^${GUARD}remove_role/$`), handler: (req) => changeRole(req, "remove", guardOf(req).href, RBAC_ROLES) },
    {
      method: "GET",
      pattern: new RegExp(`^${GUARD}my_permissions/$`),
      handler: (req) => {
        guardOf(req);
        return ok({ permissions: ["core.view_rbaccontentguard", "core.change_rbaccontentguard", "core.delete_rbaccontentguard", "core.download_rbaccontentguard", "core.manage_roles_rbaccontentguard"] });
      },
    },
  ];
}

/** `list_roles/`: the roles of `allowed` held on `object`, with their users and groups. */
export function listRoles(req: ApiRequest, object: string, allowed: string[]) {
  return allowed
    .map((role) => ({ role, ...rolesOn(req.ctx, object, role) }))
    .filter((r) => r.users.size > 0 || r.groups.size > 0)
    .map((r) => ({ role: r.role, users: [...r.users], groups: [...r.groups] }));
}

/** `NestedRoleSerializer` rules: users/groups must exist; adding twice / removing absent is a 400. */
export async function changeRole(req: ApiRequest, op: "add" | "remove", object: string, allowed: string[]) {
  const ctx = req.ctx;
  const guard = { href: object };
  const data = validate(NESTED_ROLE, await req.body(), { partial: false, resolve: ctx.resolve });
  const role = String(data["role"]);
  const users = data["users"] as string[];
  const groups = data["groups"] as string[];
  if (!allowed.includes(role)) throw new HttpError(400, { role: [`Object "${role}" does not exist.`] });
  if (users.length === 0 && groups.length === 0) throw new HttpError(400, { non_field_errors: ["Either 'users' or 'groups' need to be specified."] });
  const missingUser = users.find((u) => !userByName(ctx, u));
  if (missingUser) throw new HttpError(400, { users: [`Object with username=${missingUser} does not exist.`] });
  const missingGroup = groups.find((g) => !groupByName(ctx, g));
  if (missingGroup) throw new HttpError(400, { groups: [`Object with name=${missingGroup} does not exist.`] });
  const current = rolesOn(ctx, guard.href, role);
  for (const u of users) {
    if (op === "add" && current.users.has(u)) throw new HttpError(400, { non_field_errors: [`The role is already assigned to user '${u}'.`] });
    if (op === "remove" && !current.users.has(u)) throw new HttpError(400, { non_field_errors: [`The role is not assigned to user '${u}'.`] });
  }
  for (const g of groups) {
    if (op === "add" && current.groups.has(g)) throw new HttpError(400, { non_field_errors: [`The role is already assigned to group '${g}'.`] });
    if (op === "remove" && !current.groups.has(g)) throw new HttpError(400, { non_field_errors: [`The role is not assigned to group '${g}'.`] });
  }
  if (op === "add") ctx.state.roles.push({ role, object: guard.href, users: new Set(users), groups: new Set(groups) });
  else
    for (const a of ctx.state.roles) {
      if (a.object !== guard.href || a.role !== role) continue;
      for (const u of users) a.users.delete(u);
      for (const g of groups) a.groups.delete(g);
    }
  return { status: 201, body: { role, users, groups } };
}

/** DRF `EmailField`: blank is allowed, anything else must look like an address. */
function checkEmail(data: Record<string, unknown>): void {
  const email = data["email"];
  if (typeof email === "string" && email !== "" && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) {
    throw new HttpError(400, { email: ["Enter a valid email address."] });
  }
}
