// The first thing every bundled action runs. It reads and checks the inputs with nothing but
// `process.env` and the action's own zod schema, so a bad input fails in a few milliseconds with
// every problem listed; only then does the action load its heavy part (the library, undici,
// @actions/*) through a dynamic import. Runner protocol as in actions/toolkit's core
// (`INPUT_<NAME>`, `::add-mask::`, `::error::`), kept tiny on purpose: importing @actions/core here
// would evaluate undici before the first input is read.
import { escapeData } from "../github/workflow-commands";

/** An input as `core.getInput` returns it: `INPUT_<NAME>` (spaces → `_`, upper case), trimmed. */
export function getInput(name: string, env: NodeJS.ProcessEnv = process.env): string {
  return (env[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`] ?? "").trim();
}

export interface ActionDefinition<Inputs> {
  /** Inputs whose values never reach a log (masked line by line, as the runner matches lines). */
  secretInputs: readonly string[];
  /** Every input at once; throws one error listing all problems. */
  readInputs(get: (name: string) => string): Inputs;
  /** The action's work; load the library inside it with `await import(...)`. */
  run(inputs: Inputs): Promise<void>;
}

export async function runAction<Inputs>(action: ActionDefinition<Inputs>, write = (s: string) => process.stdout.write(s)): Promise<void> {
  for (const name of action.secretInputs) {
    for (const line of getInput(name).split(/\r?\n/)) if (line.trim()) write(`::add-mask::${escapeData(line.trim())}\n`);
  }
  try {
    await action.run(action.readInputs((name) => getInput(name)));
  } catch (error) {
    write(`::error::${escapeData(error instanceof Error ? error.message : String(error))}\n`);
    process.exitCode = 1;
  }
}
export { jsonString, optionalString, parseInputs } from "./inputs";
