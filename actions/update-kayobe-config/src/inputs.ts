import { jsonString, optionalString, parseInputs } from "@release-train/release-train/action";
import * as z from "zod";

export interface UpdateKayobeConfigInputs {
  kayobeConfig: string;
  versions: Record<string, string>;
  githubToken?: string;
  version?: string;
}

export const SECRET_INPUTS = ["github-token"] as const;

const VERSION = /^\d{8}T\d{6}$/;

const schema = z.object({
  "kayobe-config": z.string().trim().min(1, "is required"),
  versions: z
    .string()
    .trim()
    .min(1, "is required")
    .pipe(jsonString('{"<short_name>": "<version>"}'))
    .pipe(
      z.record(z.string(), z.string().regex(VERSION, "must be a snapshot version YYYYMMDDTHHMMSS"), {
        error: 'must be a JSON object {"<short_name>": "<version>"}',
      }),
    ),
  "github-token": optionalString,
  version: optionalString.pipe(z.string().regex(VERSION, "must be YYYYMMDDTHHMMSS").optional()),
});

export const INPUT_NAMES = Object.keys(schema.shape);

export function readInputs(getInput: (name: string) => string): UpdateKayobeConfigInputs {
  const v = parseInputs(schema, getInput);
  return { kayobeConfig: v["kayobe-config"], versions: v.versions, githubToken: v["github-token"], version: v.version };
}
