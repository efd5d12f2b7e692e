// A small registry v2 client for what kolla-build needs: read a tag's manifest digest back after a
// push, and push an OCI image layout through the API (blobs by monolithic upload, then the
// manifest) where no container engine exists. Registries that answer 401 with a
// `Bearer realm=…,service=…,scope=…` challenge (Pulp's /token/, Docker Hub) get a token from the
// realm with Basic credentials; `Basic` challenges get the credentials directly.
import { createHash } from "node:crypto";

export const MANIFEST_TYPES = [
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.docker.distribution.manifest.v2+json",
];

export interface RegistryAccess {
  /** `https://ark.example.com` (or http:// for an insecure registry). */
  url: string;
  username?: string | undefined;
  password?: string | undefined;
}

export class RegistryError extends Error {
  override name = "RegistryError";
}

function parseChallenge(header: string): { scheme: string; params: Record<string, string> } | undefined {
  const m = /^(\w+)\s*(.*)$/.exec(header.trim());
  if (!m) return undefined;
  const params: Record<string, string> = {};
  for (const p of m[2]!.matchAll(/(\w+)="([^"]*)"/g)) params[p[1]!] = p[2]!;
  return { scheme: m[1]!.toLowerCase(), params };
}

export const sha256Digest = (data: Uint8Array): string => `sha256:${createHash("sha256").update(data).digest("hex")}`;

export class RegistryClient {
  private readonly base: string;
  private readonly basic: string | undefined;
  /** Tokens by scope: one token request per repository and access. */
  private readonly tokens = new Map<string, string>();

  constructor(access: RegistryAccess) {
    this.base = access.url.replace(/\/+$/, "");
    this.basic = access.username !== undefined ? `Basic ${Buffer.from(`${access.username}:${access.password ?? ""}`).toString("base64")}` : undefined;
  }

  /** A request to `/v2/…` (or an absolute upload URL), authorizing when challenged. */
  async request(method: string, path: string, init: { scope: string; headers?: Record<string, string>; body?: Uint8Array } ): Promise<Response> {
    const url = /^https?:/.test(path) ? path : `${this.base}${path}`;
    const send = (authorization?: string) =>
      fetch(url, { method, headers: { ...init.headers, ...(authorization ? { authorization } : {}) }, ...(init.body ? { body: init.body } : {}), redirect: "follow" });
    const cached = this.tokens.get(init.scope);
    let response = await send(cached ? `Bearer ${cached}` : undefined);
    if (response.status !== 401) return response;
    const challenge = parseChallenge(response.headers.get("www-authenticate") ?? "");
    await response.body?.cancel();
    if (challenge?.scheme === "bearer" && challenge.params["realm"]) {
      const token = await this.token(challenge.params, init.scope);
      response = await send(`Bearer ${token}`);
    } else if (this.basic) {
      response = await send(this.basic);
    }
    return response;
  }

  private async token(params: Record<string, string>, scope: string): Promise<string> {
    const url = new URL(params["realm"]!);
    if (params["service"]) url.searchParams.set("service", params["service"]);
    url.searchParams.set("scope", params["scope"] ?? scope);
    const response = await fetch(url, { headers: this.basic ? { authorization: this.basic } : {} });
    if (!response.ok) throw new RegistryError(`token request (${url.searchParams.get("scope")}) failed: HTTP ${response.status}`);
    const body = (await response.json()) as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
    if (!token) throw new RegistryError("token response has no token");
    this.tokens.set(scope, token);
    return token;
  }

  /** The digest the registry serves for `<repository>:<tag>` (repository includes the namespace). */
  async manifestDigest(repository: string, tag: string): Promise<string> {
    const response = await this.request("HEAD", `/v2/${repository}/manifests/${encodeURIComponent(tag)}`, {
      scope: `repository:${repository}:pull`,
      headers: { accept: MANIFEST_TYPES.join(", ") },
    });
    if (!response.ok) throw new RegistryError(`HEAD ${repository}:${tag}: HTTP ${response.status}`);
    const digest = response.headers.get("docker-content-digest");
    if (!digest) throw new RegistryError(`HEAD ${repository}:${tag}: no Docker-Content-Digest header`);
    return digest;
  }

  async hasBlob(repository: string, digest: string): Promise<boolean> {
    const response = await this.request("HEAD", `/v2/${repository}/blobs/${digest}`, { scope: `repository:${repository}:pull,push` });
    return response.ok;
  }

  /** Monolithic upload: POST opens the session, PUT `?digest=` closes it with the bytes. */
  async pushBlob(repository: string, digest: string, data: Uint8Array): Promise<void> {
    if (await this.hasBlob(repository, digest)) return;
    const scope = `repository:${repository}:pull,push`;
    const opened = await this.request("POST", `/v2/${repository}/blobs/uploads/`, { scope });
    await opened.body?.cancel();
    const location = opened.headers.get("location");
    if (opened.status !== 202 || !location) throw new RegistryError(`POST ${repository} blob upload: HTTP ${opened.status}`);
    const upload = new URL(location, `${this.base}/`);
    upload.searchParams.set("digest", digest);
    const closed = await this.request("PUT", upload.href, { scope, headers: { "content-type": "application/octet-stream" }, body: data });
    await closed.body?.cancel();
    if (closed.status !== 201) throw new RegistryError(`PUT ${repository} blob ${digest}: HTTP ${closed.status}`);
  }

  /** PUT the manifest under `reference` (tag or digest); returns the digest the registry reports. */
  async pushManifest(repository: string, reference: string, mediaType: string, data: Uint8Array): Promise<string> {
    const response = await this.request("PUT", `/v2/${repository}/manifests/${encodeURIComponent(reference)}`, {
      scope: `repository:${repository}:pull,push`,
      headers: { "content-type": mediaType },
      body: data,
    });
    const text = await response.text();
    if (response.status !== 201) throw new RegistryError(`PUT ${repository}:${reference} manifest: HTTP ${response.status} ${text.slice(0, 300)}`);
    return response.headers.get("docker-content-digest") ?? sha256Digest(data);
  }
}

export function manifestDigest(access: RegistryAccess, repository: string, tag: string): Promise<string> {
  return new RegistryClient(access).manifestDigest(repository, tag);
}
