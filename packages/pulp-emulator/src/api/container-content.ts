import { createHash } from "node:crypto";
import { type ContainerSyncResult, MEDIA_TYPES } from "../content/container-sync";
import type { ContainerUnit, Resource, RepositoryVersion } from "../store/state";
import type { ApiContext } from "./context";


export interface ImageSpec {
  tag: string;
  /** Manifest digest; derived from the tag and layers when absent. */
  digest?: string;
  mediaType?: string;
  /** Layer digests (`sha256:…`). */
  layers?: string[];
}

const sha = (text: string) => `sha256:${createHash("sha256").update(text).digest("hex")}`;

/** Content hrefs of a tag → manifest → blobs image, stored once per natural key. */
function storeImage(ctx: ApiContext, image: ImageSpec): { tag: string; manifest: string; blobs: string[] } {
  const layers = image.layers ?? [sha(`layer:${image.tag}`)];
  const blobs = layers.map((digest) => ctx.storeUnit({ pulp_type: "container.blob", natural_key: digest, digest }, null));
  const config = ctx.storeUnit({ pulp_type: "container.blob", natural_key: sha(`config:${layers.join()}`), digest: sha(`config:${layers.join()}`) }, null);
  const digest = image.digest ?? sha(`manifest:${layers.join()}`);
  const manifest = ctx.storeUnit(
    { pulp_type: "container.manifest", natural_key: digest, digest, media_type: image.mediaType ?? MEDIA_TYPES.manifestV2, blobs, config_blob: config, listed_manifests: [] },
    null,
  );
  const tag = tagUnit(ctx, image.tag, manifest);
  return { tag, manifest, blobs: [...blobs, config] };
}

/**
 * Store what a container sync found (blobs, then manifests, then tags, so references resolve) and
 * return the content hrefs, tags first. Units are keyed by digest (tags by name + manifest), so an
 * unchanged upstream maps onto the same hrefs and the sync creates no new version.
 */
export function storeSyncedContainer(ctx: ApiContext, result: ContainerSyncResult, remoteHref: string): { tags: string[]; all: string[] } {
  const hrefOf = new Map<string, string>();
  for (const b of result.blobs) {
    hrefOf.set(b.digest, ctx.storeUnit({ pulp_type: "container.blob", natural_key: b.digest, digest: b.digest, media_type: b.media_type }, remoteHref));
  }
  const manifestHref = (digest: string): string => {
    const known = hrefOf.get(digest);
    if (known) return known;
    const m = result.manifests.find((x) => x.digest === digest);
    if (!m) throw new Error(`sync result names an unknown manifest ${digest}`);
    const href = ctx.storeUnit(
      {
        pulp_type: "container.manifest",
        natural_key: m.digest,
        digest: m.digest,
        media_type: m.media_type,
        blobs: m.blobs.map((d) => hrefOf.get(d)!),
        config_blob: m.config_blob ? (hrefOf.get(m.config_blob) ?? null) : null,
        listed_manifests: m.listed_manifests.map(manifestHref),
      },
      remoteHref,
    );
    hrefOf.set(digest, href);
    return href;
  };
  for (const m of result.manifests) manifestHref(m.digest);
  const tags = result.tags.map((t) => tagUnit(ctx, t.name, manifestHref(t.manifest)));
  return { tags, all: [...tags, ...hrefOf.values()] };
}

export function tagUnit(ctx: ApiContext, name: string, manifestHref: string): string {
  const digest = (ctx.state.content.get(manifestHref)?.unit as ContainerUnit | undefined)?.digest ?? manifestHref;
  return ctx.storeUnit({ pulp_type: "container.tag", natural_key: `${name}|${digest}`, name, tagged_manifest: manifestHref }, null);
}

/**
 * Add an image to a container (or push) repository as a new version, as `docker push` would —
 * replacing a tag of the same name. For tests and the registry; not a Pulp API.
 */
export function pushImage(ctx: ApiContext, repo: Resource, image: ImageSpec): RepositoryVersion | null {
  const hrefs = storeImage(ctx, image);
  const latest = ctx.latestVersion(repo.href);
  const content = new Set([...latest.content].filter((h) => !isTagNamed(ctx, h, image.tag)));
  for (const h of [hrefs.tag, hrefs.manifest, ...hrefs.blobs]) content.add(h);
  return ctx.addVersion(repo, content, null);
}

export function isTagNamed(ctx: ApiContext, href: string, name: string): boolean {
  const u = ctx.state.content.get(href)?.unit as ContainerUnit | undefined;
  return u?.pulp_type === "container.tag" && u.name === name;
}

export function unitOf(ctx: ApiContext, href: string): ContainerUnit | undefined {
  const u = ctx.state.content.get(href)?.unit;
  return u?.pulp_type.startsWith("container.") ? (u as ContainerUnit) : undefined;
}

/** Everything a tag or manifest drags along (`recursive_add_content`). */
export function closure(ctx: ApiContext, hrefs: Iterable<string>): Set<string> {
  const out = new Set<string>();
  const visit = (href: string) => {
    if (out.has(href)) return;
    out.add(href);
    const u = unitOf(ctx, href);
    if (!u) return;
    if (u.pulp_type === "container.tag" && u.tagged_manifest) visit(u.tagged_manifest);
    if (u.pulp_type === "container.manifest") {
      for (const m of u.listed_manifests ?? []) visit(m);
      for (const b of u.blobs ?? []) visit(b);
      if (u.config_blob) visit(u.config_blob);
    }
  };
  for (const h of hrefs) visit(h);
  return out;
}
