import { booleanString, listString, optionalString, parseInputs, repositoryString, requiredString } from "@release-train/release-train/action";
import * as z from "zod";

export const SECRET_INPUTS = ["token"] as const;

const schema = z.object({
  "release-series": listString.pipe(z.array(z.string()).min(1, "names no release series")),
  repository: optionalString.pipe(repositoryString.optional()),
  "upstream-repository": optionalString.pipe(repositoryString.optional()),
  "upstream-branch-pattern": requiredString,
  "downstream-branch-pattern": requiredString,
  labels: listString,
  "dry-run": booleanString,
  token: requiredString,
});

export type UpstreamSyncInputs = z.output<typeof schema>;
export const INPUT_NAMES = Object.keys(schema.shape);
export const readInputs = (getInput: (name: string) => string): UpstreamSyncInputs => parseInputs(schema, getInput);
