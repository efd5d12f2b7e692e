import * as z from "zod";

/** Inputs whose values must never reach a log: the action masks them first. */
export const SECRET_INPUTS = ["pulp-password", "pulp-client-key", "vault-token", "vault-secret-id"] as const;

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
const boolean = z.enum(["true", "True", "TRUE", "false", "False", "FALSE"], { error: "must be true or false" }).transform((s) => s.toLowerCase() === "true");
const url = optional.pipe(z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).optional());
const positiveInt = optional.pipe(z.string().regex(/^[1-9][0-9]*$/, "must be a positive integer").transform(Number).optional());
const jsonObject = (what: string) =>
  optional.pipe(
    z
      .string()
      .refine((s) => {
        try {
          const v = JSON.parse(s) as unknown;
          return v !== null && typeof v === "object" && !Array.isArray(v);
        } catch {
          return false;
        }
      }, `must be a JSON object ${what}`)
      .optional(),
  );

const schema = z
  .object({
    kind: z.enum(["packages", "containers"], { error: "must be packages or containers" }),
    config: z.string().trim().min(1, "is required"),
    "kayobe-config": optional,
    versions: jsonObject('{"<short_name>": "<version>"}'),
    tags: jsonObject('{"<image>": ["<tag>", …]}'),
    filter: optional,
    mode: z.enum(["promote", "demote"], { error: "must be promote or demote" }),
    "check-mode": boolean,
    "allow-missing": boolean,
    distros: optional,
    concurrency: positiveInt,
    "state-file": optional,
    "pulp-url": url,
    "pulp-username": optional,
    "pulp-password": optional,
    "pulp-client-cert": optional,
    "pulp-client-key": optional,
    "pulp-ca-cert": optional,
    "guard-type": optional.pipe(z.enum(["rbac", "x509"], { error: "must be rbac or x509" }).optional()),
    "ca-expiry-window-weeks": optional.pipe(z.string().regex(/^\d+(\.\d+)?$/, "must be a number of weeks").transform(Number).optional()),
    "vault-url": url,
    "vault-token": optional,
    "vault-role-id": optional,
    "vault-secret-id": optional,
    "audit-file": optional,
  })
  .superRefine((v, ctx) => {
    if (!v["pulp-url"]) ctx.addIssue({ code: "custom", path: ["pulp-url"], message: "is required" });
    if (!v["pulp-username"]) ctx.addIssue({ code: "custom", path: ["pulp-username"], message: "is required" });
    const explicit = v.kind === "packages" ? "versions" : "tags";
    if (!v["kayobe-config"] === !v[explicit]) ctx.addIssue({ code: "custom", path: ["kayobe-config"], message: `give either kayobe-config or ${explicit} (kind ${v.kind}), not both or neither` });
    const other = v.kind === "packages" ? "tags" : "versions";
    if (v[other]) ctx.addIssue({ code: "custom", path: [other], message: `is not used with kind ${v.kind}` });
    if (Boolean(v["pulp-client-cert"]) !== Boolean(v["pulp-client-key"])) ctx.addIssue({ code: "custom", path: ["pulp-client-key"], message: "pulp-client-cert and pulp-client-key go together" });
    if (Boolean(v["vault-role-id"]) !== Boolean(v["vault-secret-id"])) ctx.addIssue({ code: "custom", path: ["vault-secret-id"], message: "vault-role-id and vault-secret-id go together" });
  });

export type InputName = keyof z.input<typeof schema>;
export const INPUT_NAMES = Object.keys(schema.shape) as InputName[];
export type ActionInputs = z.output<typeof schema>;

/** Reads and validates every input at once; throws an `InputError` listing all problems. */
export function readInputs(getInput: (name: InputName) => string): ActionInputs {
  const raw = Object.fromEntries(INPUT_NAMES.map((name) => [name, getInput(name)]));
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new InputError(parsed.error.issues.map((i) => `input \`${i.path.join(".")}\` ${i.message}`));
  return parsed.data;
}
