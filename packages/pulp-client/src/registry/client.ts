/**
 * A small OCI distribution (registry v2) client with the Docker token flow: a 401 challenge
 * `Bearer realm,service,scope` is answered by a token from the realm (Basic credentials when
 * configured, anonymous otherwise) and one retry; tokens are cached per repository and action.
 * Pulls verify digests; `pushOciLayout` pushes an OCI image layout (image or index) blob by blob.
 */
import { createHash } from "node:crypto";
import { type Dispatcher, request } from "undici";
import { USER_AGENT } from "../http";
import { backoffDelay, DEFAULT_RETRY, isConnectionError, RETRYABLE_STATUS, sleep } from "../retry";
import { tlsAgent } from "../tls-agent";
import { nextLink, parseChallenge } from "./challenge";
import { RegistryDigestError, RegistryHttpError } from "./errors";

export const MANIFEST_MEDIA_TYPES = {
  dockerManifest: "application/vnd.docker.distribution.manifest.v2+json",
  dockerList: "application/vnd.docker.distribution.manifest.list.v2+json",
  ociManifest: "application/vnd.oci.image.manifest.v1+json",
  ociIndex: "application/vnd.oci.image.index.v1+json",
} as const;
const ACCEPT = Object.values(MANIFEST_MEDIA_TYPES).join(", ");

export interface RegistryClientOptions {
  /** Registry origin, e.g. `http://127.0.0.1:24817` (the path is ignored: `/v2/` is absolute). */
  url: string;
  username?: string | undefined;
  password?: string | undefined;
  tlsVerify?: boolean | undefined;
  caCert?: string | undefined;
  /** Extra attempts for GET/HEAD on connection errors and 429/502/503/504 (default 3). */
  retries?: number;
}

export interface Manifest {
  digest: string;
  mediaType: string;
  body: Buffer;
}

export interface ManifestHead {
  digest: string;
  mediaType: string;
  size: number;
}

type Body = () => Buffer | undefined;

interface Sent {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

const sha256 = (data: Uint8Array) => `sha256:${createHash("sha256").update(data).digest("hex")}`;
const flat = (h: Record<string, string | string[] | undefined>) =>
  Object.fromEntries(Object.entries(h).flatMap(([k, v]) => (v === undefined ? [] : [[k.toLowerCase(), Array.isArray(v) ? v.join(", ") : v]])));

export class RegistryClient {
  private readonly origin: string;
  private readonly dispatcher: Dispatcher;
  private readonly basic: string | undefined;
  /** `<name>|pull` / `<name>|push` / `catalog` → Authorization header that worked. */
  private readonly auth = new Map<string, string>();
  private readonly retries: number;

  constructor(options: RegistryClientOptions) {
    this.origin = new URL(options.url).origin;
    this.dispatcher = tlsAgent({ caCert: options.caCert, tlsVerify: options.tlsVerify });
    this.basic =
      options.username !== undefined ? `Basic ${Buffer.from(`${options.username}:${options.password ?? ""}`).toString("base64")}` : undefined;
    this.retries = options.retries ?? DEFAULT_RETRY.retries;
  }

  /** `host:port` for `docker://` references. */
  get host(): string {
    return new URL(this.origin).host;
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }

  // ---- reads ----

  /** `GET /v2/`: the registry answers and these credentials are accepted. */
  async ping(): Promise<void> {
    await this.expect("GET", "/v2/", "root", [200]);
  }

  async catalog(): Promise<string[]> {
    const out: string[] = [];
    for await (const page of this.pages("/v2/_catalog", "catalog")) out.push(...((page as { repositories?: string[] }).repositories ?? []));
    return out;
  }

  /** Every tag of `name`, following `Link` pagination. */
  async listTags(name: string, pageSize?: number): Promise<string[]> {
    const out: string[] = [];
    const path = `/v2/${name}/tags/list${pageSize ? `?n=${pageSize}` : ""}`;
    for await (const page of this.pages(path, `${name}|pull`)) out.push(...((page as { tags?: string[] | null }).tags ?? []));
    return out;
  }

  /** A manifest by tag or digest, its bytes verified against the digest. */
  async getManifest(name: string, reference: string, accept: string = ACCEPT): Promise<Manifest> {
    const res = await this.expect("GET", `/v2/${name}/manifests/${reference}`, `${name}|pull`, [200], { accept });
    const digest = sha256(res.body);
    const claimed = reference.startsWith("sha256:") ? reference : res.headers["docker-content-digest"];
    if (claimed && claimed !== digest) throw new RegistryDigestError(`manifest ${name}:${reference}`, claimed, digest);
    const mediaType = (JSON.parse(res.body.toString("utf8")) as { mediaType?: string }).mediaType ?? res.headers["content-type"]?.split(";")[0] ?? "";
    return { digest, mediaType, body: res.body };
  }

  /** HEAD of a manifest, or undefined when the registry does not have it (404). */
  async headManifest(name: string, reference: string): Promise<ManifestHead | undefined> {
    const res = await this.expect("HEAD", `/v2/${name}/manifests/${reference}`, `${name}|pull`, [200, 404], { accept: ACCEPT });
    if (res.status === 404) return undefined;
    return {
      digest: res.headers["docker-content-digest"] ?? "",
      mediaType: res.headers["content-type"]?.split(";")[0] ?? "",
      size: Number(res.headers["content-length"] ?? 0),
    };
  }

  async blobExists(name: string, digest: string): Promise<boolean> {
    const res = await this.expect("HEAD", `/v2/${name}/blobs/${digest}`, `${name}|pull`, [200, 404]);
    return res.status === 200;
  }

  /** A blob's bytes, verified against `digest`. */
  async getBlob(name: string, digest: string): Promise<Buffer> {
    const res = await this.expect("GET", `/v2/${name}/blobs/${digest}`, `${name}|pull`, [200]);
    const actual = sha256(res.body);
    if (actual !== digest) throw new RegistryDigestError(`blob ${name}@${digest}`, digest, actual);
    return res.body;
  }

  // ---- writes ----

  /** Upload a blob unless the repository has it: POST a session, then PUT the bytes with `?digest=`. */
  async uploadBlob(name: string, digest: string, data: Buffer): Promise<"exists" | "uploaded"> {
    if (sha256(data) !== digest) throw new RegistryDigestError(`blob ${digest}`, digest, sha256(data));
    if (await this.blobExists(name, digest)) return "exists";
    const start = await this.expect("POST", `/v2/${name}/blobs/uploads/`, `${name}|push`, [202], { "content-length": "0" });
    const location = start.headers["location"];
    if (!location) throw new Error(`POST /v2/${name}/blobs/uploads/: no Location in the response`);
    const target = new URL(location, this.origin);
    target.searchParams.set("digest", digest);
    await this.expect("PUT", target.pathname + target.search, `${name}|push`, [201], { "content-type": "application/octet-stream" }, () => data);
    return "uploaded";
  }

  /** PUT a manifest under a tag or its digest; returns the digest the registry reports. */
  async putManifest(name: string, reference: string, body: Buffer, mediaType: string): Promise<string> {
    const res = await this.expect("PUT", `/v2/${name}/manifests/${reference}`, `${name}|push`, [201], { "content-type": mediaType }, () => body);
    return res.headers["docker-content-digest"] ?? sha256(body);
  }

  async deleteManifest(name: string, digest: string): Promise<void> {
    await this.expect("DELETE", `/v2/${name}/manifests/${digest}`, `${name}|push`, [202]);
  }

  // ---- transport ----

  private async *pages(path: string, authKey: string): AsyncGenerator<unknown> {
    let next: string | undefined = new URL(path, this.origin).toString();
    while (next) {
      const u = new URL(next);
      const res = await this.expect("GET", u.pathname + u.search, authKey, [200]);
      yield JSON.parse(res.body.toString("utf8"));
      next = nextLink(res.headers["link"], next);
    }
  }

  /** Send with auth; throw a RegistryHttpError unless the status is one of `ok`. */
  async expect(method: string, path: string, authKey: string, ok: number[], headers: Record<string, string> = {}, body?: Body): Promise<Sent> {
    const res = await this.send(method, path, authKey, headers, body);
    if (!ok.includes(res.status)) {
      let errors: { code: string; message: string; detail?: unknown }[] = [];
      try {
        errors = (JSON.parse(res.body.toString("utf8")) as { errors?: typeof errors }).errors ?? [];
      } catch {
        // not the registry's JSON error format
      }
      throw new RegistryHttpError(method, `${this.origin}${path}`, res.status, errors);
    }
    return res;
  }

  private async send(method: string, path: string, authKey: string, headers: Record<string, string>, body?: Body): Promise<Sent> {
    const url = new URL(path, this.origin).toString();
    const cached = this.auth.get(authKey);
    let res = await this.raw(method, url, { ...headers, ...(cached ? { authorization: cached } : {}) }, body);
    if (res.status !== 401) return res;
    const challenge = res.headers["www-authenticate"];
    const auth = challenge ? await this.authorize(challenge, authKey) : undefined;
    if (!auth) return res;
    res = await this.raw(method, url, { ...headers, authorization: auth }, body);
    if (res.status < 300) this.auth.set(authKey, auth);
    return res;
  }

  /** The Authorization answering a challenge: Basic credentials, or a token from the realm. */
  private async authorize(header: string, authKey: string): Promise<string | undefined> {
    const { scheme, params } = parseChallenge(header);
    if (scheme === "basic") return this.basic;
    if (scheme !== "bearer" || !params["realm"]) return undefined;
    const realm = new URL(params["realm"]);
    if (params["service"]) realm.searchParams.set("service", params["service"]);
    // Ask for pull and push together when pushing: one token serves the whole push.
    const pushing = authKey.endsWith("|push");
    const scopes = (params["scope"] ?? "").split(" ").filter(Boolean);
    for (const s of scopes) realm.searchParams.append("scope", pushing && s.endsWith(":push") ? s.replace(/:push$/, ":pull,push") : s);
    const res = await this.raw("GET", realm.toString(), this.basic ? { authorization: this.basic } : {});
    if (res.status !== 200) throw new RegistryHttpError("GET", realm.toString().replace(/\?.*/, ""), res.status, []);
    const json = JSON.parse(res.body.toString("utf8")) as { token?: string; access_token?: string };
    const token = json.token ?? json.access_token;
    if (!token) throw new Error(`token endpoint ${realm.origin}${realm.pathname} returned no token`);
    const value = `Bearer ${token}`;
    if (pushing) this.auth.set(authKey.replace(/\|push$/, "|pull"), value);
    return value;
  }

  private async raw(method: string, url: string, headers: Record<string, string>, body?: Body): Promise<Sent> {
    const idempotent = method === "GET" || method === "HEAD";
    for (let attempt = 0; ; attempt++) {
      try {
        const payload = body?.();
        const res = await request(url, {
          method: method as Dispatcher.HttpMethod,
          dispatcher: this.dispatcher,
          headers: { "user-agent": USER_AGENT, ...headers, ...(payload ? { "content-length": String(payload.length) } : {}) },
          ...(payload ? { body: payload } : {}),
        });
        const data = Buffer.from(await res.body.arrayBuffer());
        if (idempotent && RETRYABLE_STATUS.has(res.statusCode) && attempt < this.retries) {
          await sleep(backoffDelay(attempt, DEFAULT_RETRY));
          continue;
        }
        return { status: res.statusCode, headers: flat(res.headers), body: data };
      } catch (err) {
        if (!idempotent || attempt >= this.retries || !isConnectionError(err)) throw err;
        await sleep(backoffDelay(attempt, DEFAULT_RETRY));
      }
    }
  }
}
