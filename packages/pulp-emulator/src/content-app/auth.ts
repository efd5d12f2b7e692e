import { timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import type { State, User } from "../store/state";

export type BasicAuthResult = { user: User } | { error: "missing" | "invalid" };

/** DRF's `detail` for each failure, shared by the API (401) and the content app's RBAC guard (403). */
export const AUTH_FAILURE_DETAIL = {
  missing: "Authentication credentials were not provided.",
  invalid: "Invalid username/password.",
} as const;
export const PERMISSION_DENIED_DETAIL = "You do not have permission to perform this action.";

/** Authenticate `Authorization: Basic …` against the emulator's users (API and content app). */
export function basicAuth(state: State, headers: IncomingHttpHeaders): BasicAuthResult {
  const header = headers.authorization;
  if (!header) return { error: "missing" };
  const m = /^Basic\s+(\S+)$/i.exec(header);
  if (!m?.[1]) return { error: "invalid" };
  const decoded = Buffer.from(m[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return { error: "invalid" };
  const username = decoded.slice(0, colon);
  const password = decoded.slice(colon + 1);
  const user = [...state.users.values()].find((u) => u.username === username);
  if (!user?.password || !user.is_active || !safeEqual(user.password, password)) return { error: "invalid" };
  return { user };
}

/** Staff and the first user (the `admin` Pulp is installed with) pass every permission check. */
export const isAdmin = (user: User): boolean => user.is_staff || user.id === 1;

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
