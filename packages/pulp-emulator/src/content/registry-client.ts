/**
 * Registry v2 client side of a container remote, as pulp_container's downloaders behave: remote TLS,
 * proxy and header settings; on 401 with `WWW-Authenticate: Bearer realm=…,service=…,scope=…` a
 * token from the realm (Basic credentials when the remote has them) and one retry; on a Basic
 * challenge the remote's credentials. Tokens are cached per scope for the client's life.
 */
import type { Readable } from "node:stream";
import { type Dispatcher, request } from "undici";
import { parseChallenge } from "@release-train/pulp-client/registry";
import { type RemoteConfig, UpstreamHttpError } from "./types";
import { basicAuthorization, buildDispatcher, redactUrl, remoteHeaders } from "./upstream";

export { parseChallenge };

export interface RegistryResponse {
  status: number;
  headers: Record<string, string>;
  body: Readable & { arrayBuffer(): Promise<ArrayBuffer>; dump(): Promise<void> };
}

export interface RegistryClient {
  /** GET an absolute URL; non-2xx responses throw `UpstreamHttpError` (URL without credentials). */
  get(url: string, options?: { accept?: string[]; signal?: AbortSignal | undefined }): Promise<RegistryResponse>;
  close(): Promise<void>;
}

const headerValue = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v.join(", ") : v);

function flatHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    const value = headerValue(v);
    if (value !== undefined) out[k.toLowerCase()] = value;
  }
  return out;
}

export function createRegistryClient(remote: RemoteConfig): RegistryClient {
  const dispatcher: Dispatcher = buildDispatcher(remote);
  const base = remoteHeaders(remote);
  const basic = basicAuthorization(remote);
  /** Authorization to send per challenge key (realm+service+scope), learned from 401s. */
  const tokens = new Map<string, Promise<string>>();
  let lastAuth: string | undefined;

  const send = (url: string, headers: Record<string, string>, signal?: AbortSignal) =>
    request(url, { method: "GET", dispatcher, headers, signal });

  const fetchToken = async (params: Record<string, string>, signal?: AbortSignal): Promise<string> => {
    const realm = params["realm"];
    if (!realm) throw new Error("registry bearer challenge without a realm");
    const u = new URL(realm);
    if (params["service"]) u.searchParams.set("service", params["service"]);
    for (const scope of (params["scope"] ?? "").split(" ").filter(Boolean)) u.searchParams.append("scope", scope);
    const res = await send(u.toString(), { ...base, ...(basic ? { authorization: basic } : {}) }, signal);
    if (res.statusCode !== 200) {
      await res.body.dump();
      throw new UpstreamHttpError(redactUrl(u.toString()), res.statusCode);
    }
    const body = (await res.body.json()) as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
    if (!token) throw new Error(`token endpoint ${redactUrl(realm)} returned no token`);
    return `Bearer ${token}`;
  };

  const authFor = (challenge: string, signal?: AbortSignal): Promise<string> | undefined => {
    const { scheme, params } = parseChallenge(challenge);
    if (scheme === "basic") return basic ? Promise.resolve(basic) : undefined;
    if (scheme !== "bearer") return undefined;
    const key = `${params["realm"]}|${params["service"]}|${params["scope"]}`;
    // A challenge for a token we already sent means it expired or was refused: fetch anew once.
    let token = tokens.get(key);
    if (!token) {
      token = fetchToken(params, signal);
      tokens.set(key, token);
      token.catch(() => tokens.delete(key));
    }
    return token;
  };

  return {
    async get(url, options = {}) {
      const headers: Record<string, string> = { ...base };
      if (options.accept) headers["accept"] = options.accept.join(", ");
      // Registries ask every repository scope separately; start with the last credentials that worked.
      if (lastAuth) headers["authorization"] = lastAuth;
      let res = await send(url, headers, options.signal);
      if (res.statusCode === 401) {
        const challenge = headerValue(res.headers["www-authenticate"]);
        await res.body.dump();
        const auth = challenge ? await authFor(challenge, options.signal) : undefined;
        if (auth && auth !== headers["authorization"]) {
          res = await send(url, { ...headers, authorization: auth }, options.signal);
          if (res.statusCode < 300) lastAuth = auth;
        } else if (auth) {
          // The cached token was refused: drop it and fetch a fresh one.
          tokens.clear();
          const fresh = challenge ? await authFor(challenge, options.signal) : undefined;
          if (fresh) res = await send(url, { ...headers, authorization: fresh }, options.signal);
          if (fresh && res.statusCode < 300) lastAuth = fresh;
        } else {
          throw new UpstreamHttpError(redactUrl(url), 401);
        }
      }
      if (res.statusCode < 200 || res.statusCode >= 300) {
        await res.body.dump();
        throw new UpstreamHttpError(redactUrl(url), res.statusCode);
      }
      return { status: res.statusCode, headers: flatHeaders(res.headers), body: res.body };
    },
    close: () => dispatcher.close(),
  };
}
