import { optionalString } from "@release-train/release-train/action";
import * as z from "zod";

/** Inputs whose values must never reach a log: the action masks them first. */
export const SECRET_INPUTS = ["registry-password", "github-token", "container-sync-token"] as const;

const optional = optionalString;
const boolean = z
  .enum(["true", "True", "TRUE", "false", "False", "FALSE"], { error: "must be true or false" })
  .transform((s) => s.toLowerCase() === "true");
const positiveInt = z.string().trim().regex(/^[1-9][0-9]*$/, "must be a positive integer").transform(Number);
/** One argument per line; blank lines dropped, nothing else interpreted (no shell). */
const lines = z.string().transform((s) => s.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== ""));
const stringMap = z.string().transform((s, ctx) => {
  try {
    const value = JSON.parse(s.trim() || "{}") as unknown;
    if (value && typeof value === "object" && !Array.isArray(value) && Object.values(value).every((v) => typeof v === "string")) {
      return value as Record<string, string>;
    }
  } catch {
    // reported below
  }
  ctx.addIssue({ code: "custom", message: 'must be a JSON object of strings, e.g. {"sync-old-images": "false"}' });
  return z.NEVER;
});

const schema = z
  .object({
    mode: z.enum(["plan", "build", "finish"], { error: "must be plan, build or finish" }),
    regexes: z.string(),
    overcloud: boolean,
    seed: boolean,
    distros: z.string(),
    push: boolean,
    "push-dirty": boolean,
    "openstack-release": optional,
    timestamp: optional,
    "kayobe-config": z.string().trim().min(1, "is required"),
    "build-command": z.string().trim().min(1, "is required"),
    "build-args": lines,
    "kolla-log": z.string().trim(),
    engine: z.enum(["docker", "podman", "oci"], { error: "must be docker, podman or oci" }),
    "oci-dir": optional,
    registry: optional,
    namespace: z.string().trim().regex(/^[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/, "must be a registry namespace (lower case, e.g. stackhpc-dev)"),
    "registry-url": optional.pipe(z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).optional()),
    "insecure-registry": boolean,
    "registry-username": optional,
    "registry-password": optional,
    scan: z.enum(["auto", "always", "never"], { error: "must be auto, always or never" }),
    "scan-command": lines,
    "log-dir": z.string().trim().min(1, "is required"),
    "push-attempts": positiveInt,
    "push-retry-delay": z.string().trim().regex(/^[0-9]+(\.[0-9]+)?$/, "must be a number of seconds").transform(Number),
    concurrency: positiveInt,
    "check-mode": boolean,
    results: optional,
    "update-image-tags": boolean,
    "github-token": optional,
    "container-sync-repository": optional.pipe(z.string().regex(/^[A-Za-z0-9-_.]+\/[A-Za-z0-9-_.]+$/, "must be owner/name").optional()),
    "container-sync-workflow": z.string().trim().min(1, "is required"),
    "container-sync-ref": z.string().trim().min(1, "is required"),
    "container-sync-inputs": stringMap,
    "container-sync-token": optional,
  });

/** Checks across inputs, on the raw values so they are reported together with the per-input ones. */
function crossChecks(raw: Record<string, string>): string[] {
  const v = (name: InputName) => (raw[name] ?? "").trim();
  const problems: string[] = [];
  const mode = v("mode") || "build";
  if (mode === "build" && !v("registry")) problems.push("input `registry` is required to build");
  if (mode === "build" && v("engine") === "oci" && !v("oci-dir")) problems.push("input `oci-dir` is required with engine oci");
  if (Boolean(v("registry-username")) !== Boolean(v("registry-password"))) {
    problems.push("input `registry-password` registry-username and registry-password go together");
  }
  if (mode === "finish" && !v("results")) problems.push("input `results` is required in finish mode");
  if (v("container-sync-repository") && !v("container-sync-token")) problems.push("input `container-sync-token` is required with container-sync-repository");
  return problems;
}

export type InputName = keyof z.input<typeof schema>;
export const INPUT_NAMES = Object.keys(schema.shape) as InputName[];
export type ActionInputs = z.output<typeof schema>;

/** Reads and validates every input at once; throws an `InputError` listing all problems. */
export function readInputs(getInput: (name: string) => string): ActionInputs {
  const raw = Object.fromEntries(INPUT_NAMES.map((name) => [name, getInput(name)]));
  const parsed = schema.safeParse(raw);
  const problems = [...(parsed.success ? [] : parsed.error.issues.map((i) => `input \`${i.path.join(".")}\` ${i.message}`)), ...crossChecks(raw)];
  if (problems.length > 0 || !parsed.success) throw new Error(`invalid inputs:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  return parsed.data;
}
