// Input parsing shared by the thin actions: every input checked at once (zod), problems named by
// input, unset inputs ("" from core.getInput) treated as absent.
import { z } from "zod";

export class ActionInputError extends Error {
  override name = "InputError";
  constructor(readonly problems: string[]) {
    super(`invalid inputs:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
}

export const optionalInput = z
  .string()
  .transform((s) => s.trim())
  .transform((s) => (s === "" ? undefined : s));

export const requiredInput = z.string().trim().min(1, "is required");

/** The YAML 1.2 core-schema booleans, as `core.getBooleanInput` accepts them. */
export const booleanInput = z
  .enum(["true", "True", "TRUE", "false", "False", "FALSE"], { error: "must be true or false" })
  .transform((s) => s.toLowerCase() === "true");

export const positiveIntInput = z
  .string()
  .trim()
  .regex(/^[1-9][0-9]*$/, "must be a positive integer")
  .transform(Number);

/** Comma-, space- or newline-separated list. */
export const listInput = z.string().transform((s) => s.split(/[\s,]+/).filter(Boolean));

export const repositoryInput = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9-_.]+\/[A-Za-z0-9-_.]+$/, "must be owner/name");

/** Parses `schema` from `getInput` for every key of the schema; all problems at once. */
export function readActionInputs<S extends z.ZodObject>(schema: S, getInput: (name: string) => string): z.output<S> {
  const raw = Object.fromEntries(Object.keys(schema.shape).map((name) => [name, getInput(name)]));
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new ActionInputError(parsed.error.issues.map((i) => `input \`${i.path.join(".")}\` ${i.message}`));
  return parsed.data;
}
