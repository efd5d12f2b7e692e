// What a kayobe-config checkout pins for containers: etc/kayobe/kolla-image-tags.yml, validated as
// tools/kolla-images.py validates it (before anything is promoted), the image list and unbuildable
// images of etc/kayobe/pulp.yml when present, and the script's own tables when present.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { isMap, LineCounter, parseDocument } from "yaml";
import { type ConfigProblem, ConfigError } from "../../config/errors";
import { locate, type PathSegment } from "../../config/yaml-path";
import { KOLLA_IMAGE_TAGS_FILE } from "../../kolla-build/image-tags-file";
import type { KollaImageTags } from "./resolve";
import { BUILT_IN_TABLES, type KollaTables, tablesFromCheckout } from "./tables";

export const PULP_YML_FILE = "etc/kayobe/pulp.yml";

export interface KayobeKollaPins {
  tags: KollaImageTags;
  tables: KollaTables;
  /** stackhpc_pulp_images_kolla: the images this branch deploys (undefined without pulp.yml). */
  images?: string[] | undefined;
  /** stackhpc_kolla_unbuildable_images: distro → images. */
  unbuildable?: Record<string, string[]> | undefined;
  /** The OpenStack release from .gitreview (undefined without it). */
  release?: string | undefined;
}

interface ParsedFile {
  value: unknown;
  at(path: PathSegment[]): { line: number; column: number };
}

async function readYaml(checkout: string, file: string, problems: ConfigProblem[], optional: boolean): Promise<ParsedFile | undefined> {
  let text: string;
  try {
    text = await readFile(join(checkout, file), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    if (!optional) problems.push({ file, path: "", line: 1, column: 1, message: "file not found in the kayobe-config checkout" });
    return undefined;
  }
  const lineCounter = new LineCounter();
  // Ansible reads these files as YAML 1.1; Jinja strings stay strings.
  const doc = parseDocument(text, { lineCounter, version: "1.1", prettyErrors: false, uniqueKeys: false });
  if (doc.errors.length) {
    for (const e of doc.errors) {
      const { line, col } = lineCounter.linePos(e.pos[0]);
      problems.push({ file, path: "", line, column: col, message: e.message.split("\n")[0] ?? e.message });
    }
    return undefined;
  }
  if (doc.contents !== null && !isMap(doc.contents)) {
    problems.push({ file, path: "", line: 1, column: 1, message: "is not a mapping of variables" });
    return undefined;
  }
  return { value: doc.toJS() ?? {}, at: (path) => locate(doc, lineCounter, path) };
}

const TAG_VAR = /^[a-z0-9_]+$/;

export async function readKollaPins(checkout: string): Promise<KayobeKollaPins> {
  const problems: ConfigProblem[] = [];
  const problem = (parsed: ParsedFile, file: string, path: PathSegment[], message: string) => {
    const { line, column } = parsed.at(path);
    const shown = path.map((s) => (typeof s === "number" ? `[${s}]` : s)).join(".").replaceAll(".[", "[");
    problems.push({ file, path: shown, line, column, message });
  };
  const [tagsFile, pulpFile, tables, release] = await Promise.all([
    readYaml(checkout, KOLLA_IMAGE_TAGS_FILE, problems, false),
    readYaml(checkout, PULP_YML_FILE, problems, true),
    tablesFromCheckout(checkout),
    readRelease(checkout),
  ]);
  const effective = tables ?? BUILT_IN_TABLES;

  const tags: KollaImageTags = {};
  if (tagsFile) {
    const raw = (tagsFile.value as Record<string, unknown>)["kolla_image_tags"];
    if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
      problem(tagsFile, KOLLA_IMAGE_TAGS_FILE, ["kolla_image_tags"], raw === undefined ? "variable kolla_image_tags is not defined" : "must be a mapping of tag variable prefixes");
    } else {
      if (!Object.hasOwn(raw, "openstack")) problem(tagsFile, KOLLA_IMAGE_TAGS_FILE, ["kolla_image_tags"], "missing the default openstack tag");
      const tagRe = release ? new RegExp(`^${release.replaceAll(".", "\\.")}-(.+)-\\d{8}T\\d{6}$`) : undefined;
      for (const [key, distros] of Object.entries(raw as Record<string, unknown>)) {
        if (!TAG_VAR.test(key)) problem(tagsFile, KOLLA_IMAGE_TAGS_FILE, ["kolla_image_tags", key], `key ${key} does not match ${TAG_VAR.source}`);
        if (distros === null || typeof distros !== "object" || Array.isArray(distros)) {
          problem(tagsFile, KOLLA_IMAGE_TAGS_FILE, ["kolla_image_tags", key], "must be a mapping of distro → tag");
          continue;
        }
        const entry: Record<string, string> = {};
        for (const [distro, tag] of Object.entries(distros as Record<string, unknown>)) {
          const path = ["kolla_image_tags", key, distro];
          if (effective.supportedDistros && !effective.supportedDistros.includes(distro)) {
            problem(tagsFile, KOLLA_IMAGE_TAGS_FILE, path, `base distro ${distro} not supported (${effective.source} supports ${effective.supportedDistros.join(", ")})`);
            continue;
          }
          if (typeof tag !== "string" || tag === "") {
            problem(tagsFile, KOLLA_IMAGE_TAGS_FILE, path, "tag must be a non-empty string");
            continue;
          }
          const m = tagRe?.exec(tag);
          if (tagRe && (!m || m[1] !== distro)) {
            problem(tagsFile, KOLLA_IMAGE_TAGS_FILE, path, `tag ${tag} does not match ${release}-${distro}-YYYYMMDDTHHMMSS`);
            continue;
          }
          entry[distro] = tag;
        }
        tags[key] = entry;
      }
    }
  }

  let images: string[] | undefined;
  let unbuildable: Record<string, string[]> | undefined;
  if (pulpFile) {
    const vars = pulpFile.value as Record<string, unknown>;
    const list = vars["stackhpc_pulp_images_kolla"];
    if (list !== undefined) {
      if (Array.isArray(list) && list.every((x) => typeof x === "string")) images = list;
      else problem(pulpFile, PULP_YML_FILE, ["stackhpc_pulp_images_kolla"], "must be a list of image names");
    }
    const unb = vars["stackhpc_kolla_unbuildable_images"];
    if (unb !== undefined) {
      if (unb !== null && typeof unb === "object" && !Array.isArray(unb)) {
        unbuildable = {};
        for (const [distro, names] of Object.entries(unb as Record<string, unknown>)) {
          if (Array.isArray(names) && names.every((x) => typeof x === "string")) unbuildable[distro] = names;
          else if (names !== null) problem(pulpFile, PULP_YML_FILE, ["stackhpc_kolla_unbuildable_images", distro], "must be a list of image names");
        }
      } else problem(pulpFile, PULP_YML_FILE, ["stackhpc_kolla_unbuildable_images"], "must be a mapping of distro → images");
    }
  }
  if (problems.length) throw new ConfigError(checkout, problems);
  return { tags, tables: effective, images, unbuildable, release };
}

/** `defaultbranch=stable/<release>` (or unmaintained/) of .gitreview, as the script reads it. */
async function readRelease(checkout: string): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(join(checkout, ".gitreview"), "utf8");
  } catch {
    return undefined;
  }
  for (const line of text.split("\n")) {
    const [key, value] = line.split("=");
    if (key?.trim() !== "defaultbranch" || value === undefined) continue;
    for (const prefix of ["stable/", "unmaintained/"]) if (value.trim().startsWith(prefix)) return value.trim().slice(prefix.length);
  }
  return undefined;
}

/** The distros to resolve by default: those the script supports, else those `openstack` pins. */
export function defaultDistros(pins: KayobeKollaPins): string[] {
  return pins.tables.supportedDistros ?? Object.keys(pins.tags["openstack"] ?? {});
}
