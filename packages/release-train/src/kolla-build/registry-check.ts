// Reads a pushed tag's manifest digest back from the registry (HEAD /v2/<name>/manifests/<tag>),
// through the registry's token flow when it asks for one: a `Bearer realm=…,service=…,scope=…`
// challenge is answered at the realm with Basic credentials (Pulp's /token/, Docker Hub alike).

const MANIFEST_TYPES = [
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.docker.distribution.manifest.v2+json",
].join(", ");

export interface RegistryAccess {
  /** `https://ark.example.com` (or http:// for an insecure registry). */
  url: string;
  username?: string | undefined;
  password?: string | undefined;
}

function parseChallenge(header: string): Record<string, string> | undefined {
  const m = /^Bearer\s+(.*)$/i.exec(header.trim());
  if (!m) return undefined;
  const params: Record<string, string> = {};
  for (const p of m[1]!.matchAll(/(\w+)="([^"]*)"/g)) params[p[1]!] = p[2]!;
  return params;
}

export class RegistryCheckError extends Error {
  override name = "RegistryCheckError";
}

/** The digest the registry serves for `<repository>:<tag>` (repository includes the namespace). */
export async function manifestDigest(access: RegistryAccess, repository: string, tag: string): Promise<string> {
  const url = `${access.url.replace(/\/+$/, "")}/v2/${repository}/manifests/${encodeURIComponent(tag)}`;
  const basic =
    access.username !== undefined ? `Basic ${Buffer.from(`${access.username}:${access.password ?? ""}`).toString("base64")}` : undefined;
  const head = (authorization?: string) =>
    fetch(url, { method: "HEAD", headers: { accept: MANIFEST_TYPES, ...(authorization ? { authorization } : {}) } });
  let response = await head();
  if (response.status === 401) {
    const challenge = parseChallenge(response.headers.get("www-authenticate") ?? "");
    if (challenge?.["realm"]) {
      const tokenUrl = new URL(challenge["realm"]);
      if (challenge["service"]) tokenUrl.searchParams.set("service", challenge["service"]);
      tokenUrl.searchParams.set("scope", challenge["scope"] ?? `repository:${repository}:pull`);
      const tokenResponse = await fetch(tokenUrl, { headers: basic ? { authorization: basic } : {} });
      if (!tokenResponse.ok) throw new RegistryCheckError(`token request for ${repository} failed: HTTP ${tokenResponse.status}`);
      const body = (await tokenResponse.json()) as { token?: string; access_token?: string };
      const token = body.token ?? body.access_token;
      if (!token) throw new RegistryCheckError(`token response for ${repository} has no token`);
      response = await head(`Bearer ${token}`);
    } else if (basic) {
      response = await head(basic);
    }
  }
  if (!response.ok) throw new RegistryCheckError(`HEAD ${repository}:${tag}: HTTP ${response.status}`);
  const digest = response.headers.get("docker-content-digest");
  if (!digest) throw new RegistryCheckError(`HEAD ${repository}:${tag}: no Docker-Content-Digest header`);
  return digest;
}
