// The base distributions Kolla images are built for. A distro's name is what kayobe-config uses
// (`kolla_image_tags.<prefix>.<distro>`, tags `<release>-<distro>-<timestamp>`); `base` and
// `version` are what kolla-build takes (`kolla_base_distro`, `kolla_base_distro_version`).
// Adding a distro is one line here.

export interface Distro {
  /** `rocky-9`, `ubuntu-jammy`, … */
  name: string;
  /** kolla-build `--base`: `rocky`, `ubuntu`. */
  base: string;
  /** `kolla_base_distro_version`: `9`, `jammy`, `noble`. */
  version: string;
}

export const DISTROS: readonly Distro[] = [
  { name: "rocky-9", base: "rocky", version: "9" },
  { name: "rocky-10", base: "rocky", version: "10" },
  { name: "ubuntu-jammy", base: "ubuntu", version: "jammy" },
  { name: "ubuntu-noble", base: "ubuntu", version: "noble" },
];

/** What the workflow builds when no distros are named (as kayobe-config's inputs default). */
export const DEFAULT_DISTROS = ["rocky-9", "ubuntu-jammy", "ubuntu-noble"];

export function findDistro(name: string): Distro | undefined {
  return DISTROS.find((d) => d.name === name);
}
