import * as z from "zod";
import { type ContentGuardHref, hrefSchema, type RbacGuardHref, type X509GuardHref } from "../hrefs";
import { pulpObject } from "./common";

const guardBase = {
  ...pulpObject,
  name: z.string(),
  description: z.string().nullish(),
};

/** What the generic `/contentguards/` list returns for any guard type. */
export const contentGuardSchema = z.looseObject({ ...guardBase, pulp_href: hrefSchema<ContentGuardHref>() });
export type ContentGuard = z.infer<typeof contentGuardSchema>;

export const x509GuardSchema = z.looseObject({
  ...guardBase,
  pulp_href: hrefSchema<X509GuardHref>(),
  ca_certificate: z.string(),
});
export type X509Guard = z.infer<typeof x509GuardSchema>;

const userRef = z.union([z.string(), z.looseObject({ username: z.string() })]);
const groupRef = z.union([z.string(), z.looseObject({ name: z.string() })]);

export const rbacGuardSchema = z.looseObject({
  ...guardBase,
  pulp_href: hrefSchema<RbacGuardHref>(),
  users: z.array(userRef).optional(),
  groups: z.array(groupRef).optional(),
});
export type RbacGuard = z.infer<typeof rbacGuardSchema>;

/** `{role, users, groups}` — body and 201 response of add_role/remove_role, items of list_roles. */
export const nestedRoleSchema = z.looseObject({
  role: z.string(),
  users: z.array(z.string()).optional(),
  groups: z.array(z.string()).optional(),
});
export type NestedRole = z.infer<typeof nestedRoleSchema>;

export const objectRolesSchema = z.looseObject({ roles: z.array(nestedRoleSchema) });
export type ObjectRoles = z.infer<typeof objectRolesSchema>;

export interface X509GuardBody {
  name: string;
  description?: string | null;
  ca_certificate: string;
}
export interface RbacGuardBody {
  name: string;
  description?: string | null;
}
export interface RoleBody {
  role: string;
  users?: string[];
  groups?: string[];
}
