/**
 * Container sync from an upstream OCI/Docker registry v2, after pulp_container's sync pipeline
 * (`app/tasks/sync_stages.py`): list tags (following `Link` pagination), keep those matching
 * `include_tags` and not `exclude_tags`, fetch each tag's manifest (and, for a manifest list or
 * OCI index, every listed manifest by digest), and for `immediate` the config and layer blobs.
 * Manifests are stored as artifacts whatever the policy (on_demand = "only tags and manifests are
 * downloaded"); blobs become units either way. Every download is verified against its digest.
 */
import { createHash } from "node:crypto";
import { nextLink } from "@release-train/pulp-client/registry";
import { createRegistryClient, type RegistryClient } from "./registry-client";
import { downloadLimit } from "./upstream";
import type { ArtifactStore, RemoteConfig } from "./types";

export { nextLink };

export const MEDIA_TYPES = {
  manifestV2: "application/vnd.docker.distribution.manifest.v2+json",
  manifestList: "application/vnd.docker.distribution.manifest.list.v2+json",
  ociManifest: "application/vnd.oci.image.manifest.v1+json",
  ociIndex: "application/vnd.oci.image.index.v1+json",
} as const;

const ACCEPT = [MEDIA_TYPES.manifestList, MEDIA_TYPES.ociIndex, MEDIA_TYPES.manifestV2, MEDIA_TYPES.ociManifest];
const LIST_TYPES = new Set<string>([MEDIA_TYPES.manifestList, MEDIA_TYPES.ociIndex]);
/** Layers hosted elsewhere (Windows base layers): Pulp records them but never downloads them. */
const FOREIGN_LAYER = /foreign|nondistributable/;

export interface ContainerRemoteConfig extends RemoteConfig {
  upstream_name: string;
  include_tags?: string[] | null;
  exclude_tags?: string[] | null;
}

export interface SyncedBlob {
  digest: string;
  media_type: string;
  size: number;
  /** In the ArtifactStore (immediate policy). */
  downloaded: boolean;
}

export interface SyncedManifest {
  digest: string;
  media_type: string;
  schema_version: number;
  /** Layer digests. */
  blobs: string[];
  config_blob: string | null;
  /** Digests of the manifests a list/index names. */
  listed_manifests: string[];
}

export interface ContainerSyncResult {
  /** Tag name → manifest digest, for every upstream tag that passed the filters. */
  tags: { name: string; manifest: string }[];
  manifests: SyncedManifest[];
  blobs: SyncedBlob[];
}

export interface ContainerSyncProgress {
  message: string;
  code: string;
  done: number;
  total?: number | null;
}

export interface ContainerSyncOptions {
  artifacts: ArtifactStore;
  /** Download blobs (immediate); false = tags and manifests only (on_demand, streamed). */
  download: boolean;
  signal?: AbortSignal;
  onProgress?: (p: ContainerSyncProgress) => void;
  /** Test seam: a client other than the remote's own. */
  client?: RegistryClient;
}

/** pulp_container's include/exclude patterns: `*` and `?` wildcards over the whole tag (fnmatch). */
export function tagPattern(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${body}$`, "s");
}

/** Tags kept by a remote's filters: include first (empty/null = all), then exclude. */
export function filterTags(tags: string[], include?: string[] | null, exclude?: string[] | null): string[] {
  const inc = (include ?? []).map(tagPattern);
  const exc = (exclude ?? []).map(tagPattern);
  return tags.filter((t) => (inc.length === 0 || inc.some((p) => p.test(t))) && !exc.some((p) => p.test(t)));
}

const sha256Hex = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");
const hexOf = (digest: string) => {
  const m = /^sha256:([0-9a-f]{64})$/.exec(digest);
  if (!m) throw new Error(`unsupported digest ${JSON.stringify(digest)} (only sha256)`);
  return m[1]!;
};

interface ManifestDoc {
  schemaVersion?: number;
  mediaType?: string;
  config?: { digest: string; mediaType?: string; size?: number };
  layers?: { digest: string; mediaType?: string; size?: number }[];
  manifests?: { digest: string; mediaType?: string }[];
}

export async function syncContainer(remote: ContainerRemoteConfig, options: ContainerSyncOptions): Promise<ContainerSyncResult> {
  const client = options.client ?? createRegistryClient(remote);
  const { signal, artifacts } = options;
  const progress = options.onProgress ?? (() => {});
  const name = remote.upstream_name;
  // Pulp joins `/v2/…` to the remote URL as an absolute path (the URL's own path is dropped).
  const endpoint = (path: string) => new URL(`/v2/${name}/${path}`, remote.url).toString();
  const limit = downloadLimit(remote);

  try {
    // 1. Tag list, page by page.
    const upstreamTags: string[] = [];
    let page: string | undefined = endpoint("tags/list");
    while (page) {
      const res = await client.get(page, { signal });
      const body = JSON.parse(Buffer.from(await res.body.arrayBuffer()).toString("utf8")) as { tags?: string[] | null };
      upstreamTags.push(...(body.tags ?? []));
      page = nextLink(res.headers["link"], page);
    }
    progress({ message: "Downloading tag list", code: "sync.downloading.tag_list", done: 1, total: 1 });
    const tags = filterTags([...new Set(upstreamTags)], remote.include_tags, remote.exclude_tags);

    // 2. Manifests: by tag, then listed manifests by digest.
    const manifests = new Map<string, SyncedManifest>();
    const blobs = new Map<string, { media_type: string; size: number }>();
    const fetchManifest = async (reference: string): Promise<SyncedManifest> => {
      const res = await client.get(endpoint(`manifests/${reference}`), { accept: ACCEPT, signal });
      const data = Buffer.from(await res.body.arrayBuffer());
      const digest = `sha256:${sha256Hex(data)}`;
      const claimed = reference.startsWith("sha256:") ? reference : res.headers["docker-content-digest"];
      if (claimed && claimed !== digest) throw new Error(`manifest ${name}:${reference}: digest ${digest} does not match ${claimed}`);
      const doc = JSON.parse(data.toString("utf8")) as ManifestDoc;
      const contentType = res.headers["content-type"]?.split(";")[0]?.trim();
      const mediaType = doc.mediaType ?? contentType ?? MEDIA_TYPES.manifestV2;
      if (doc.schemaVersion !== 2) throw new Error(`manifest ${name}:${reference}: schema version ${doc.schemaVersion} is not supported`);
      await artifacts.put(data, hexOf(digest));
      const m: SyncedManifest = {
        digest,
        media_type: mediaType,
        schema_version: 2,
        blobs: [],
        config_blob: null,
        listed_manifests: [],
      };
      if (LIST_TYPES.has(mediaType) || doc.manifests) {
        m.listed_manifests = (doc.manifests ?? []).map((d) => d.digest);
      } else {
        if (doc.config) {
          m.config_blob = doc.config.digest;
          blobs.set(doc.config.digest, { media_type: doc.config.mediaType ?? "", size: doc.config.size ?? 0 });
        }
        for (const layer of doc.layers ?? []) {
          m.blobs.push(layer.digest);
          blobs.set(layer.digest, { media_type: layer.mediaType ?? "", size: layer.size ?? 0 });
        }
      }
      manifests.set(digest, m);
      return m;
    };
    const tagged: { name: string; manifest: string }[] = [];
    let processed = 0;
    await Promise.all(
      tags.map((tag) =>
        limit(async () => {
          const m = await fetchManifest(tag);
          for (const listed of m.listed_manifests) if (!manifests.has(listed)) await fetchManifest(listed);
          tagged.push({ name: tag, manifest: m.digest });
          processed++;
        }),
      ),
    );
    progress({ message: "Processing Tags", code: "sync.processing.tag", done: processed, total: tags.length });

    // 3. Blobs (immediate): streamed into the store, verified by the store against the digest.
    let downloaded = 0;
    const synced: SyncedBlob[] = [];
    await Promise.all(
      [...blobs].map(([digest, info]) =>
        limit(async () => {
          const hex = hexOf(digest);
          let have = artifacts.has(hex);
          if (options.download && !have && !FOREIGN_LAYER.test(info.media_type)) {
            const res = await client.get(endpoint(`blobs/${digest}`), { signal });
            await artifacts.put(res.body, hex);
            have = true;
            downloaded++;
          }
          synced.push({ digest, media_type: info.media_type, size: info.size, downloaded: have });
        }),
      ),
    );
    progress({ message: "Downloading Artifacts", code: "sync.downloading.artifacts", done: downloaded, total: null });

    const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
    return {
      tags: tagged.sort(byName),
      manifests: [...manifests.values()].sort((a, b) => (a.digest < b.digest ? -1 : 1)),
      blobs: synced.sort((a, b) => (a.digest < b.digest ? -1 : 1)),
    };
  } finally {
    if (!options.client) await client.close();
  }
}
