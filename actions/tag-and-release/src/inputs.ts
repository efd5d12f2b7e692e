import { booleanString, parseInputs, requiredString } from "@release-train/release-train/action";
import * as z from "zod";

export const SECRET_INPUTS = ["token"] as const;

const schema = z.object({
  // The workflow may pass the pushed branch (`stackhpc/2025.1`) as the series.
  "release-series": requiredString.transform((s) => s.replace(/^refs\/heads\//, "").replace(/^stackhpc\//, "")),
  path: requiredString,
  prefix: requiredString,
  "upstream-remote": requiredString,
  "downstream-remote": requiredString,
  "push-upstream-tags": booleanString,
  "dry-run": booleanString,
  token: requiredString,
});

export type TagAndReleaseInputs = z.output<typeof schema>;
export const INPUT_NAMES = Object.keys(schema.shape);
export const readInputs = (getInput: (name: string) => string): TagAndReleaseInputs => parseInputs(schema, getInput);
