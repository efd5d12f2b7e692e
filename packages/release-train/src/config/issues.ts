// Turns zod issues into short messages about the user's YAML (zod's defaults speak TypeScript).
import type * as z from "zod";
import type { PathSegment } from "./yaml-path";

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return `${typeof value} ${JSON.stringify(value)}`;
}

export interface IssueProblem {
  path: PathSegment[];
  /** Whether the position to report is the key (unknown fields) rather than the value. */
  at: "key" | "value";
  message: string;
}

export function issueProblems(issue: z.core.$ZodIssue, allowedFields: readonly string[]): IssueProblem[] {
  const path = issue.path.filter((p): p is PathSegment => typeof p !== "symbol");
  switch (issue.code) {
    case "unrecognized_keys":
      return issue.keys.map((key) => ({
        path: [...path, key],
        at: "key",
        message: `unknown field "${key}" (known fields: ${allowedFields.join(", ")})`,
      }));
    case "invalid_type": {
      if (issue.input === undefined) return [{ path, at: "value", message: "is required" }];
      const expected = issue.expected === "object" ? "a mapping" : issue.expected === "array" ? "a list" : `a ${issue.expected}`;
      return [{ path, at: "value", message: `must be ${expected}, got ${describe(issue.input)}` }];
    }
    case "invalid_value":
      return [
        {
          path,
          at: "value",
          message: `must be one of ${issue.values.map((v) => String(v)).join(", ")}, got ${describe(issue.input)}`,
        },
      ];
    default:
      return [{ path, at: "value", message: issue.message }];
  }
}
