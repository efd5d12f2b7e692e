import { jsonString, optionalString, parseInputs } from "@release-train/release-train/action";
import * as z from "zod";

export interface SlackAlertInputs {
  webhookUrl?: string;
  needs: Record<string, { result?: string }>;
  text?: string;
}

export const SECRET_INPUTS = ["webhook-url"] as const;

const schema = z.object({
  "webhook-url": optionalString.pipe(z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).optional()),
  needs: jsonString("pass the toJSON(needs) expression").pipe(
    z.record(z.string(), z.object({ result: z.string().optional() }).loose(), { error: "must be the needs context as JSON" }),
  ),
  text: optionalString,
});

export const INPUT_NAMES = Object.keys(schema.shape);

export function readInputs(getInput: (name: string) => string): SlackAlertInputs {
  const v = parseInputs(schema, getInput);
  return { webhookUrl: v["webhook-url"], needs: v.needs, text: v.text };
}
