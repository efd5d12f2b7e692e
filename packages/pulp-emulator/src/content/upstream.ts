import { Readable } from "node:stream";
import { Agent, type Dispatcher, interceptors, ProxyAgent, request } from "undici";
import { type RemoteConfig, UpstreamHttpError } from "./types";
import pLimit from "p-limit";

/** HTTP access to an upstream repository with the remote's TLS, auth, proxy and header settings. */
export interface Upstream {
  /** Absolute URL of a path relative to the remote's base URL. */
  url(relativePath: string): string;
  getBuffer(url: string, signal?: AbortSignal): Promise<Buffer>;
  /** Like getBuffer but resolves undefined on 404 (optional metadata files). */
  getOptional(url: string, signal?: AbortSignal): Promise<Buffer | undefined>;
  getStream(url: string, signal?: AbortSignal): Promise<Readable>;
  /** Run `task` within the remote's download_concurrency limit. */
  limit<T>(task: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

const DEFAULT_CONCURRENCY = 10;

/** A limiter for the remote's `download_concurrency` (Pulp's default 10 when unset). */
export const downloadLimit = (remote: RemoteConfig) => pLimit(Math.max(1, remote.download_concurrency ?? DEFAULT_CONCURRENCY));

/** Drop credentials from a URL before it reaches logs or error messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.username || u.password) {
      u.username = "";
      u.password = "";
    }
    return u.toString();
  } catch {
    return url;
  }
}

/** Resolve `relativePath` under `base` treating base as a directory. */
export function resolveUrl(base: string, relativePath: string): string {
  const dir = base.endsWith("/") ? base : `${base}/`;
  return new URL(relativePath, dir).toString();
}

export function buildDispatcher(remote: RemoteConfig): Dispatcher {
  const tls = {
    rejectUnauthorized: remote.tls_validation ?? true,
    ...(remote.ca_cert ? { ca: remote.ca_cert } : {}),
    ...(remote.client_cert ? { cert: remote.client_cert } : {}),
    ...(remote.client_key ? { key: remote.client_key } : {}),
  };
  const redirect = interceptors.redirect({ maxRedirections: 5 });
  if (remote.proxy_url) {
    const proxyAuth =
      remote.proxy_username != null
        ? `Basic ${Buffer.from(`${remote.proxy_username}:${remote.proxy_password ?? ""}`).toString("base64")}`
        : undefined;
    return new ProxyAgent({
      uri: remote.proxy_url,
      requestTls: tls,
      ...(proxyAuth ? { token: proxyAuth } : {}),
    }).compose(redirect);
  }
  return new Agent({ connect: tls }).compose(redirect);
}

/** The remote's extra `headers` over the emulator's user-agent. */
export function remoteHeaders(remote: RemoteConfig): Record<string, string> {
  const headers: Record<string, string> = { "user-agent": "pulp-emulator" };
  for (const entry of remote.headers ?? []) Object.assign(headers, entry);
  return headers;
}

/** `Basic …` from the remote's username/password, when it has a username. */
export function basicAuthorization(remote: RemoteConfig): string | undefined {
  if (remote.username == null) return undefined;
  return `Basic ${Buffer.from(`${remote.username}:${remote.password ?? ""}`).toString("base64")}`;
}

function buildHeaders(remote: RemoteConfig): Record<string, string> {
  const basic = basicAuthorization(remote);
  return { ...remoteHeaders(remote), ...(basic ? { authorization: basic } : {}) };
}

export function createUpstream(remote: RemoteConfig): Upstream {
  const dispatcher = buildDispatcher(remote);
  const headers = buildHeaders(remote);
  const limit = downloadLimit(remote);

  const open = async (url: string, signal: AbortSignal | undefined, allow404: boolean) => {
    const res = await request(url, { dispatcher, headers, signal, method: "GET" });
    if (res.statusCode === 404 && allow404) {
      await res.body.dump();
      return undefined;
    }
    if (res.statusCode < 200 || res.statusCode >= 300) {
      await res.body.dump();
      throw new UpstreamHttpError(redactUrl(url), res.statusCode, res.statusText);
    }
    return res.body;
  };

  return {
    url: (relativePath) => resolveUrl(remote.url, relativePath),
    async getBuffer(url, signal) {
      const body = (await open(url, signal, false))!;
      return Buffer.from(await body.arrayBuffer());
    },
    async getOptional(url, signal) {
      const body = await open(url, signal, true);
      return body ? Buffer.from(await body.arrayBuffer()) : undefined;
    },
    async getStream(url, signal) {
      return Readable.from((await open(url, signal, false))!);
    },
    limit: (task) => limit(task),
    close: () => dispatcher.close(),
  };
}
