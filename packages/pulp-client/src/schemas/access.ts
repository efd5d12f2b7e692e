import * as z from "zod";
import { type GroupHref, hrefSchema, type UserHref } from "../hrefs";

export const userSchema = z.looseObject({
  pulp_href: hrefSchema<UserHref>(),
  id: z.number().int().optional(),
  username: z.string(),
  first_name: z.string().optional(),
  last_name: z.string().optional(),
  email: z.string().optional(),
  is_staff: z.boolean().optional(),
  is_active: z.boolean().optional(),
  date_joined: z.string().optional(),
  groups: z.array(z.looseObject({ name: z.string(), pulp_href: z.string() })).optional(),
});
export type User = z.infer<typeof userSchema>;

export const groupSchema = z.looseObject({
  pulp_href: hrefSchema<GroupHref>(),
  id: z.number().int().optional(),
  name: z.string(),
});
export type Group = z.infer<typeof groupSchema>;

/** A role definition (`/roles/`). */
export const roleSchema = z.looseObject({
  pulp_href: z.string(),
  pulp_created: z.string().optional(),
  name: z.string(),
  description: z.string().nullish(),
  permissions: z.array(z.string()),
  locked: z.boolean().optional(),
});
export type Role = z.infer<typeof roleSchema>;

export interface UserBody {
  username: string;
  password?: string | null;
  first_name?: string;
  last_name?: string;
  email?: string;
  is_staff?: boolean;
  is_active?: boolean;
}
export interface GroupBody {
  name: string;
}

/** Members of a group (`<group>users/`). */
export const groupUserSchema = z.looseObject({ username: z.string(), pulp_href: z.string() });
