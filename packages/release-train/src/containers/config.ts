// The Kolla image configuration, read unchanged from the release train's `kolla` vars file:
// kolla_container_images, kolla_unbuildable_images (old scheme per distro, new scheme),
// default_kolla_base_distros / kolla_base_distros_override, sync_old_images, sync_new_images.
// Every problem is reported at once with file, YAML path and line (ConfigError), before any write.
import { stat } from "node:fs/promises";
import { isMap, isPair, isScalar } from "yaml";
import { ConfigError, type ConfigProblem, sortProblems } from "../config/errors";
import { readVarsFiles, type VarsFile } from "../config/vars-files";
import { formatYamlPath, locate, type PathSegment } from "../config/yaml-path";
import { compileFilter } from "../selection";

/** distribution's repository-name component grammar: what a registry path segment may be. */
const IMAGE_NAME = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;

export interface KollaConfig {
  images: string[];
  unbuildable: { old_scheme: Record<string, string[]>; new_scheme: string[] };
  defaultDistros: string[];
  /** Whitespace-separated distros; "" = the defaults. */
  distrosOverride: string;
  syncOldImages: boolean;
  syncNewImages: boolean;
}

/** One container image repository name and how it was derived. */
export interface ImageRepo {
  /** Repository name within a namespace: `<distro>-source-<image>` (old scheme) or `<image>`. */
  name: string;
  image: string;
  scheme: "old" | "new";
  distro?: string;
}

export interface ImageSelection {
  /** Whitespace-separated regexes, OR-ed, searched in the Kolla image names. */
  filter?: string | undefined;
  /** Whitespace-separated distros (default: kolla_base_distros). */
  distros?: string | undefined;
  syncOldImages?: boolean | undefined;
  syncNewImages?: boolean | undefined;
}

const VARS = [
  "kolla_container_images",
  "kolla_unbuildable_images",
  "default_kolla_base_distros",
  "kolla_base_distros_override",
  "sync_old_images",
  "sync_new_images",
] as const;

/** Ansible's `bool` filter on the values these files use. */
function asBool(value: unknown): boolean | undefined {
  if (typeof value === "boolean") return value;
  if (typeof value === "string" && /^(true|yes|on|1)$/i.test(value.trim())) return true;
  if (typeof value === "string" && /^(false|no|off|0)$/i.test(value.trim())) return false;
  return undefined;
}

export async function loadKollaConfig(dir: string): Promise<KollaConfig> {
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new ConfigError(dir, [{ file: "", path: "", line: 1, column: 1, message: `configuration directory ${JSON.stringify(dir)} does not exist or is not a directory` }]);
  }
  const { files, problems } = await readVarsFiles(dir);
  const owners: Record<string, VarsFile> = {};
  const values: Record<string, unknown> = {};
  for (const file of files) {
    if (file.doc.errors.length > 0 || !isMap(file.doc.contents)) continue;
    const js = file.doc.toJS({ maxAliasCount: 1000 }) as Record<string, unknown>;
    for (const pair of file.doc.contents.items) {
      if (!isPair(pair) || !isScalar(pair.key)) continue;
      const name = String(pair.key.value);
      if (!(VARS as readonly string[]).includes(name)) continue;
      owners[name] = file;
      values[name] = js[name];
    }
  }
  const at = (path: PathSegment[], message: string): ConfigProblem => {
    const file = owners[String(path[0])];
    if (!file) return { file: "", path: formatYamlPath(path), line: 1, column: 1, message };
    const { line, column } = locate(file.doc, file.lineCounter, path);
    return { file: file.file, path: formatYamlPath(path), line, column, message };
  };
  const unreadable = problems.length > 0;
  const required = (name: (typeof VARS)[number]) => {
    if (owners[name] || unreadable) return true;
    problems.push(at([name], `"${name}" is not defined in any file`));
    return false;
  };
  /** Valid names with their index in the file's list (invalid ones are reported). */
  const indexedNames = (path: PathSegment[], value: unknown, what: string): [string, number][] => {
    if (!Array.isArray(value)) {
      problems.push(at(path, `must be a list of ${what}s, got ${value === null ? "null" : typeof value}`));
      return [];
    }
    const out: [string, number][] = [];
    value.forEach((v, i) => {
      if (typeof v !== "string" || !IMAGE_NAME.test(v)) problems.push(at([...path, i], `must be ${/^[aeiou]/.test(what) ? "an" : "a"} ${what} (a lower-case registry name), got ${JSON.stringify(v)}`));
      else out.push([v, i]);
    });
    return out;
  };
  const nameList = (path: PathSegment[], value: unknown, what: string): string[] => indexedNames(path, value, what).map(([v]) => v);

  const config: KollaConfig = { images: [], unbuildable: { old_scheme: {}, new_scheme: [] }, defaultDistros: [], distrosOverride: "", syncOldImages: true, syncNewImages: true };
  if (required("kolla_container_images")) {
    const seen = new Map<string, number>();
    for (const [image, i] of indexedNames(["kolla_container_images"], values["kolla_container_images"], "image name")) {
      const first = seen.get(image);
      if (first !== undefined) problems.push(at(["kolla_container_images", i], `duplicate image "${image}" (also at index ${first})`));
      else {
        seen.set(image, i);
        config.images.push(image);
      }
    }
  }
  if (required("default_kolla_base_distros")) config.defaultDistros = nameList(["default_kolla_base_distros"], values["default_kolla_base_distros"], "distro name");
  if (owners["kolla_base_distros_override"]) {
    const v = values["kolla_base_distros_override"];
    if (typeof v !== "string" && v !== null) problems.push(at(["kolla_base_distros_override"], "must be a string of space-separated distros"));
    else config.distrosOverride = v ?? "";
  }
  for (const name of ["sync_old_images", "sync_new_images"] as const) {
    if (!owners[name]) continue;
    const b = asBool(values[name]);
    if (b === undefined) problems.push(at([name], `must be true or false, got ${JSON.stringify(values[name])}`));
    else config[name === "sync_old_images" ? "syncOldImages" : "syncNewImages"] = b;
  }
  if (required("kolla_unbuildable_images")) {
    const u = values["kolla_unbuildable_images"];
    if (!u || typeof u !== "object" || Array.isArray(u)) problems.push(at(["kolla_unbuildable_images"], "must be a mapping with old_scheme and new_scheme"));
    else {
      const map = u as Record<string, unknown>;
      for (const key of Object.keys(map)) {
        if (key !== "old_scheme" && key !== "new_scheme") problems.push(at(["kolla_unbuildable_images", key], `unknown key "${key}" (known: old_scheme, new_scheme)`));
      }
      if (map["new_scheme"] !== undefined) config.unbuildable.new_scheme = nameList(["kolla_unbuildable_images", "new_scheme"], map["new_scheme"] ?? [], "image name");
      const old = map["old_scheme"];
      if (old !== undefined && (!old || typeof old !== "object" || Array.isArray(old))) {
        problems.push(at(["kolla_unbuildable_images", "old_scheme"], "must be a mapping of distro → image names"));
      } else if (old) {
        for (const [distro, list] of Object.entries(old as Record<string, unknown>)) {
          config.unbuildable.old_scheme[distro] = nameList(["kolla_unbuildable_images", "old_scheme", distro], list ?? [], "image name");
        }
      }
    }
  }
  if (problems.length > 0) throw new ConfigError(dir, sortProblems(problems));
  // Kept for problems found later (distros without an old_scheme entry): where to point.
  locations.set(config, { dir, at });
  return config;
}

const locations = new WeakMap<KollaConfig, { dir: string; at: (path: PathSegment[], message: string) => ConfigProblem }>();

export class ImageSelectionError extends Error {
  override name = "ImageSelectionError";
}

/** `kolla_base_distros`: the override split on whitespace, else the defaults. */
export function baseDistros(config: KollaConfig, distros?: string): string[] {
  const given = (distros ?? "").trim() || config.distrosOverride.trim();
  return given ? given.split(/\s+/) : config.defaultDistros;
}

/**
 * The image repositories of a run, as dev-pulp-containers derives them: old scheme
 * `<distro>-source-<image>` per base distro (unless unbuildable there), then new scheme `<image>`
 * (unless unbuildable), over the images matching the filter.
 */
export function selectImageRepos(config: KollaConfig, selection: ImageSelection = {}): ImageRepo[] {
  const patterns = compileFilter(selection.filter);
  const images = config.images.filter((i) => patterns.length === 0 || patterns.some((re) => re.test(i)));
  const out: ImageRepo[] = [];
  if (selection.syncOldImages ?? config.syncOldImages) {
    const distros = baseDistros(config, selection.distros);
    const missing = distros.filter((d) => !(d in config.unbuildable.old_scheme));
    if (missing.length) {
      const known = locations.get(config);
      const message = `no entry for base distro(s) ${missing.join(", ")} (needed to sync old-scheme images)`;
      if (known) throw new ConfigError(known.dir, [known.at(["kolla_unbuildable_images", "old_scheme"], message)]);
      throw new ImageSelectionError(`kolla_unbuildable_images.old_scheme has no entry for ${missing.join(", ")}`);
    }
    for (const distro of distros) {
      for (const image of images) {
        if (!config.unbuildable.old_scheme[distro]!.includes(image)) out.push({ name: `${distro}-source-${image}`, image, scheme: "old", distro });
      }
    }
  }
  if (selection.syncNewImages ?? config.syncNewImages) {
    for (const image of images) if (!config.unbuildable.new_scheme.includes(image)) out.push({ name: image, image, scheme: "new" });
  }
  return out;
}
