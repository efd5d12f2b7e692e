import { booleanString, listString, parseInputs, positiveIntString, requiredString } from "@release-train/release-train/action";
import * as z from "zod";

export const SECRET_INPUTS = ["token"] as const;

const schema = z.object({
  config: requiredString,
  owner: requiredString,
  "workflow-ref": requiredString,
  repositories: listString,
  labels: listString,
  concurrency: positiveIntString,
  "dry-run": booleanString,
  token: requiredString,
});

export type SourceRepoSyncInputs = z.output<typeof schema>;
export const INPUT_NAMES = Object.keys(schema.shape);
export const readInputs = (getInput: (name: string) => string): SourceRepoSyncInputs => parseInputs(schema, getInput);
