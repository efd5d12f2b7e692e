// Which tag kayobe-config deploys for an image on a distro: the resolution `tools/kolla-images.py
// list-tags` does (and today's promotion runs). An image runs in one or more kolla-ansible
// containers; each container's tag is `<container>_tag`, which defaults along a hierarchy of tag
// variables: its own key in kolla_image_tags → an exception's parent variable → the longest key
// that is a prefix of its name and pins that distro → `openstack`.
import type { KollaTables } from "./tables";

/** `kolla_image_tags` of etc/kayobe/kolla-image-tags.yml: prefix → distro → tag (YAML order kept). */
export type KollaImageTags = Record<string, Record<string, string>>;

export class TagResolutionError extends Error {
  override name = "TagResolutionError";
}

export function containersOf(image: string, tables: KollaTables): string[] {
  return tables.imageToContainers[image] ?? [image.replaceAll("-", "_")];
}

const pins = (tags: KollaImageTags, key: string, distro: string | undefined) =>
  distro === undefined || Object.hasOwn(tags[key] ?? {}, distro);

/** The parent tag variable of a container (`get_parent_tag_name`); `distro` undefined = any. */
export function parentTagName(tags: KollaImageTags, distro: string | undefined, container: string, tables: KollaTables): string {
  let prefixVar = container;
  const exception = tables.containerToPrefixVar[container];
  if (exception !== undefined) {
    if (Object.hasOwn(tags, exception) && pins(tags, exception, distro)) return exception;
    // The exception's variable does not pin this distro: fall back along *its* prefixes.
    prefixVar = exception;
  }
  // The script sorts all keys by (openstack 0, prefix match -len, else 1) and takes the first;
  // its sort is stable, so among equal ranks the first key in file order wins.
  const rank = (key: string) => {
    if (key === "openstack") return 0;
    if (key !== prefixVar && prefixVar.startsWith(key) && pins(tags, key, distro)) return -key.length;
    return 1;
  };
  let best: string | undefined;
  let bestRank = Number.POSITIVE_INFINITY;
  for (const key of Object.keys(tags)) {
    const r = rank(key);
    if (r < bestRank) {
      best = key;
      bestRank = r;
    }
  }
  if (best === undefined) throw new TagResolutionError("kolla_image_tags is empty");
  return best;
}

/** The tag a container deploys on a distro (`get_tag`). */
export function tagOf(tags: KollaImageTags, distro: string, container: string, tables: KollaTables): string {
  const own = tags[container]?.[distro];
  if (own) return own;
  const parent = parentTagName(tags, distro, container, tables);
  const tag = tags[parent]?.[distro];
  if (!tag) throw new TagResolutionError(`no tag for container ${container} on ${distro}: ${parent} (its parent tag variable) does not pin ${distro}`);
  return tag;
}

export interface ImageResolution {
  /** distro → the distinct tags its containers deploy, in container order (usually one). */
  byDistro: Record<string, string[]>;
  /** Every distinct tag over all distros, in distro order (what list-tags prints). */
  tags: string[];
}

export interface ResolveInput {
  images: readonly string[];
  distros: readonly string[];
  tags: KollaImageTags;
  tables: KollaTables;
  /** distro → images not built for it (kayobe-config's stackhpc_kolla_unbuildable_images). */
  unbuildable?: Record<string, readonly string[]> | undefined;
}

/** Resolution of every image on every distro; unbuildable (image, distro) pairs are left out. */
export function resolveImageTags(input: ResolveInput): Record<string, ImageResolution> {
  const out: Record<string, ImageResolution> = {};
  for (const distro of input.distros) {
    const skip = new Set(input.unbuildable?.[distro] ?? []);
    for (const image of input.images) {
      if (skip.has(image)) continue;
      const entry = out[image] ?? { byDistro: {}, tags: [] };
      out[image] = entry;
      const forDistro = entry.byDistro[distro] ?? [];
      entry.byDistro[distro] = forDistro;
      for (const container of containersOf(image, input.tables)) {
        const tag = tagOf(input.tags, distro, container, input.tables);
        if (!forDistro.includes(tag)) forDistro.push(tag);
        if (!entry.tags.includes(tag)) entry.tags.push(tag);
      }
    }
  }
  // Images in input order (the loop above is distro-major, as the script's).
  const ordered: Record<string, ImageResolution> = {};
  for (const image of input.images) if (out[image]) ordered[image] = out[image];
  return ordered;
}
