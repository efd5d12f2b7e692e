/**
 * What a registry path serves and where the bytes are: the distribution at that base path, its
 * repository's latest version (or pinned version), units in it by tag or digest, and artifacts —
 * fetched from the unit's remote on first use when a sync was `on_demand`.
 */
import { MEDIA_TYPES } from "../content/container-sync";
import { createRegistryClient } from "../content/registry-client";
import type { ApiContext } from "../api/context";
import type { ContainerUnit, ContentRecord, RepositoryVersion, Resource } from "../store/state";
import { nameUnknown } from "./errors";
import { distributionAt } from "./permissions";

export const LIST_TYPES = new Set<string>([MEDIA_TYPES.manifestList, MEDIA_TYPES.ociIndex]);
export const IMAGE_TYPES = new Set<string>([MEDIA_TYPES.manifestV2, MEDIA_TYPES.ociManifest]);

export interface Served {
  distribution: Resource;
  repository: Resource;
  version: RepositoryVersion;
}

/** `get_drv_pull`: the distribution at `path` and the version it serves, else NAME_UNKNOWN. */
export function servedAt(ctx: ApiContext, path: string): Served {
  const distribution = distributionAt(ctx, path);
  if (!distribution) throw nameUnknown(path);
  const repoHref = distribution.data["repository"];
  const versionHref = distribution.data["repository_version"];
  if (typeof repoHref === "string") {
    const repository = ctx.state.resources.get(repoHref);
    if (repository) return { distribution, repository, version: ctx.latestVersion(repository.href) };
  }
  if (typeof versionHref === "string") {
    const version = ctx.state.versions.get(versionHref);
    const repository = version ? ctx.state.resources.get(version.repository) : undefined;
    if (version && repository) return { distribution, repository, version };
  }
  throw nameUnknown(path);
}

export function unitAt(ctx: ApiContext, href: string): ContainerUnit | undefined {
  const u = ctx.state.content.get(href)?.unit;
  return u?.pulp_type.startsWith("container.") ? (u as ContainerUnit) : undefined;
}

/** The first record among `hrefs` of `type` whose digest (or tag name) is `key`. */
export function findUnit(ctx: ApiContext, hrefs: Iterable<string>, type: ContainerUnit["pulp_type"], key: string): ContentRecord | undefined {
  for (const h of hrefs) {
    const rec = ctx.state.content.get(h);
    const u = rec?.unit as ContainerUnit | undefined;
    if (!rec || u?.pulp_type !== type) continue;
    if ((type === "container.tag" ? u.name : u.digest) === key) return rec;
  }
  return undefined;
}

export const hexOf = (digest: string): string | undefined => /^sha256:([0-9a-f]{64})$/.exec(digest)?.[1];

/**
 * Make sure the artifact of a manifest or blob unit is stored, downloading it from the remote the
 * unit came from (on_demand sync) through that registry's own auth. False when impossible.
 */
export async function ensureArtifact(ctx: ApiContext, rec: ContentRecord): Promise<boolean> {
  const unit = rec.unit as ContainerUnit;
  const hex = hexOf(unit.digest ?? "");
  if (!hex) return false;
  if (ctx.artifacts.has(hex)) return true;
  const remote = rec.remote ? ctx.state.resources.get(rec.remote) : undefined;
  if (!remote || remote.typePath !== "container/container") return false;
  const config = ctx.remoteConfig(remote);
  const client = createRegistryClient(config);
  try {
    const kind = unit.pulp_type === "container.manifest" ? "manifests" : "blobs";
    const url = new URL(`/v2/${String(remote.data["upstream_name"])}/${kind}/${unit.digest}`, config.url).toString();
    const res = await client.get(url, kind === "manifests" ? { accept: [...LIST_TYPES, ...IMAGE_TYPES] } : {});
    await ctx.artifacts.put(res.body, hex);
    return true;
  } catch (err) {
    console.error(`pulp-emulator registry: on-demand fetch of ${unit.digest} failed: ${(err as Error).message}`);
    return false;
  } finally {
    await client.close();
  }
}
