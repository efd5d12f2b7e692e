// Entry point: inputs are checked before the rest is loaded.
import { runAction } from "@release-train/release-train/action";
import { readInputs, SECRET_INPUTS } from "./inputs";

await runAction({
  secretInputs: SECRET_INPUTS,
  readInputs,
  run: async (inputs) => (await import("./run")).run(inputs),
});
