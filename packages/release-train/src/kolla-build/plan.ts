// Plan mode: everything a run decides before building — validated inputs, the shared tag
// timestamp, one tag per distro and the job matrix. Every problem is reported at once, naming the
// input, before anything is built.
import { parseVersion, resolveVersion } from "../version";
import { DEFAULT_DISTROS, DISTROS, type Distro, findDistro } from "./distros";

export interface KollaBuildRequest {
  /** Whitespace-separated regular expressions matching overcloud images (empty: all). */
  regexes?: string | undefined;
  overcloud: boolean;
  seed: boolean;
  /** Distro names, whitespace- or comma-separated (default: DEFAULT_DISTROS). */
  distros?: string | undefined;
  openstackRelease: string;
  /** UTC `YYYYMMDDTHHMMSS` shared by every image of the run (default: now). */
  timestamp?: string | undefined;
}

export interface PlannedDistro extends Distro {
  /** `<openstack_release>-<distro>-<timestamp>`, e.g. `2025.1-rocky-9-20251124T200000`. */
  tag: string;
}

export interface KollaBuildPlan {
  openstackRelease: string;
  timestamp: string;
  regexes: string[];
  overcloud: boolean;
  seed: boolean;
  distros: PlannedDistro[];
  /** `strategy.matrix` for one job per distro: `{"include": [{distro, base, version, tag}]}`. */
  matrix: { include: { distro: string; base: string; version: string; tag: string }[] };
}

/** Input names as the action and the CLI spell them, for messages. */
export type InputName = "regexes" | "overcloud" | "seed" | "distros" | "openstack-release" | "timestamp";

export class KollaInputError extends Error {
  override name = "KollaInputError";
  constructor(readonly problems: { input: string; message: string }[]) {
    super(`invalid inputs:\n${problems.map((p) => `  - input \`${p.input}\` ${p.message}`).join("\n")}`);
  }
}

export function splitList(value: string | undefined): string[] {
  return (value ?? "").split(/[\s,]+/).filter((w) => w !== "");
}

export function kollaTag(openstackRelease: string, distro: string, timestamp: string): string {
  return `${openstackRelease}-${distro}-${timestamp}`;
}

export function planKollaBuild(request: KollaBuildRequest, now: () => Date = () => new Date()): KollaBuildPlan {
  const problems: { input: InputName; message: string }[] = [];
  const regexes = splitList(request.regexes);
  for (const word of regexes) {
    try {
      new RegExp(word);
    } catch (error) {
      problems.push({ input: "regexes", message: `has an invalid regular expression ${JSON.stringify(word)}: ${(error as Error).message}` });
    }
  }
  if (!request.overcloud && !request.seed) {
    problems.push({ input: "overcloud", message: "and `seed` are both false: select at least one of overcloud or seed images" });
  }
  const names = request.distros === undefined ? DEFAULT_DISTROS : splitList(request.distros);
  const distros: Distro[] = [];
  for (const name of names) {
    const distro = findDistro(name);
    if (!distro) {
      problems.push({ input: "distros", message: `names unknown distro ${JSON.stringify(name)} (known: ${DISTROS.map((d) => d.name).join(", ")})` });
    } else if (!distros.includes(distro)) distros.push(distro);
  }
  if (names.length === 0) problems.push({ input: "distros", message: "selects no distro: select at least one distribution" });
  const release = request.openstackRelease.trim();
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(release)) {
    problems.push({ input: "openstack-release", message: `${JSON.stringify(release)} is not an OpenStack release name (e.g. 2025.1)` });
  }
  let timestamp = "";
  try {
    timestamp = resolveVersion(request.timestamp?.trim() || undefined, now);
    parseVersion(timestamp);
  } catch (error) {
    problems.push({ input: "timestamp", message: `${(error as Error).message.replace(/^invalid version/, "is invalid:")}` });
  }
  if (problems.length > 0) throw new KollaInputError(problems);

  const planned = distros.map((d) => ({ ...d, tag: kollaTag(release, d.name, timestamp) }));
  return {
    openstackRelease: release,
    timestamp,
    regexes,
    overcloud: request.overcloud,
    seed: request.seed,
    distros: planned,
    matrix: { include: planned.map((d) => ({ distro: d.name, base: d.base, version: d.version, tag: d.tag })) },
  };
}

export function describePlan(plan: KollaBuildPlan): string {
  const what = [plan.overcloud && "overcloud", plan.seed && "seed"].filter(Boolean).join(" and ");
  return [
    `Kolla build plan: OpenStack ${plan.openstackRelease}, ${what} images, timestamp ${plan.timestamp}`,
    `  images: ${plan.regexes.length ? plan.regexes.join(" ") : "(all)"}`,
    ...plan.distros.map((d) => `  ${d.name.padEnd(14)} kolla_base_distro=${d.base} kolla_base_distro_version=${d.version} tag ${d.tag}`),
  ].join("\n");
}
