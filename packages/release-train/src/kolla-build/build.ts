// One distro's build: run kayobe (or another kolla-build front end) for overcloud and/or seed
// images, keep its log, then find out what was built from the container engine and from
// kolla-build's own summary.
import { mkdir, open, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Engine, LocalImage } from "./engine";
import { quote, type Runner } from "./exec";
import { type KollaSummary, parseKollaSummary } from "./kolla-summary";
import type { KollaBuildPlan, PlannedDistro } from "./plan";

export type BuildKind = "overcloud" | "seed";

export interface BuildSettings {
  /** Executable (default `kayobe`). */
  command: string;
  /** Extra arguments appended to every build (one argument each, e.g. `-e`, `foo=bar`). */
  extraArgs: string[];
  registry: string;
  namespace: string;
  engine: Engine;
  /** kolla-build's log, which kayobe appends to (default /var/log/kolla-build.log). */
  kollaLog?: string | undefined;
  cwd?: string | undefined;
  env?: Record<string, string> | undefined;
  logDir: string;
  run: Runner;
  write: (text: string) => void;
  /** In GitHub Actions: group the build output, annotate failures. */
  actions?: boolean | undefined;
}

export interface BuildStep {
  kind: BuildKind;
  args: string[];
  exitCode: number;
  logFile: string;
  summary?: KollaSummary | undefined;
}

/** kayobe's arguments for a build (argument array; regexes are separate arguments). */
export function buildArgs(kind: BuildKind, plan: Pick<KollaBuildPlan, "regexes">, distro: PlannedDistro, settings: Pick<BuildSettings, "registry" | "namespace" | "extraArgs"> & { engine: { name: string } }): string[] {
  const vars = {
    kolla_base_distro: distro.base,
    kolla_base_distro_version: distro.version,
    kolla_tag: distro.tag,
    kolla_docker_registry: settings.registry,
    kolla_docker_namespace: settings.namespace,
    container_engine: settings.engine.name,
  };
  return [
    kind,
    "container",
    "image",
    "build",
    // Seed builds take their image set from kayobe-config (bifrost), as today.
    ...(kind === "overcloud" ? plan.regexes : []),
    ...Object.entries(vars).flatMap(([k, v]) => ["-e", `${k}=${v}`]),
    ...settings.extraArgs,
  ];
}

async function sizeOf(file: string): Promise<number | undefined> {
  return stat(file).then((s) => s.size, () => undefined);
}

/** The part of `file` written after `offset` (kayobe appends each build to the same log). */
async function readFrom(file: string, offset: number): Promise<string> {
  const handle = await open(file, "r").catch(() => undefined);
  if (!handle) return "";
  try {
    const { size } = await handle.stat();
    const start = size < offset ? 0 : offset;
    const buffer = Buffer.alloc(size - start);
    await handle.read(buffer, 0, buffer.length, start);
    return buffer.toString("utf8");
  } finally {
    await handle.close();
  }
}

export async function runBuildStep(kind: BuildKind, plan: KollaBuildPlan, distro: PlannedDistro, settings: BuildSettings): Promise<BuildStep> {
  await mkdir(settings.logDir, { recursive: true });
  const args = buildArgs(kind, plan, distro, settings);
  const logFile = join(settings.logDir, `kolla-build-${kind}-${distro.name}.log`);
  const before = settings.kollaLog ? ((await sizeOf(settings.kollaLog)) ?? 0) : 0;
  const line = [settings.command, ...args].map(quote).join(" ");
  settings.write(settings.actions ? `::group::${line}\n` : `$ ${line}\n`);
  const result = await settings.run(settings.command, args, {
    cwd: settings.cwd,
    env: settings.env,
    logFile,
    echo: settings.write,
    keep: 0,
  });
  if (settings.actions) settings.write("::endgroup::\n");
  let kollaText = "";
  if (settings.kollaLog) {
    kollaText = await readFrom(settings.kollaLog, before);
    if (kollaText) await writeFile(join(settings.logDir, `kolla-build-${kind}-${distro.name}.kolla.log`), kollaText);
  }
  const ownText = await readFrom(logFile, 0);
  const summary = parseKollaSummary(kollaText) ?? parseKollaSummary(ownText);
  return { kind, args, exitCode: result.exitCode, logFile, summary };
}

export interface Discovery {
  images: LocalImage[];
  /** Built per kolla-build but not in the engine, or failed per kolla-build. */
  failed: { name: string; message: string }[];
  skipped: string[];
  /** In the engine with the tag, but not built by this run (kolla-build's summary): not pushed. */
  stale: string[];
}

/** What the build produced: the engine's images with the tag, checked against kolla-build's summaries. */
export async function discover(steps: BuildStep[], distro: PlannedDistro, settings: Pick<BuildSettings, "engine" | "registry" | "namespace">): Promise<Discovery> {
  const images = await settings.engine.list(settings.registry, settings.namespace, distro.tag);
  const present = new Set(images.map((i) => i.name));
  const failed: Discovery["failed"] = [];
  const skipped = new Set<string>();
  for (const step of steps) {
    for (const f of step.summary?.failed ?? []) failed.push({ name: f.name, message: `kolla-build: ${step.kind} image failed with status ${f.status}` });
    for (const name of step.summary?.built ?? []) {
      if (!present.has(name)) failed.push({ name, message: `kolla-build reported it built, but ${settings.engine.name} has no ${settings.registry}/${settings.namespace}/${name}:${distro.tag}` });
    }
    for (const name of [...(step.summary?.skipped ?? []), ...(step.summary?.unbuildable ?? [])]) skipped.add(name);
  }
  // An image kolla-build says failed is not pushed even if an image of that name is present; when
  // kolla-build gave its summary, an image it did not build is left over from an earlier build.
  const failedNames = new Set(failed.map((f) => f.name));
  const summaries = steps.filter((s) => s.summary);
  const builtNames = new Set(summaries.flatMap((s) => s.summary!.built));
  const stale = summaries.length ? images.filter((i) => !builtNames.has(i.name) && !failedNames.has(i.name)).map((i) => i.name) : [];
  const usable = images.filter((i) => !failedNames.has(i.name) && !stale.includes(i.name));
  return { images: usable, failed, skipped: [...skipped].sort(), stale };
}
