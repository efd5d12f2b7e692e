/**
 * Request authentication for the registry, as pulp_container's `token_verification.py`:
 * with token auth (the default) only `Authorization: Bearer <JWT>` counts; the token's `access`
 * must hold every scope the request needs (`repository:<name>:pull|push`, plus
 * `repository:<from>:pull` for a mount, `registry:catalog:*` for `_catalog`); the root `/v2/`
 * needs a token with empty `access`. With token auth disabled, Basic credentials (`Og==` =
 * anonymous) and `RegistryPermission`: reads for all, writes for staff only.
 */
import type { IncomingMessage } from "node:http";
import { AUTH_FAILURE_DETAIL, basicAuth, isAdmin } from "../content-app/auth";
import type { State, User } from "../store/state";
import { denied, RegistryError } from "./errors";
import type { Access, TokenSigner } from "./token";

export interface Scope {
  type: string;
  name: string;
  action: string;
}

export interface AuthSettings {
  tokenAuth: boolean;
  signer: TokenSigner;
  /** `<origin>/token/` — the token server (`TOKEN_SERVER`), also the JWT issuer. */
  tokenServer: string;
}

/** Scopes a registry request needs (`get_scopes`). `name` is the repository path or undefined. */
export function scopesFor(method: string, name: string | undefined, url: URL): Scope[] {
  if (name) {
    const action = method === "GET" || method === "HEAD" || method === "OPTIONS" ? "pull" : "push";
    const scopes: Scope[] = [{ type: "repository", name, action }];
    const keys = [...new Set(url.searchParams.keys())].sort();
    const from = url.searchParams.get("from");
    if (keys.length === 2 && keys[0] === "from" && keys[1] === "mount" && from) scopes.push({ type: "repository", name: from, action: "pull" });
    return scopes;
  }
  if (url.pathname === "/v2/_catalog") return [{ type: "registry", name: "catalog", action: "*" }];
  return [];
}

function challenge(settings: AuthSettings, host: string, scopes: Scope[], error?: string): string {
  let value = `Bearer realm="${settings.tokenServer}",service="${host}"`;
  for (const s of scopes) value += `,scope="${s.type}:${s.name}:${s.action}"`;
  if (error) value += `,error="${error}"`;
  return value;
}

const unauthorized = (message: string, header: string) => new RegistryError(401, "UNAUTHORIZED", message, {}, { "WWW-Authenticate": header });

/** The user a request acts as (null = anonymous), or a 401/403 RegistryError. */
export async function authenticate(state: State, settings: AuthSettings, req: IncomingMessage, scopes: Scope[]): Promise<User | null> {
  const host = req.headers.host ?? "";
  const header = req.headers.authorization;
  if (!settings.tokenAuth) {
    if (!header || header === "Basic Og==") {
      // No credentials: 401; explicit anonymous (`Og==`) is authenticated, so a refusal is a 403.
      const writes = scopes.some((s) => s.action !== "pull");
      if (!header && (scopes.length === 0 || writes)) throw unauthorized(AUTH_FAILURE_DETAIL.missing, 'Basic realm="api"');
      if (scopes.length === 0 || writes) throw denied("Access to the requested resource is not authorized.");
      return null;
    }
    const auth = basicAuth(state, req.headers);
    if ("error" in auth) throw unauthorized(AUTH_FAILURE_DETAIL[auth.error], 'Basic realm="api"');
    if (scopes.some((s) => s.action !== "pull") && !isAdmin(auth.user)) throw denied("Access to the requested resource is not authorized.");
    return auth.user;
  }
  const m = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  if (!m?.[1]) throw unauthorized(AUTH_FAILURE_DETAIL.missing, challenge(settings, host, scopes));
  const claims = await settings.signer.verify(m[1], { aud: host, iss: settings.tokenServer });
  if (!claims) {
    throw unauthorized(
      "Access to the requested resource is not authorized. The provided Bearer token is invalid.",
      challenge(settings, host, scopes, "invalid_token"),
    );
  }
  const permitted = scopes.length === 0 ? claims.access.length === 0 : scopes.every((s) => grants(claims.access, s));
  if (!permitted) throw unauthorized("Insufficient permissions", challenge(settings, host, scopes, "insufficient_scope"));
  if (!claims.sub) return null;
  const user = [...state.users.values()].find((u) => u.username === claims.sub);
  if (!user) throw unauthorized("No such user", challenge(settings, host, scopes, "invalid_token"));
  return user;
}

/** `_contains_accessible_actions`: some access entry for the scope's type and name holds its action. */
function grants(access: Access[], scope: Scope): boolean {
  return access.some((a) => a.type === scope.type && a.name === scope.name && a.actions.includes(scope.action));
}
