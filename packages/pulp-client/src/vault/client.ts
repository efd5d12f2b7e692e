// Minimal Vault client for the release train: token / AppRole login and PKI certificate issuance.
import { type Dispatcher, request } from "undici";
import type * as z from "zod";
import { tlsAgent } from "../tls-agent";
import { VaultError } from "./errors";
import {
  vaultAuthResponseSchema,
  vaultCertResponseSchema,
  vaultErrorBodySchema,
  vaultIssueResponseSchema,
  vaultTokenLookupSchema,
} from "./schemas";

export interface VaultClientOptions {
  /** Vault address, e.g. `https://vault.example:8200`. */
  url: string;
  token?: string;
  /** Extra CA (PEM) trusted in addition to the system roots. */
  caCert?: string;
  /** Verify the server certificate (default true). */
  tlsVerify?: boolean;
  /** Per-request timeout (default 30 s). */
  requestTimeoutMs?: number;
  /** Use this dispatcher instead of building one from the TLS options (tests). */
  dispatcher?: Dispatcher;
}

export interface IssueCertificateRequest {
  common_name: string;
  /** Vault duration ("24h") or seconds. */
  ttl?: string | number;
  /** Extra DNS/e-mail SANs. */
  alt_names?: string | string[];
  ip_sans?: string | string[];
}

export interface IssuedCertificate {
  certificate: string;
  privateKey: string;
  privateKeyType: string;
  issuingCa: string;
  /** Issuing CA first, then its issuers (as far as Vault knows them). */
  caChain: string[];
  /** Colon-separated hex, as Vault prints it. */
  serialNumber: string;
  expiration: Date;
  warnings: string[];
}

export interface VaultLogin {
  policies: string[];
  /** Seconds the token stays valid; 0 = no expiry (root tokens). */
  ttl: number;
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** Individual PEM certificates of a bundle, each ending with a newline. */
export function splitPemBundle(bundle: string | readonly string[]): string[] {
  const text = typeof bundle === "string" ? bundle : bundle.join("\n");
  return (text.match(PEM_CERT) ?? []).map((pem) => `${pem}\n`);
}

function joinList(value: string | readonly string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  return typeof value === "string" ? value : value.join(",");
}

function trimSlashes(path: string): string {
  return path.replace(/^\/+|\/+$/g, "");
}

export class VaultClient {
  readonly url: string;
  #token: string | undefined;
  readonly #dispatcher: Dispatcher | undefined;
  readonly #timeoutMs: number;

  constructor(options: VaultClientOptions) {
    this.url = options.url.replace(/\/+$/, "");
    this.#token = options.token;
    this.#timeoutMs = options.requestTimeoutMs ?? 30_000;
    // Without TLS options the global dispatcher will do.
    const tls = options.caCert !== undefined || options.tlsVerify === false;
    this.#dispatcher = options.dispatcher ?? (tls ? tlsAgent(options) : undefined);
  }

  /** True once a token is set (given, or obtained by a login). */
  get authenticated(): boolean {
    return this.#token !== undefined;
  }

  /** Uses `token` from now on, after checking it with `auth/token/lookup-self`. */
  async loginToken(token: string): Promise<VaultLogin> {
    const body = await this.#call("GET", "auth/token/lookup-self", vaultTokenLookupSchema, { token });
    this.#token = token;
    return { policies: body.data.policies ?? [], ttl: body.data.ttl };
  }

  /** `auth/<mount>/login` with an AppRole's role_id and secret_id; keeps the returned token. */
  async loginAppRole(roleId: string, secretId: string, mount = "approle"): Promise<VaultLogin> {
    const body = await this.#call("POST", `auth/${trimSlashes(mount)}/login`, vaultAuthResponseSchema, {
      body: { role_id: roleId, secret_id: secretId },
      token: null,
    });
    this.#token = body.auth.client_token;
    return { policies: body.auth.token_policies ?? body.auth.policies ?? [], ttl: body.auth.lease_duration };
  }

  /** `<mount>/issue/<role>`: a new private key and a certificate for it. */
  async issueCertificate(mount: string, role: string, params: IssueCertificateRequest): Promise<IssuedCertificate> {
    const requestBody: Record<string, unknown> = { common_name: params.common_name };
    if (params.ttl !== undefined) requestBody["ttl"] = params.ttl;
    const altNames = joinList(params.alt_names);
    if (altNames) requestBody["alt_names"] = altNames;
    const ipSans = joinList(params.ip_sans);
    if (ipSans) requestBody["ip_sans"] = ipSans;
    const path = `${trimSlashes(mount)}/issue/${encodeURIComponent(role)}`;
    const { data, warnings } = await this.#call("POST", path, vaultIssueResponseSchema, { body: requestBody });
    return {
      certificate: data.certificate,
      privateKey: data.private_key,
      privateKeyType: data.private_key_type,
      issuingCa: data.issuing_ca,
      caChain: data.ca_chain?.length ? data.ca_chain : [data.issuing_ca],
      serialNumber: data.serial_number,
      expiration: new Date(data.expiration * 1000),
      warnings: warnings ?? [],
    };
  }

  /** The mount's CA certificate (PEM), from `<mount>/cert/ca`. */
  async readCaCertificate(mount: string): Promise<string> {
    const body = await this.#call("GET", `${trimSlashes(mount)}/cert/ca`, vaultCertResponseSchema);
    return body.data.certificate;
  }

  /** The mount's CA chain (PEM certificates, issuing CA first), from `<mount>/cert/ca_chain`. */
  async readCaChain(mount: string): Promise<string[]> {
    const body = await this.#call("GET", `${trimSlashes(mount)}/cert/ca_chain`, vaultCertResponseSchema);
    return splitPemBundle(body.data.ca_chain ?? body.data.certificate);
  }

  /** Sends one request; `token: null` sends none, undefined the client's own. */
  async #call<S extends z.ZodType>(
    method: "GET" | "POST",
    path: string,
    schema: S,
    options: { body?: unknown; token?: string | null } = {},
  ): Promise<z.infer<S>> {
    const token = options.token === null ? undefined : (options.token ?? this.#token);
    const headers: Record<string, string> = { accept: "application/json" };
    if (token) headers["x-vault-token"] = token;
    if (options.body !== undefined) headers["content-type"] = "application/json";
    let status = 0;
    let text = "";
    try {
      const response = await request(`${this.url}/v1/${path}`, {
        method,
        headers,
        ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
        ...(this.#dispatcher && { dispatcher: this.#dispatcher }),
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
      status = response.statusCode;
      text = await response.body.text();
    } catch (error) {
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      throw new VaultError(method, path, 0, [reason], { cause: error });
    }
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    if (status < 200 || status >= 300) {
      const parsed = vaultErrorBodySchema.safeParse(json);
      throw new VaultError(method, path, status, parsed.success ? parsed.data.errors : []);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((issue) => `${issue.path.join(".") || "(body)"}: ${issue.message}`);
      throw new VaultError(method, path, status, [`unexpected response: ${issues.join(", ")}`]);
    }
    return parsed.data;
  }
}
