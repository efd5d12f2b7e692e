import { optionalString as optional, parseInputs } from "@release-train/release-train/action";
import * as z from "zod";

/** The action's inputs, typed; names follow action.yml. */
export interface ActionInputs {
  config: string;
  target: "ark" | "test";
  pulp: { url: string; username: string; password: string };
  ark: { url?: string | undefined; username?: string | undefined; password?: string | undefined };
  filter?: string | undefined;
  distros?: string | undefined;
  syncOldImages?: boolean | undefined;
  syncNewImages?: boolean | undefined;
  includeTags?: string | undefined;
  checkMode: boolean;
  concurrency: number;
  waitTimeout: number;
  stateFile?: string | undefined;
}

/** Inputs whose values must never reach a log: the action masks them first. */
export const SECRET_INPUTS = ["pulp-password", "ark-password"] as const;

const boolean = z.enum(["true", "True", "TRUE", "false", "False", "FALSE"], { error: "must be true or false" }).transform((s) => s.toLowerCase() === "true");
const optionalBoolean = optional.pipe(boolean.optional());
const url = optional.pipe(z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).optional());

const schema = z
  .object({
    config: z.string().trim().min(1, "is required"),
    target: z.enum(["ark", "test"], { error: "must be ark or test" }),
    "pulp-url": z.string().trim().pipe(z.url({ protocol: /^https?$/, error: "must be an http(s) URL" })),
    "pulp-username": z.string().trim().min(1, "is required"),
    "pulp-password": z.string().min(1, "is required"),
    "ark-url": url,
    "ark-username": optional,
    "ark-password": optional,
    filter: optional,
    distros: optional,
    "sync-old-images": optionalBoolean,
    "sync-new-images": optionalBoolean,
    "include-tags": optional,
    "check-mode": boolean,
    concurrency: z.string().trim().regex(/^[1-9][0-9]*$/, "must be a positive integer").transform(Number),
    "wait-timeout": z.string().trim().regex(/^[1-9][0-9]*$/, "must be a positive number of minutes").transform(Number),
    "state-file": optional,
  })
  .superRefine((v, ctx) => {
    if (v.target !== "test") return;
    for (const name of ["ark-url", "ark-username", "ark-password"] as const) {
      if (!v[name]) ctx.addIssue({ code: "custom", path: [name], message: "is required for target test" });
    }
  });

/** Every invalid input reported at once. */
export function readInputs(getInput: (name: string) => string): ActionInputs {
  const v = parseInputs(schema, getInput);
  return {
    config: v.config,
    target: v.target,
    pulp: { url: v["pulp-url"], username: v["pulp-username"], password: v["pulp-password"] },
    ark: { url: v["ark-url"], username: v["ark-username"], password: v["ark-password"] },
    filter: v.filter,
    distros: v.distros,
    syncOldImages: v["sync-old-images"],
    syncNewImages: v["sync-new-images"],
    includeTags: v["include-tags"],
    checkMode: v["check-mode"],
    concurrency: v.concurrency,
    waitTimeout: v["wait-timeout"],
    stateFile: v["state-file"],
  };
}
