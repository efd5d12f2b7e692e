// `release-train kolla-image-tags`: the tags a kayobe-config branch pins for every image of the
// release train's kolla_container_images — what container promotion will copy.
import { ConfigError } from "../../config/errors";
import type { ReleaseTrainConfig } from "../../config/types";
import { compileFilter } from "../../selection";
import { defaultDistros, type KayobeKollaPins, readKollaPins } from "./checkout";
import { type ImageResolution, resolveImageTags } from "./resolve";

export interface KollaImageTagsOptions {
  /** kayobe-config checkout. */
  checkout: string;
  config: ReleaseTrainConfig;
  /** Default: the distros the checkout's script supports, else those `openstack` pins. */
  distros?: string[] | undefined;
  /** Whitespace-separated regexes searched in image names (OR). */
  filter?: string | undefined;
}

export interface KollaImageTagsResult {
  distros: string[];
  /** image → its resolution (images not deployed by the branch, or filtered out, are absent). */
  images: Record<string, ImageResolution>;
  /** Images of kolla_container_images the branch's pulp.yml does not list (not promoted, as today). */
  notDeployed: string[];
  tablesSource: string;
  pins: KayobeKollaPins;
}

/** kolla_container_images of the release-train configuration, checked. */
export function kollaContainerImages(config: ReleaseTrainConfig): string[] {
  const value = config.variables["kolla_container_images"];
  const source = config.variableSources["kolla_container_images"];
  const at = source ?? { file: "kolla", path: "kolla_container_images", line: 1, column: 1 };
  if (value === undefined) {
    throw new ConfigError(config.dir, [{ ...at, path: "kolla_container_images", message: "variable kolla_container_images is not defined in the configuration" }]);
  }
  if (!Array.isArray(value) || !value.every((x) => typeof x === "string" && x !== "")) {
    throw new ConfigError(config.dir, [{ ...at, path: "kolla_container_images", message: "must be a list of image names" }]);
  }
  return value as string[];
}

export async function kollaImageTags(options: KollaImageTagsOptions): Promise<KollaImageTagsResult> {
  const patterns = compileFilter(options.filter);
  const all = kollaContainerImages(options.config);
  const pins = await readKollaPins(options.checkout);
  const distros = options.distros?.length ? options.distros : defaultDistros(pins);
  const unknown = pins.tables.supportedDistros ? distros.filter((d) => !pins.tables.supportedDistros?.includes(d)) : [];
  if (unknown.length) {
    throw new Error(`--distros: ${unknown.join(", ")} not supported by ${pins.tables.source} (${pins.tables.supportedDistros?.join(", ")})`);
  }
  const deployed = pins.images ? new Set(pins.images) : undefined;
  const selected = all.filter((image) => patterns.length === 0 || patterns.some((re) => re.test(image)));
  const images = selected.filter((image) => !deployed || deployed.has(image));
  return {
    distros,
    images: resolveImageTags({ images, distros, tags: pins.tags, tables: pins.tables, unbuildable: pins.unbuildable }),
    notDeployed: selected.filter((image) => deployed && !deployed.has(image)),
    tablesSource: pins.tables.source,
    pins,
  };
}

/** `{"<image>": {"<distro>": "<tag>"}}`; an image whose containers pin different tags on one distro gets an array. */
export function imageTagsJson(result: KollaImageTagsResult): Record<string, Record<string, string | string[]>> {
  const out: Record<string, Record<string, string | string[]>> = {};
  for (const [image, resolution] of Object.entries(result.images)) {
    out[image] = Object.fromEntries(Object.entries(resolution.byDistro).map(([d, tags]) => [d, tags.length === 1 ? (tags[0] as string) : tags]));
  }
  return out;
}
