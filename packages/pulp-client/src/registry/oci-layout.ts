/**
 * Push an OCI image layout (https://github.com/opencontainers/image-spec/blob/main/image-layout.md)
 * through `RegistryClient`: blobs first (skipped when present), then each image manifest of an
 * index by digest, then the tagged manifest or index — the order registries require.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { RegistryClient } from "./client";
import { MANIFEST_MEDIA_TYPES } from "./client";

const REF_NAME = "org.opencontainers.image.ref.name";

interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}

interface ManifestDoc {
  mediaType?: string;
  config?: Descriptor;
  layers?: Descriptor[];
  manifests?: Descriptor[];
}

export interface PushLayoutResult {
  /** Digest of what the tag names (manifest or index). */
  digest: string;
  mediaType: string;
  /** Blobs uploaded (not already present). */
  uploaded: number;
}

const blobPath = (dir: string, digest: string) => join(dir, "blobs", ...digest.split(":"));

/** The descriptor `tag` names in the layout's `index.json` (the only one when `tag` is absent). */
async function findTag(dir: string, tag: string | undefined): Promise<Descriptor> {
  const index = JSON.parse(await readFile(join(dir, "index.json"), "utf8")) as { manifests?: Descriptor[] };
  const entries = index.manifests ?? [];
  const hit = tag === undefined && entries.length === 1 ? entries[0] : entries.find((m) => m.annotations?.[REF_NAME] === tag);
  if (!hit) throw new Error(`${dir}: no image tagged ${JSON.stringify(tag)} in index.json`);
  return hit;
}

export async function pushOciLayout(
  client: RegistryClient,
  dir: string,
  name: string,
  options: { tag?: string; destTag?: string } = {},
): Promise<PushLayoutResult> {
  const top = await findTag(dir, options.tag);
  const destTag = options.destTag ?? options.tag;
  if (!destTag) throw new Error("pushOciLayout: a destination tag is required");
  let uploaded = 0;
  const pushImage = async (manifest: Descriptor, reference: string) => {
    const raw = await readFile(blobPath(dir, manifest.digest));
    const doc = JSON.parse(raw.toString("utf8")) as ManifestDoc;
    for (const blob of [...(doc.config ? [doc.config] : []), ...(doc.layers ?? [])]) {
      if ((await client.uploadBlob(name, blob.digest, await readFile(blobPath(dir, blob.digest)))) === "uploaded") uploaded++;
    }
    await client.putManifest(name, reference, raw, doc.mediaType ?? manifest.mediaType ?? MANIFEST_MEDIA_TYPES.ociManifest);
  };
  const raw = await readFile(blobPath(dir, top.digest));
  const doc = JSON.parse(raw.toString("utf8")) as ManifestDoc;
  const mediaType = doc.mediaType ?? top.mediaType;
  if (doc.manifests) {
    for (const m of doc.manifests) await pushImage(m, m.digest);
    await client.putManifest(name, destTag, raw, mediaType);
  } else {
    await pushImage(top, destTag);
  }
  return { digest: top.digest, mediaType, uploaded };
}
