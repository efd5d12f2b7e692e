// Rewrites kayobe-config's etc/kayobe/kolla-image-tags.yml — `kolla_image_tags.<prefix>.<distro>:
// <tag>` — so that deployments pick up the images a build pushed. Prefixes follow Kolla Ansible's
// tag variables (`<container>_tag`, falling back to the service's, then `openstack_tag`); a
// container is the image name with `_` for `-`, except for images that several containers use
// (the table below, the same facts as kayobe-config's tools/kolla-images.py).
//
// Rules, so that every tag written names an image that exists:
// - a complete build (no regexes, nothing failed) sets `openstack.<distro>` and drops the
//   `<distro>` pins of the containers it rebuilt (and of their service prefixes), which would
//   otherwise keep them on older tags;
// - a partial build pins `<container>.<distro>` for each pushed image's containers.
// `*-base` images are never deployed and get no pin. Comments and order of the file are kept.
import { isMap, isScalar, type Pair, parseDocument, type YAMLMap } from "yaml";

export const KOLLA_IMAGE_TAGS_FILE = "etc/kayobe/kolla-image-tags.yml";

const IMAGE_CONTAINERS: Record<string, string[]> = {
  dnsmasq: ["ironic_dnsmasq"],
  haproxy: ["glance_tls_proxy", "haproxy", "neutron_tls_proxy"],
  "mariadb-server": ["mariadb", "mariabackup"],
  "neutron-mlnx-agent": ["neutron_eswitchd", "neutron_mlnx_agent"],
  "neutron-metadata-agent": ["neutron_metadata_agent", "neutron_ovn_metadata_agent"],
  "nova-conductor": ["nova_super_conductor", "nova_conductor"],
  "openvswitch-db-server": ["openvswitch_db"],
  "ovn-nb-db-server": ["ovn_nb_db"],
  "ovn-sb-db-server": ["ovn_sb_db"],
  "prometheus-v2-server": ["prometheus_server"],
};

export function containersOf(image: string): string[] {
  if (image === "base" || image.endsWith("-base")) return [];
  return IMAGE_CONTAINERS[image] ?? [image.replace(/-/g, "_")];
}

export class ImageTagsError extends Error {
  override name = "ImageTagsError";
}

export interface ImageTagsChange {
  prefix: string;
  distro: string;
  from?: string;
  to?: string;
}

export interface ImageTagsUpdate {
  text: string;
  changed: boolean;
  changes: ImageTagsChange[];
}

export interface DistroBuild {
  distro: string;
  tag: string;
  /** Image names pushed with `tag`. */
  images: string[];
  /** Every image was asked for (no regexes) and none failed. */
  complete: boolean;
}

export function updateKollaImageTags(source: string, builds: DistroBuild[]): ImageTagsUpdate {
  const doc = parseDocument(source);
  if (doc.errors.length > 0) throw new ImageTagsError(`${KOLLA_IMAGE_TAGS_FILE}: ${doc.errors[0]!.message}`);
  let tags = doc.get("kolla_image_tags", true);
  if (tags === undefined || (isScalar(tags) && tags.value === null)) {
    doc.set("kolla_image_tags", doc.createNode({}));
    tags = doc.get("kolla_image_tags", true);
  }
  if (!isMap(tags)) throw new ImageTagsError(`${KOLLA_IMAGE_TAGS_FILE}: kolla_image_tags is not a mapping`);
  const map = tags as YAMLMap<unknown, unknown>;
  const changes: ImageTagsChange[] = [];
  const current = (prefix: string, distro: string) => {
    const v = map.getIn([prefix, distro]);
    return v === undefined || v === null ? undefined : String(v);
  };
  const set = (prefix: string, distro: string, tag: string) => {
    const from = current(prefix, distro);
    if (from === tag) return;
    if (!map.has(prefix)) insertSorted(map, doc.createPair(prefix, {}) as Pair<unknown, unknown>);
    const entry = map.get(prefix, true);
    if (!isMap(entry)) throw new ImageTagsError(`${KOLLA_IMAGE_TAGS_FILE}: kolla_image_tags.${prefix} is not a mapping`);
    entry.set(distro, tag);
    changes.push({ prefix, distro, ...(from ? { from } : {}), to: tag });
  };
  const drop = (prefix: string, distro: string) => {
    const from = current(prefix, distro);
    if (from === undefined) return;
    map.deleteIn([prefix, distro]);
    const entry = map.get(prefix, true);
    if (isMap(entry) && entry.items.length === 0) map.delete(prefix);
    changes.push({ prefix, distro, from });
  };

  for (const build of builds) {
    const containers = [...new Set(build.images.flatMap(containersOf))].sort();
    if (build.complete) {
      set("openstack", build.distro, build.tag);
      const prefixes = map.items.map((p) => String((p.key as { value?: unknown })?.value ?? p.key));
      for (const prefix of prefixes) {
        if (prefix === "openstack") continue;
        if (containers.some((c) => c === prefix || c.startsWith(`${prefix}_`))) drop(prefix, build.distro);
      }
    } else {
      for (const container of containers) set(container, build.distro, build.tag);
    }
  }
  const text = doc.toString({ lineWidth: 0 });
  return { text: changes.length ? text : source, changed: changes.length > 0, changes };
}

/** New prefixes go in name order after `openstack` (the file's layout). */
function insertSorted(map: YAMLMap<unknown, unknown>, pair: Pair<unknown, unknown>): void {
  const key = String((pair.key as { value?: unknown })?.value ?? pair.key);
  const index = map.items.findIndex((p) => {
    const k = String((p.key as { value?: unknown })?.value ?? p.key);
    return k !== "openstack" && k > key;
  });
  if (index === -1) map.items.push(pair);
  else map.items.splice(index, 0, pair);
}
