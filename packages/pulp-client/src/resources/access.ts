import type { ApiContext, CallOptions } from "../context";
import type { GroupHref, UserHref } from "../hrefs";
import { type GroupBody, groupSchema, groupUserSchema, type UserBody, userSchema } from "../schemas/access";
import { actionPath, AllSync, ReadResource } from "./base";

export const ACCESS_PATHS = { users: "users/", groups: "groups/" } as const;

class GroupsResource extends AllSync<typeof groupSchema, GroupHref, GroupBody> {
  /** `POST <group>users/ {username}` → 201. */
  addUser(href: GroupHref, username: string, opts?: CallOptions) {
    return this.ctx.send(groupUserSchema, "POST", actionPath(href, "users"), { username }, opts);
  }
  listUsers(href: GroupHref, opts?: CallOptions) {
    return new ReadResource(this.ctx, actionPath(href, "users"), groupUserSchema).listAll({}, opts);
  }
  /** `DELETE <group>users/<user id>/`. */
  removeUser(href: GroupHref, userId: number, opts?: CallOptions): Promise<void> {
    return this.ctx.call("DELETE", `${actionPath(href, "users")}${userId}/`, undefined, opts);
  }
}

export function access(ctx: ApiContext) {
  return {
    users: new AllSync<typeof userSchema, UserHref, UserBody>(ctx, ACCESS_PATHS.users, userSchema, "username"),
    groups: new GroupsResource(ctx, ACCESS_PATHS.groups, groupSchema),
  };
}
