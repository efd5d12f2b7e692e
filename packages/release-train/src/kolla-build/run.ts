// A distro's whole job: build → discover → scan → push (with retries) → verify, keeping going past
// failures so that every image that built is still pushed and reported; failures are listed at
// the end and make the run fail.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import pRetry from "p-retry";
import { applyItems, consoleReporter, type ItemResult } from "../engine";
import { type RegistryAccess, servedDigest } from "./engine";
import { type BuildKind, type BuildSettings, type BuildStep, buildArgs, discover, runBuildStep } from "./build";
import { quote } from "./exec";
import type { KollaBuildPlan, PlannedDistro } from "./plan";
import { type AllowList, type ScanClass, scanImage } from "./scan";

export interface PushSettings {
  enabled: boolean;
  /** Push images with critical vulnerabilities too. */
  pushDirty: boolean;
  /** Attempts per image (default 5, as today). */
  attempts: number;
  /** First retry delay; doubles each time (default 5 s). */
  retryDelayMs: number;
  concurrency: number;
  registryAccess: RegistryAccess;
  login?: { username: string; password: string } | undefined;
}

export interface ScanSettings {
  /** `auto`: scan when the scanner is installed; `always`: a missing scanner is a failure. */
  mode: "auto" | "always" | "never";
  command: string[];
  allowList: AllowList;
}

export interface ImageResult {
  name: string;
  reference: string;
  distro: string;
  tag: string;
  built: boolean;
  scan: ScanClass | "not scanned" | "scan failed";
  vulnerabilities?: number;
  pushed: boolean;
  /** Why it was not pushed (policy), when it was not. */
  held?: string;
  digest?: string;
  attempts?: number;
  error?: string;
}

export interface Failure {
  distro: string;
  image?: string;
  stage: "build" | "discover" | "scan" | "push" | "verify";
  message: string;
}

export interface DistroResult {
  distro: string;
  tag: string;
  steps: { kind: BuildKind; exitCode: number; logFile: string; args: string[] }[];
  images: ImageResult[];
  skipped: string[];
  failures: Failure[];
  logDir: string;
  /** Regexes selected every image and nothing failed (for kolla-image-tags.yml). */
  complete: boolean;
}

export interface DistroRunOptions {
  plan: KollaBuildPlan;
  distro: PlannedDistro;
  build: BuildSettings;
  scan: ScanSettings;
  push: PushSettings;
  dryRun?: boolean;
}

export async function runDistro(options: DistroRunOptions): Promise<DistroResult> {
  const { plan, distro, build } = options;
  const kinds: BuildKind[] = [...(plan.overcloud ? (["overcloud"] as const) : []), ...(plan.seed ? (["seed"] as const) : [])];
  const result: DistroResult = { distro: distro.name, tag: distro.tag, steps: [], images: [], skipped: [], failures: [], logDir: build.logDir, complete: false };
  if (options.dryRun) {
    for (const kind of kinds) {
      const args = buildArgs(kind, plan, distro, build);
      build.write(`would run: ${[build.command, ...args].map(quote).join(" ")}\n`);
      result.steps.push({ kind, exitCode: 0, logFile: "", args });
    }
    build.write(`would list ${build.registry}/${build.namespace}/*:${distro.tag} in ${build.engine.name}, scan (${options.scan.mode}), ${options.push.enabled ? "push and verify" : "not push"}\n`);
    return result;
  }
  await mkdir(build.logDir, { recursive: true });
  const steps: BuildStep[] = [];
  for (const kind of kinds) {
    const step = await runBuildStep(kind, plan, distro, build);
    steps.push(step);
    result.steps.push({ kind, exitCode: step.exitCode, logFile: step.logFile, args: step.args });
    if (!step.summary) {
      const where = build.kollaLog ? `${build.kollaLog} or the build output` : "the build output";
      build.write(`${build.actions ? "::warning::" : "warning: "}no kolla-build summary in ${where} (${kind}): built images are taken from ${build.engine.name} alone\n`);
    }
    if (step.exitCode !== 0) {
      result.failures.push({ distro: distro.name, stage: "build", message: `${build.command} ${kind} container image build exited ${step.exitCode} (log: ${step.logFile})` });
    }
  }

  let discovery: Awaited<ReturnType<typeof discover>>;
  try {
    discovery = await discover(steps, distro, build);
  } catch (error) {
    result.failures.push({ distro: distro.name, stage: "discover", message: (error as Error).message });
    return finish(result);
  }
  result.skipped = discovery.skipped;
  if (discovery.stale.length) {
    build.write(`${build.actions ? "::warning::" : "warning: "}not built by this run, not pushed: ${discovery.stale.join(", ")} (an earlier build's images with the same tag)\n`);
    result.skipped = [...result.skipped, ...discovery.stale].sort();
  }
  for (const f of discovery.failed) {
    result.failures.push({ distro: distro.name, image: f.name, stage: "build", message: f.message });
    result.images.push({ name: f.name, reference: `${build.registry}/${build.namespace}/${f.name}:${distro.tag}`, distro: distro.name, tag: distro.tag, built: false, scan: "not scanned", pushed: false });
  }
  if (discovery.images.length === 0) {
    result.failures.push({ distro: distro.name, stage: "discover", message: `no images were built: ${build.engine.name} has nothing named ${build.registry}/${build.namespace}/*:${distro.tag}` });
    return finish(result);
  }

  const reportDir = join(build.logDir, "image-scan-output");
  await mkdir(reportDir, { recursive: true });
  let scanMode = options.scan.mode;
  const images: ImageResult[] = [];
  for (const image of discovery.images) {
    const entry: ImageResult = { name: image.name, reference: image.reference, distro: distro.name, tag: distro.tag, built: true, scan: "not scanned", pushed: false };
    images.push(entry);
    if (scanMode === "never") continue;
    const scanned = await scanImage(image, { command: options.scan.command, run: build.run, allowList: options.scan.allowList, reportDir, env: build.env });
    if (scanned.missing && scanMode === "auto") {
      build.write(`${build.actions ? "::notice::" : "note: "}${options.scan.command[0]} is not installed: images are not scanned\n`);
      scanMode = "never";
      continue;
    }
    if (scanned.error || !scanned.class) {
      entry.scan = "scan failed";
      entry.error = scanned.error;
      result.failures.push({ distro: distro.name, image: image.name, stage: "scan", message: scanned.error ?? "no result" });
      continue;
    }
    entry.scan = scanned.class;
    entry.vulnerabilities = scanned.vulnerabilities.length;
    if (scanned.class === "critical" && !options.push.pushDirty) {
      const ids = scanned.vulnerabilities.filter((v) => v.severity === "CRITICAL").map((v) => v.id);
      result.failures.push({ distro: distro.name, image: image.name, stage: "scan", message: `critical vulnerabilities: ${[...new Set(ids)].join(", ")}` });
    }
  }
  await writeScanLists(reportDir, images);
  result.images.push(...images);

  if (options.push.enabled) await pushAll(images, distro, options, result);
  return finish(result);

  function finish(r: DistroResult): DistroResult {
    r.images.sort((a, b) => a.name.localeCompare(b.name));
    r.complete = plan.overcloud && plan.regexes.length === 0 && r.failures.length === 0;
    return r;
  }
}

/** clean-images.txt / dirty-images.txt / critical-images.txt, as scan-images.sh leaves them. */
async function writeScanLists(dir: string, images: ImageResult[]): Promise<void> {
  for (const cls of ["clean", "dirty", "critical"] as const) {
    const refs = images.filter((i) => i.scan === cls).map((i) => `${i.reference}\n`);
    await writeFile(join(dir, `${cls}-images.txt`), refs.join(""));
  }
}

function heldBack(image: ImageResult, push: Pick<PushSettings, "pushDirty">): string | undefined {
  if (image.scan === "scan failed") return "scan failed";
  if (image.scan === "critical" && !push.pushDirty) return "critical vulnerabilities (push-dirty not set)";
  return undefined;
}

interface PushItemResult extends ItemResult {
  attempts: number;
  digest?: string;
}

/** Pushes with bounded concurrency over the shared engine's keep-going apply: one image failing never stops the others. */
async function pushAll(images: ImageResult[], distro: PlannedDistro, options: DistroRunOptions, result: DistroResult): Promise<void> {
  const { build, push } = options;
  if (push.login) {
    try {
      await build.engine.login(build.registry, push.login.username, push.login.password);
    } catch (error) {
      for (const image of images) image.error = "registry login failed";
      result.failures.push({ distro: distro.name, stage: "push", message: (error as Error).message });
      return;
    }
  }
  const toPush = images.filter((image) => {
    image.held = heldBack(image, push);
    return !image.held;
  });
  const pushed = await applyItems<ImageResult, PushItemResult>(toPush, {
    concurrency: push.concurrency,
    key: (image) => image.name,
    init: () => ({ changed: false, actions: [], tasks: [], durationMs: 0, attempts: 0 }),
    reporter: consoleReporter<PushItemResult>({
      actions: build.actions ?? false,
      write: build.write,
      status: (r) => `pushed ${r.digest}${r.attempts > 1 ? ` after ${r.attempts} attempts` : ""}`,
    }),
    async apply(image, r, ctx) {
      ctx.step("push");
      let digest: string | undefined;
      try {
        digest = await pRetry(
          async () => {
            r.attempts++;
            const outcome = await build.engine.push(image.reference);
            if (!outcome.ok) throw new Error(lastLines(outcome.output));
            return outcome.digest;
          },
          {
            retries: push.attempts - 1,
            minTimeout: push.retryDelayMs,
            factor: 2,
            randomize: false,
            onFailedAttempt: ({ error, attemptNumber, retriesLeft }) => {
              if (retriesLeft > 0) build.write(`push ${image.reference} failed (attempt ${attemptNumber}/${push.attempts}): ${error.message}; retrying\n`);
            },
          },
        );
      } catch (error) {
        throw new Error(`failed after ${r.attempts} attempts: ${(error as Error).message}`);
      }
      ctx.did(`pushed ${image.reference}`);
      ctx.step("verify");
      const served = await servedDigest(push.registryAccess, `${build.namespace}/${image.name}`, distro.tag).catch((error: Error) => {
        throw new Error(`pushed, but reading it back failed: ${error.message}`);
      });
      if (digest && digest !== served) throw new Error(`registry serves ${served} for the tag, but ${build.engine.name} pushed ${digest}`);
      r.digest = served;
    },
  });
  const failedRefs: string[] = [];
  toPush.forEach((image, i) => {
    const r = pushed[i]!;
    image.attempts = r.attempts;
    if (r.error) {
      // The engine's error is `<step>: <text>`; the step is the failure's stage.
      image.error = r.error.replace(/^(push|verify): /, "");
      failedRefs.push(`${image.reference}\n`);
      result.failures.push({ distro: distro.name, image: image.name, stage: r.failedStep === "verify" ? "verify" : "push", message: image.error });
    } else {
      image.pushed = true;
      if (r.digest) image.digest = r.digest;
    }
  });
  await writeFile(join(build.logDir, "push-failed-images.txt"), failedRefs.sort().join(""));
}

const lastLines = (text: string) => text.trim().split("\n").slice(-3).join(" | ") || "no output";
