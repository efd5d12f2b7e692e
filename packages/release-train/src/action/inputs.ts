// zod pieces for action inputs as the runner passes them (strings; "" when unset), shared by the
// actions' `src/inputs.ts`, and one way to report every invalid input at once.
import * as z from "zod";

/** Trimmed; blank → undefined. */
export const optionalString = z
  .string()
  .transform((s) => s.trim())
  .transform((s) => (s === "" ? undefined : s));

/** A JSON document, parsed; `hint` says what was expected. */
export function jsonString(hint: string) {
  return z
    .string()
    .trim()
    .transform((s, ctx) => {
      try {
        return JSON.parse(s) as unknown;
      } catch (e) {
        ctx.addIssue({ code: "custom", message: `is not JSON (${hint}): ${(e as Error).message}` });
        return z.NEVER;
      }
    });
}

/** Parses `INPUT_*` values with `schema`; throws one error listing every problem, by input name. */
export function parseInputs<S extends z.ZodObject>(schema: S, getInput: (name: string) => string): z.output<S> {
  const raw = Object.fromEntries(Object.keys(schema.shape).map((name) => [name, getInput(name)]));
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `input \`${i.path.join(".")}\` ${i.message}`);
  throw new Error(`invalid inputs:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
}
