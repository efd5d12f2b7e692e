// Small leaf modules of the library (not its index), so reading inputs stays cheap at cold start.
import { type PemKind, pemProblem } from "@release-train/release-train/pem";
import { parseVersion } from "@release-train/release-train/version";
import * as z from "zod";

/** The action's inputs, typed; names follow action.yml. */
export interface ActionInputs {
  config: string;
  target: "ark" | "test";
  pulp: {
    url?: string;
    username?: string;
    password?: string;
    clientCert?: string;
    clientKey?: string;
    caCert?: string;
  };
  /** Ark's content app: the upstream of the test Pulp. */
  ark: {
    contentUrl?: string;
    clientCert?: string;
    clientKey?: string;
    username?: string;
    password?: string;
  };
  syncGroup?: string;
  filter?: string;
  version?: string;
  checkMode: boolean;
  concurrency: number;
  /** Minutes to wait for one Pulp task before stopping cleanly (the task state is kept for a re-run). */
  waitTimeout: number;
  /** Seconds to wait for one HTTP answer from Pulp before retrying (a read) or failing. */
  requestTimeout: number;
  /** Dispatches of a step again after its task failed. */
  taskRetries: number;
  contentGuard: string;
  stateFile?: string;
  pinnedVersions?: Record<string, string>;
  listSyncGroups: boolean;
  kayobeConfig?: string;
  githubToken?: string;
}

/** Inputs whose values must never reach a log: the action masks them first. */
export const SECRET_INPUTS = [
  "pulp-password",
  "pulp-client-key",
  "ark-password",
  "ark-client-key",
  "github-token",
] as const;

export class InputError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid inputs:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "InputError";
  }
}

// `core.getInput` returns "" for an unset input; treat that (and blanks) as absent.
const optional = z
  .string()
  .transform((s) => s.trim())
  .transform((s) => (s === "" ? undefined : s));

// The YAML 1.2 core-schema booleans, as `core.getBooleanInput` accepts them.
const boolean = z
  .enum(["true", "True", "TRUE", "false", "False", "FALSE"], {
    error: "must be true or false",
  })
  .transform((s) => s.toLowerCase() === "true");

const positiveInteger = z
  .string()
  .trim()
  .regex(/^[1-9][0-9]*$/, "must be a positive integer")
  .transform(Number);

const nonNegativeInteger = z
  .string()
  .trim()
  .regex(/^(0|[1-9][0-9]*)$/, "must be a whole number (0 or more)")
  .transform(Number);

const url = optional.pipe(z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).optional());

/** A snapshot version `YYYYMMDDTHHMMSS` (UTC) that is a real date and time. */
const snapshotVersion = z.string().refine(
  (v) => {
    try {
      parseVersion(v);
      return true;
    } catch {
      return false;
    }
  },
  { error: (issue) => `must be a snapshot version YYYYMMDDTHHMMSS (UTC), e.g. 20251124T200000; got ${JSON.stringify(issue.input)}` },
);

/** PEM text that holds what the input says (a key pasted as the certificate is caught here). */
const pem = (kind: PemKind) =>
  optional.superRefine((value, ctx) => {
    const problem = value === undefined ? undefined : pemProblem(kind, value);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

const pinnedVersions = optional.pipe(
  z
    .string()
    .transform((s, ctx) => {
      try {
        return JSON.parse(s) as unknown;
      } catch (e) {
        ctx.addIssue({ code: "custom", message: `is not JSON: ${(e as Error).message}` });
        return z.NEVER;
      }
    })
    .pipe(z.record(z.string(), z.string({ error: "must be a version string" }).pipe(snapshotVersion), { error: 'must be a JSON object {"<short_name>": "<version>"}' }))
    .optional(),
);

const schema = z
  .object({
    config: z.string().trim().min(1, "is required"),
    target: z.enum(["ark", "test"], { error: "must be ark or test" }),
    "pulp-url": url,
    "pulp-username": optional,
    "pulp-password": optional,
    "pulp-client-cert": pem("certificate"),
    "pulp-client-key": pem("private key"),
    "pulp-ca-cert": pem("certificate"),
    "ark-content-url": url,
    "ark-client-cert": pem("certificate"),
    "ark-client-key": pem("private key"),
    "ark-username": optional,
    "ark-password": optional,
    "sync-group": optional,
    filter: optional,
    version: optional.pipe(snapshotVersion.optional()),
    "check-mode": boolean,
    concurrency: positiveInteger,
    "wait-timeout": positiveInteger,
    "request-timeout": positiveInteger,
    "task-retries": nonNegativeInteger,
    "content-guard": z.string().trim().min(1, "is required"),
    "state-file": optional,
    "pinned-versions": pinnedVersions,
    "list-sync-groups": boolean,
    "kayobe-config": optional,
    "github-token": optional,
  })
  .superRefine((v, ctx) => {
    if (v["list-sync-groups"]) return; // only reads the config
    if (!v["pulp-url"]) ctx.addIssue({ code: "custom", path: ["pulp-url"], message: "is required to sync" });
    if (v.target === "test" && !v["ark-content-url"]) {
      ctx.addIssue({ code: "custom", path: ["ark-content-url"], message: "is required for target test" });
    }
    if (Boolean(v["pulp-client-cert"]) !== Boolean(v["pulp-client-key"])) {
      ctx.addIssue({ code: "custom", path: ["pulp-client-key"], message: "pulp-client-cert and pulp-client-key go together" });
    }
    if (Boolean(v["ark-client-cert"]) !== Boolean(v["ark-client-key"])) {
      ctx.addIssue({ code: "custom", path: ["ark-client-key"], message: "ark-client-cert and ark-client-key go together" });
    }
  });

export type InputName = keyof z.input<typeof schema>;
export const INPUT_NAMES = Object.keys(schema.shape) as InputName[];

/**
 * Reads and validates every input at once; throws an `InputError` listing all problems.
 * `getInput` is `core.getInput` in the action (defaults from action.yml already applied by the runner).
 */
export function readInputs(getInput: (name: InputName) => string): ActionInputs {
  const raw = Object.fromEntries(INPUT_NAMES.map((name) => [name, getInput(name)]));
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new InputError(parsed.error.issues.map((i) => `input \`${i.path.join(".")}\` ${i.message}`));
  }
  const v = parsed.data;
  return {
    config: v.config,
    target: v.target,
    pulp: {
      url: v["pulp-url"],
      username: v["pulp-username"],
      password: v["pulp-password"],
      clientCert: v["pulp-client-cert"],
      clientKey: v["pulp-client-key"],
      caCert: v["pulp-ca-cert"],
    },
    ark: {
      contentUrl: v["ark-content-url"],
      clientCert: v["ark-client-cert"],
      clientKey: v["ark-client-key"],
      username: v["ark-username"],
      password: v["ark-password"],
    },
    syncGroup: v["sync-group"],
    filter: v.filter,
    version: v.version,
    checkMode: v["check-mode"],
    concurrency: v.concurrency,
    waitTimeout: v["wait-timeout"],
    requestTimeout: v["request-timeout"],
    taskRetries: v["task-retries"],
    contentGuard: v["content-guard"],
    stateFile: v["state-file"],
    pinnedVersions: v["pinned-versions"],
    listSyncGroups: v["list-sync-groups"],
    kayobeConfig: v["kayobe-config"],
    githubToken: v["github-token"],
  };
}
