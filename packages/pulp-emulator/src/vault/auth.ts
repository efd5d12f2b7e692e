// Token store, ACL policies and the AppRole auth method of the Vault stand-in.
import { randomBytes, randomUUID } from "node:crypto";
import { SYSTEM_MAX_TTL } from "./pki";

export interface Token {
  id: string;
  accessor: string;
  policies: string[];
  createdAt: number; // ms
  ttl: number; // seconds, 0 = never expires (root)
  displayName: string;
  meta: Record<string, string> | null;
}

export interface AppRole {
  name: string;
  roleId: string;
  tokenPolicies: string[];
  tokenTtl: number;
  secretIdTtl: number;
  secretIdNumUses: number;
  secretIds: Map<string, { accessor: string; createdAt: number; usesLeft: number }>;
}

/** Raised for requests Vault rejects; `status` and `message` as Vault sends them. */
export class VaultRequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export const PERMISSION_DENIED = "permission denied";

/** Vault 1.10+ service token format: "hvs." + base62 text. */
function newTokenId(): string {
  return `hvs.${randomBytes(24).toString("base64url").replace(/[-_]/g, "x")}`;
}

/** Vault ACL path globs: a trailing `*` matches any suffix, `+` one path segment. */
function pathMatches(pattern: string, path: string): boolean {
  const prefix = pattern.endsWith("*");
  const parts = (prefix ? pattern.slice(0, -1) : pattern).split("/");
  const segments = path.split("/");
  if (!prefix && parts.length !== segments.length) return false;
  return parts.every((part, i) => {
    const segment = segments[i];
    if (segment === undefined) return false;
    if (part === "+") return true;
    return prefix && i === parts.length - 1 ? segment.startsWith(part) : segment === part;
  });
}

export class VaultAuth {
  readonly tokens = new Map<string, Token>();
  readonly appRoles = new Map<string, AppRole>();
  readonly rootToken: string;

  constructor(
    private readonly now: () => Date,
    readonly policies: Record<string, string[]>,
    rootToken?: string,
  ) {
    this.rootToken = rootToken ?? newTokenId();
    this.tokens.set(this.rootToken, {
      id: this.rootToken,
      accessor: randomUUID(),
      policies: ["root"],
      createdAt: now().getTime(),
      ttl: 0,
      displayName: "root",
      meta: null,
    });
  }

  /** The live token for `id`, or undefined when unknown or expired. */
  lookup(id: string | undefined): Token | undefined {
    const token = id ? this.tokens.get(id) : undefined;
    if (!token) return undefined;
    if (token.ttl && this.now().getTime() >= token.createdAt + token.ttl * 1000) {
      this.tokens.delete(token.id);
      return undefined;
    }
    return token;
  }

  remainingTtl(token: Token): number {
    if (!token.ttl) return 0;
    return Math.max(0, Math.floor((token.createdAt + token.ttl * 1000 - this.now().getTime()) / 1000));
  }

  /** Throws 403 unless `token` may use `path` (the `default` policy is always attached). */
  authorize(id: string | undefined, path: string): Token {
    const token = this.lookup(id);
    if (!token) throw new VaultRequestError(403, PERMISSION_DENIED);
    if (token.policies.includes("root")) return token;
    const allowed = token.policies.flatMap((name) => this.policies[name] ?? []);
    if (!allowed.some((pattern) => pathMatches(pattern, path))) throw new VaultRequestError(403, PERMISSION_DENIED);
    return token;
  }

  createToken(options: { policies: string[]; ttl?: number; displayName: string; meta?: Record<string, string> }): Token {
    const policies = [...new Set(["default", ...options.policies])].sort();
    const token: Token = {
      id: newTokenId(),
      accessor: randomUUID(),
      policies,
      createdAt: this.now().getTime(),
      ttl: options.ttl || SYSTEM_MAX_TTL,
      displayName: options.displayName,
      meta: options.meta ?? null,
    };
    this.tokens.set(token.id, token);
    return token;
  }

  writeAppRole(name: string, fields: Partial<Omit<AppRole, "name" | "secretIds">>): AppRole {
    const existing = this.appRoles.get(name);
    const role: AppRole = {
      name,
      roleId: fields.roleId ?? existing?.roleId ?? randomUUID(),
      tokenPolicies: fields.tokenPolicies ?? existing?.tokenPolicies ?? [],
      tokenTtl: fields.tokenTtl ?? existing?.tokenTtl ?? 0,
      secretIdTtl: fields.secretIdTtl ?? existing?.secretIdTtl ?? 0,
      secretIdNumUses: fields.secretIdNumUses ?? existing?.secretIdNumUses ?? 0,
      secretIds: existing?.secretIds ?? new Map(),
    };
    this.appRoles.set(name, role);
    return role;
  }

  generateSecretId(role: AppRole): { secretId: string; accessor: string } {
    const secretId = randomUUID();
    const accessor = randomUUID();
    role.secretIds.set(secretId, { accessor, createdAt: this.now().getTime(), usesLeft: role.secretIdNumUses || Infinity });
    return { secretId, accessor };
  }

  /** `auth/approle/login`: a token carrying the role's policies, or Vault's 400. */
  loginAppRole(roleId: unknown, secretId: unknown): Token {
    if (typeof roleId !== "string" || roleId === "") throw new VaultRequestError(400, "missing role_id");
    const role = [...this.appRoles.values()].find((r) => r.roleId === roleId);
    if (!role) throw new VaultRequestError(400, "invalid role or secret ID");
    if (typeof secretId !== "string" || secretId === "") throw new VaultRequestError(400, "missing secret_id");
    const secret = role.secretIds.get(secretId);
    const expired = secret && role.secretIdTtl && this.now().getTime() >= secret.createdAt + role.secretIdTtl * 1000;
    if (!secret || expired || secret.usesLeft <= 0) {
      if (secret) role.secretIds.delete(secretId);
      throw new VaultRequestError(400, "invalid role or secret ID");
    }
    secret.usesLeft -= 1;
    return this.createToken({
      policies: role.tokenPolicies,
      ttl: role.tokenTtl,
      displayName: "approle",
      meta: { role_name: role.name },
    });
  }
}
