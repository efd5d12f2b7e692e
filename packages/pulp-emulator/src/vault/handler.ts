// HashiCorp Vault HTTP API stand-in (`/v1/…`): token and AppRole auth, PKI issue and CA reads.
// Shapes follow Vault's API docs: `{data}` / `{auth}` envelopes, `{errors: [...]}` on failure.
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { PERMISSION_DENIED, type Token, VaultAuth, VaultRequestError } from "./auth";
import { parseDuration } from "./duration";
import { defaultKeyBits, type KeyType, keyParamsError } from "./keys";
import { createLayout, defaultRole, guardBundles, MOUNTS, type PkiLayout, ROLES } from "./layout";
import { type PkiMount, PkiRequestError, type PkiRole } from "./pki";

export interface VaultOptions {
  /** Root token; random ("hvs.…") when absent. */
  rootToken?: string;
  /** Key type of the CA keys (default "ec", P-256). */
  keyType?: KeyType;
  /** Lifetime of the CA certificates (default 10 years). */
  caTtlSeconds?: number;
  /** Clock, for tests of expiry. */
  now?: () => Date;
  /** ACL policies (name → path globs), added to the built-in ones. */
  policies?: Record<string, string[]>;
}

export interface VaultStandIn {
  /** node:http request listener serving `/v1/…`. */
  handler(req: IncomingMessage, res: ServerResponse): void;
  rootToken: string;
  layout: PkiLayout;
  mounts: ReadonlyMap<string, PkiMount>;
  /** PEM bundles for the `ca_certificate` of the release and development x509 guards. */
  guardBundles(): { release: string; development: string };
  /** Sets up an AppRole (as `auth/approle/role/<name>` + `secret-id` would) for tests and the demo. */
  createAppRole(name: string, options?: { policies?: string[]; tokenTtl?: number }): { roleId: string; secretId: string };
}

/** Built-in policies: `build` issues build/test certificates, `client` client certificates. */
export const DEFAULT_POLICIES: Record<string, string[]> = {
  default: ["auth/token/lookup-self", "auth/token/renew-self", "auth/token/revoke-self", "sys/health"],
  build: [`${MOUNTS.development}/issue/${ROLES.build}`],
  client: [`${MOUNTS.client}/issue/${ROLES.client}`],
  server: [`${MOUNTS.server}/issue/${ROLES.server}`],
  "release-train": [`${MOUNTS.development}/issue/${ROLES.build}`, `${MOUNTS.client}/issue/${ROLES.client}`],
};

type Body = Record<string, unknown>;
type Reply = { status: number; json?: unknown; text?: string; contentType?: string; binary?: Buffer };

const NO_CONTENT: Reply = { status: 204 };
const MAX_BODY = 1024 * 1024;

function envelope(fields: { data?: unknown; auth?: unknown; warnings?: string[]; mountType?: string }): unknown {
  return {
    request_id: randomUUID(),
    lease_id: "",
    renewable: false,
    lease_duration: 0,
    data: fields.data ?? null,
    wrap_info: null,
    warnings: fields.warnings?.length ? fields.warnings : null,
    auth: fields.auth ?? null,
    mount_type: fields.mountType ?? "",
  };
}

function unsupportedPath(): never {
  throw new VaultRequestError(404, "1 error occurred:\n\t* unsupported path\n\n");
}

function unsupportedOperation(): never {
  throw new VaultRequestError(405, "1 error occurred:\n\t* unsupported operation\n\n");
}

function stringList(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String).filter(Boolean);
  if (typeof value === "string") return value.split(",").map((s) => s.trim()).filter(Boolean);
  return [];
}

function duration(body: Body, field: string): number | undefined {
  if (body[field] === undefined) return undefined;
  const seconds = parseDuration(body[field]);
  if (seconds === null) throw new VaultRequestError(400, `error converting input ${String(body[field])} for field "${field}"`);
  return seconds;
}

function bool(body: Body, field: string): boolean | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  return value === true || value === "true" || value === 1 || value === "1";
}

async function readBody(req: IncomingMessage): Promise<Body> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new VaultRequestError(413, "request too large");
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString("utf8").trim();
  if (!text) return {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return parsed as Body;
  } catch {
    // fall through to Vault's message
  }
  throw new VaultRequestError(400, "failed to parse JSON input: invalid request body");
}

function tokenOf(req: IncomingMessage): string | undefined {
  const header = req.headers["x-vault-token"];
  if (typeof header === "string" && header) return header;
  const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? "");
  return bearer?.[1];
}

function tokenLookupData(auth: VaultAuth, token: Token): unknown {
  const created = new Date(token.createdAt);
  return {
    accessor: token.accessor,
    creation_time: Math.floor(token.createdAt / 1000),
    creation_ttl: token.ttl,
    display_name: token.displayName,
    entity_id: "",
    expire_time: token.ttl ? new Date(token.createdAt + token.ttl * 1000).toISOString() : null,
    explicit_max_ttl: 0,
    id: token.id,
    issue_time: created.toISOString(),
    meta: token.meta,
    num_uses: 0,
    orphan: true,
    path: token.policies.includes("root") ? "auth/token/root" : `auth/${token.displayName === "approle" ? "approle/login" : "token/create"}`,
    policies: token.policies,
    renewable: token.ttl > 0,
    ttl: auth.remainingTtl(token),
    type: "service",
  };
}

function loginReply(token: Token): Reply {
  return {
    status: 200,
    json: envelope({
      auth: {
        client_token: token.id,
        accessor: token.accessor,
        policies: token.policies,
        token_policies: token.policies,
        metadata: token.meta,
        lease_duration: token.ttl,
        renewable: true,
        entity_id: "",
        token_type: "service",
        orphan: true,
        mfa_requirement: null,
        num_uses: 0,
      },
    }),
  };
}

function roleFields(role: PkiRole): unknown {
  return { ...role };
}

export async function createVaultHandler(options: VaultOptions = {}): Promise<VaultStandIn> {
  const now = options.now ?? (() => new Date());
  const auth = new VaultAuth(now, { ...DEFAULT_POLICIES, ...options.policies }, options.rootToken);
  const layout = await createLayout({
    keyType: options.keyType ?? "ec",
    caTtlSeconds: options.caTtlSeconds ?? 10 * 365 * 86_400,
    now: now(),
  });
  const mounts = new Map<string, PkiMount>([layout.release, layout.development, layout.client, layout.server].map((m) => [m.path, m]));

  async function approle(method: string, rest: string[], body: () => Promise<Body>): Promise<Reply> {
    const [kind, name, sub, ...more] = rest;
    if (kind === "login" && rest.length === 1) {
      if (method !== "POST" && method !== "PUT") unsupportedOperation();
      const input = await body();
      return loginReply(auth.loginAppRole(input["role_id"], input["secret_id"]));
    }
    if (kind !== "role" || !name || more.length) unsupportedPath();
    const role = auth.appRoles.get(name);
    if (sub === undefined) {
      if (method === "GET") {
        if (!role) return { status: 404, json: { errors: [] } };
        return {
          status: 200,
          json: envelope({
            mountType: "approle",
            data: {
              bind_secret_id: true,
              secret_id_num_uses: role.secretIdNumUses,
              secret_id_ttl: role.secretIdTtl,
              token_policies: role.tokenPolicies,
              policies: role.tokenPolicies,
              token_ttl: role.tokenTtl,
              token_max_ttl: 0,
              token_type: "default",
            },
          }),
        };
      }
      if (method === "DELETE") {
        auth.appRoles.delete(name);
        return NO_CONTENT;
      }
      if (method !== "POST" && method !== "PUT") unsupportedOperation();
      const input = await body();
      const policies = input["token_policies"] ?? input["policies"];
      auth.writeAppRole(name, {
        ...(policies !== undefined && { tokenPolicies: stringList(policies) }),
        ...(input["token_ttl"] !== undefined && { tokenTtl: duration(input, "token_ttl") }),
        ...(input["secret_id_ttl"] !== undefined && { secretIdTtl: duration(input, "secret_id_ttl") }),
        ...(input["secret_id_num_uses"] !== undefined && { secretIdNumUses: Number(input["secret_id_num_uses"]) || 0 }),
      });
      return NO_CONTENT;
    }
    if (!role) throw new VaultRequestError(400, `role "${name}" does not exist`);
    if (sub === "role-id") {
      if (method === "GET") return { status: 200, json: envelope({ mountType: "approle", data: { role_id: role.roleId } }) };
      if (method !== "POST" && method !== "PUT") unsupportedOperation();
      const roleId = (await body())["role_id"];
      if (typeof roleId !== "string" || !roleId) throw new VaultRequestError(400, "missing role_id");
      auth.writeAppRole(name, { roleId });
      return NO_CONTENT;
    }
    if (sub === "secret-id") {
      if (method !== "POST" && method !== "PUT") unsupportedOperation();
      const { secretId, accessor } = auth.generateSecretId(role);
      return {
        status: 200,
        json: envelope({
          mountType: "approle",
          data: {
            secret_id: secretId,
            secret_id_accessor: accessor,
            secret_id_num_uses: role.secretIdNumUses,
            secret_id_ttl: role.secretIdTtl,
          },
        }),
      };
    }
    unsupportedPath();
  }

  async function token(method: string, op: string | undefined, req: IncomingMessage, body: () => Promise<Body>): Promise<Reply> {
    const current = auth.lookup(tokenOf(req))!; // authorized before routing
    if (op === "lookup-self") {
      if (method !== "GET" && method !== "POST") unsupportedOperation();
      return { status: 200, json: envelope({ mountType: "token", data: tokenLookupData(auth, current) }) };
    }
    if (op === "revoke-self") {
      auth.tokens.delete(current.id);
      return NO_CONTENT;
    }
    if (op === "create") {
      if (method !== "POST" && method !== "PUT") unsupportedOperation();
      const input = await body();
      const policies = stringList(input["policies"]);
      // Only root may create tokens with policies it does not hold itself.
      if (!current.policies.includes("root") && policies.some((p) => !current.policies.includes(p))) {
        throw new VaultRequestError(400, "child policies must be subset of parent");
      }
      const ttl = duration(input, "ttl");
      const created = auth.createToken({
        policies: policies.length ? policies : current.policies.filter((p) => p !== "root"),
        displayName: `token${typeof input["display_name"] === "string" ? `-${input["display_name"]}` : ""}`,
        ...(ttl !== undefined && { ttl }),
      });
      return loginReply(created);
    }
    unsupportedPath();
  }

  async function pki(mount: PkiMount, method: string, rest: string[], body: () => Promise<Body>): Promise<Reply> {
    const key = rest.join("/");
    const pemChain = () => mount.caChain.map((c) => `${c.trim()}\n`).join("");
    if (method === "GET" && key === "ca/pem") return { status: 200, text: `${mount.certificatePem.trim()}\n`, contentType: "application/pem-certificate-chain" };
    if (method === "GET" && key === "ca") return { status: 200, binary: Buffer.from(mount.certificate.rawData), contentType: "application/pkix-cert" };
    if (method === "GET" && (key === "ca_chain" || key === "cert/ca_chain")) {
      if (key === "ca_chain") return { status: 200, text: pemChain(), contentType: "application/pkix-cert" };
      return { status: 200, json: envelope({ mountType: "pki", data: { certificate: pemChain(), ca_chain: pemChain(), revocation_time: 0 } }) };
    }
    if (method === "GET" && key === "cert/ca") {
      return {
        status: 200,
        json: envelope({ mountType: "pki", data: { certificate: mount.certificatePem, revocation_time: 0, revocation_time_rfc3339: "" } }),
      };
    }
    const [kind, role, ...more] = rest;
    if (!role || more.length) unsupportedPath();
    if (kind === "issue") {
      if (method !== "POST" && method !== "PUT") unsupportedOperation();
      const input = await body();
      const ttl = duration(input, "ttl");
      try {
        const issued = await mount.issue(
          role,
          {
            common_name: typeof input["common_name"] === "string" ? input["common_name"] : "",
            alt_names: stringList(input["alt_names"]),
            ip_sans: stringList(input["ip_sans"]),
            ...(ttl !== undefined && { ttl }),
          },
          now(),
        );
        return { status: 200, json: envelope({ mountType: "pki", data: issued.data, warnings: issued.warnings }) };
      } catch (error) {
        if (error instanceof PkiRequestError) throw new VaultRequestError(400, error.message);
        throw error;
      }
    }
    if (kind === "roles") {
      const existing = mount.roles.get(role);
      if (method === "GET") {
        if (!existing) return { status: 404, json: { errors: [] } };
        return { status: 200, json: envelope({ mountType: "pki", data: roleFields(existing) }) };
      }
      if (method === "DELETE") {
        mount.roles.delete(role);
        return NO_CONTENT;
      }
      if (method !== "POST" && method !== "PUT") unsupportedOperation();
      const input = await body();
      const base = existing ?? defaultRole();
      const keyType = (input["key_type"] as KeyType | undefined) ?? base.key_type;
      const keyBits = Number(input["key_bits"] ?? (input["key_type"] ? defaultKeyBits(keyType) : base.key_bits)) || defaultKeyBits(keyType);
      const keyError = keyParamsError(keyType, keyBits);
      if (keyError) throw new VaultRequestError(400, keyError);
      const updated: PkiRole = {
        ttl: duration(input, "ttl") ?? base.ttl,
        max_ttl: duration(input, "max_ttl") ?? base.max_ttl,
        allow_any_name: bool(input, "allow_any_name") ?? base.allow_any_name,
        allowed_domains: input["allowed_domains"] !== undefined ? stringList(input["allowed_domains"]) : base.allowed_domains,
        allow_subdomains: bool(input, "allow_subdomains") ?? base.allow_subdomains,
        allow_bare_domains: bool(input, "allow_bare_domains") ?? base.allow_bare_domains,
        allow_ip_sans: bool(input, "allow_ip_sans") ?? base.allow_ip_sans,
        key_type: keyType,
        key_bits: keyBits,
        client_flag: bool(input, "client_flag") ?? base.client_flag,
        server_flag: bool(input, "server_flag") ?? base.server_flag,
      };
      mount.roles.set(role, updated);
      return { status: 200, json: envelope({ mountType: "pki", data: roleFields(updated) }) };
    }
    unsupportedPath();
  }

  /** Paths readable without a token (Vault's unauthenticated paths). */
  function isPublic(segments: string[]): boolean {
    const [first, ...rest] = segments;
    const key = rest.join("/");
    if (first === "sys" && key === "health") return true;
    if (first === "auth" && key === "approle/login") return true;
    return mounts.has(first ?? "") && ["ca", "ca/pem", "ca_chain", "cert/ca", "cert/ca_chain"].includes(key);
  }

  async function route(req: IncomingMessage): Promise<Reply> {
    const url = new URL(req.url ?? "/", "http://vault.invalid");
    const method = (req.method ?? "GET").toUpperCase();
    if (!url.pathname.startsWith("/v1/")) return { status: 404, text: "404 page not found\n", contentType: "text/plain" };
    const path = url.pathname.slice(4).replace(/\/+$/, "");
    const segments = path.split("/");
    if (!isPublic(segments)) auth.authorize(tokenOf(req), path);
    let cached: Promise<Body> | undefined;
    const body = () => {
      cached ??= readBody(req);
      return cached;
    };
    const [first, ...rest] = segments;
    if (first === "sys" && path === "sys/health") {
      return { status: 200, json: { initialized: true, sealed: false, standby: false, performance_standby: false, version: "1.15.0+emulator", cluster_name: "release-train-emulator" } };
    }
    if (first === "auth" && rest[0] === "approle") return approle(method, rest.slice(1), body);
    if (first === "auth" && rest[0] === "token" && rest.length === 2) return token(method, rest[1], req, body);
    const mount = mounts.get(first ?? "");
    if (mount) return pki(mount, method, rest, body);
    throw new VaultRequestError(404, `no handler for route "${path}". route entry not found.`);
  }

  function send(res: ServerResponse, reply: Reply): void {
    if (reply.json !== undefined) {
      res.writeHead(reply.status, { "content-type": "application/json", "cache-control": "no-store" });
      res.end(JSON.stringify(reply.json));
    } else if (reply.text !== undefined || reply.binary !== undefined) {
      res.writeHead(reply.status, { "content-type": reply.contentType ?? "text/plain" });
      res.end(reply.binary ?? reply.text);
    } else {
      res.writeHead(reply.status);
      res.end();
    }
  }

  return {
    rootToken: auth.rootToken,
    layout,
    mounts,
    guardBundles: () => guardBundles(layout),
    createAppRole(name, roleOptions = {}) {
      const role = auth.writeAppRole(name, {
        tokenPolicies: roleOptions.policies ?? ["release-train"],
        ...(roleOptions.tokenTtl !== undefined && { tokenTtl: roleOptions.tokenTtl }),
      });
      return { roleId: role.roleId, secretId: auth.generateSecretId(role).secretId };
    },
    handler(req, res) {
      route(req)
        .then((reply) => send(res, reply))
        .catch((error: unknown) => {
          if (error instanceof VaultRequestError) {
            send(res, { status: error.status, json: { errors: [error.message] } });
          } else {
            // Internal failures: Vault answers 500 with a generic error list; no request data echoed.
            send(res, { status: 500, json: { errors: ["1 error occurred:\n\t* internal error\n\n"] } });
          }
        });
    },
  };
}

export { PERMISSION_DENIED };
