// The two exception tables of kayobe-config's tools/kolla-images.py and its supported distros.
// They differ between kayobe-config branches (e.g. 2023.1 maps mariabackup → mariadb, 2024.1 does
// not), so a checkout that carries the script is read (`tablesFromCheckout`); the built-in copy
// (stackhpc/2024.1) is for checkouts without it.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { type PyValue, PythonLiteralError, readPythonAssignment } from "./python-literal";

export const KOLLA_IMAGES_SCRIPT = "tools/kolla-images.py";

export interface KollaTables {
  /** Image → the kolla-ansible containers that run it (default: the image name, `-` → `_`). */
  imageToContainers: Record<string, string[]>;
  /** Container → the tag variable prefix it inherits from, when not its longest prefix. */
  containerToPrefixVar: Record<string, string>;
  /** Distros the script accepts; undefined = not known (no script): the distros `openstack` pins. */
  supportedDistros?: string[] | undefined;
  /** Where the tables came from (a file path, or "built-in"). */
  source: string;
}

export const BUILT_IN_TABLES: KollaTables = {
  source: "built-in (stackhpc-kayobe-config stackhpc/2024.1)",
  imageToContainers: {
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
  },
  containerToPrefixVar: {
    cron: "common",
    fluentd: "common",
    glance_tls_proxy: "haproxy",
    hacluster_corosync: "openstack",
    hacluster_pacemaker: "openstack",
    hacluster_pacemaker_remote: "openstack",
    heat_api_cfn: "heat",
    ironic_neutron_agent: "neutron",
    kolla_toolbox: "common",
    neutron_eswitchd: "neutron_mlnx_agent",
    neutron_tls_proxy: "haproxy",
    nova_compute_ironic: "nova",
    redis_sentinel: "openstack",
    swift_object_expirer: "swift",
    tgtd: "iscsi",
  },
  supportedDistros: undefined,
};

export class KollaTablesError extends Error {
  override name = "KollaTablesError";
}

const isStringList = (v: PyValue | undefined): v is string[] => Array.isArray(v) && v.every((x) => typeof x === "string");

/** The tables of `<checkout>/tools/kolla-images.py`, or undefined when the checkout has no script. */
export async function tablesFromCheckout(checkout: string): Promise<KollaTables | undefined> {
  const file = join(checkout, KOLLA_IMAGES_SCRIPT);
  let source: string;
  try {
    source = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  return tablesFromScript(source, file);
}

export function tablesFromScript(source: string, file: string): KollaTables {
  const read = (name: string) => {
    try {
      return readPythonAssignment(source, name);
    } catch (error) {
      const reason = error instanceof PythonLiteralError ? error.message : String(error);
      throw new KollaTablesError(`${file}: cannot read ${reason}`);
    }
  };
  const images = read("IMAGE_TO_CONTAINERS_EXCEPTIONS");
  const prefixes = read("CONTAINER_TO_PREFIX_VAR_EXCEPTIONS");
  const distros = read("SUPPORTED_BASE_DISTROS");
  if (!images || !prefixes) {
    const missing = [!images && "IMAGE_TO_CONTAINERS_EXCEPTIONS", !prefixes && "CONTAINER_TO_PREFIX_VAR_EXCEPTIONS"].filter(Boolean);
    throw new KollaTablesError(`${file}: no ${missing.join(" or ")} table found (has the script changed shape?)`);
  }
  const imageToContainers: Record<string, string[]> = {};
  const containerToPrefixVar: Record<string, string> = {};
  if (typeof images.value !== "object" || Array.isArray(images.value)) {
    throw new KollaTablesError(`${file}:${images.line}: IMAGE_TO_CONTAINERS_EXCEPTIONS is not a dict`);
  }
  for (const [image, containers] of Object.entries(images.value)) {
    if (!isStringList(containers)) throw new KollaTablesError(`${file}:${images.line}: IMAGE_TO_CONTAINERS_EXCEPTIONS[${JSON.stringify(image)}] is not a list of strings`);
    imageToContainers[image] = containers;
  }
  if (typeof prefixes.value !== "object" || Array.isArray(prefixes.value)) {
    throw new KollaTablesError(`${file}:${prefixes.line}: CONTAINER_TO_PREFIX_VAR_EXCEPTIONS is not a dict`);
  }
  for (const [container, prefix] of Object.entries(prefixes.value)) {
    if (typeof prefix !== "string") throw new KollaTablesError(`${file}:${prefixes.line}: CONTAINER_TO_PREFIX_VAR_EXCEPTIONS[${JSON.stringify(container)}] is not a string`);
    containerToPrefixVar[container] = prefix;
  }
  const supportedDistros = distros && isStringList(distros.value) ? distros.value : undefined;
  return { source: file, imageToContainers, containerToPrefixVar, supportedDistros };
}
