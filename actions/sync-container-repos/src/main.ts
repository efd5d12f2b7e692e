// Entry point: inputs are checked before the library is loaded, so a bad input fails fast.
import { runAction } from "@release-train/release-train/action";
import { readInputs, SECRET_INPUTS } from "./inputs";

await runAction({
  secretInputs: SECRET_INPUTS,
  readInputs,
  run: async (inputs) => (await import("./run")).run(inputs),
});
