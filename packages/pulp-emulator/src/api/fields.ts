import { normalizeHref } from "../store/ids";
import { HttpError } from "./errors";
import type { ParsedBody } from "./body";

export type FieldType = "string" | "int" | "number" | "bool" | "object" | "array" | "stringArray" | "href" | "hrefArray" | "choice" | "json";

export interface Field {
  type: FieldType;
  required?: boolean;
  nullable?: boolean;
  /** Applied on create when the field is absent. */
  default?: unknown;
  writeOnly?: boolean;
  min?: number;
  max?: number;
  choices?: readonly string[];
  /** For hrefs: accepted object kinds (see `Resolver`), e.g. `remotes/rpm/rpm`. */
  refs?: readonly string[];
  /** Strings may be empty (DRF `allow_blank`). */
  allowBlank?: boolean;
}

export type Schema = Record<string, Field>;

/** Returns the kind of object an href names (`remotes/rpm/rpm`, `versions/rpm/rpm`, ...) or undefined. */
export type Resolver = (href: string) => string | undefined;

export interface ValidateOptions {
  /** PATCH: absent required fields are fine and defaults are not applied. */
  partial: boolean;
  /** Fill absent fields with defaults (create); PUT keeps stored values instead. Default: !partial. */
  applyDefaults?: boolean;
  /** Read-only field names: accepted and ignored (Pulp's unknown-field check allows them). */
  readOnly?: readonly string[];
  resolve: Resolver;
}

type Errors = Record<string, unknown>;

/**
 * DRF-style validation: unknown fields → "Unexpected field", type coercion (form strings too),
 * explicit nulls for nullable fields. Throws a 400 with every field error at once.
 */
export function validate(schema: Schema, body: ParsedBody, opts: ValidateOptions): Record<string, unknown> {
  const errors: Errors = {};
  const out: Record<string, unknown> = {};
  const form = body.kind === "form";
  for (const key of Object.keys(body.value)) {
    if (!(key in schema) && !opts.readOnly?.includes(key)) errors[key] = ["Unexpected field"];
  }
  for (const [name, field] of Object.entries(schema)) {
    const present = Object.hasOwn(body.value, name);
    if (!present) {
      if (!opts.partial && field.required) errors[name] = ["This field is required."];
      else if ((opts.applyDefaults ?? !opts.partial) && field.default !== undefined) out[name] = structuredClone(field.default);
      continue;
    }
    let raw = body.value[name];
    if (form && Array.isArray(raw) && !isListType(field.type)) raw = raw[raw.length - 1];
    const result = coerce(field, raw, form, opts.resolve);
    if ("error" in result) errors[name] = result.error;
    else out[name] = result.value;
  }
  if (Object.keys(errors).length > 0) throw new HttpError(400, errors);
  return out;
}

const isListType = (t: FieldType): boolean => t === "array" || t === "stringArray" || t === "hrefArray";

const pyType = (v: unknown): string =>
  v === null ? "NoneType" : Array.isArray(v) ? "list" : typeof v === "string" ? "str" : typeof v === "number" ? (Number.isInteger(v) ? "int" : "float") : typeof v === "boolean" ? "bool" : "dict";

type Coerced = { value: unknown } | { error: unknown };

function coerce(field: Field, raw: unknown, form: boolean, resolve: Resolver): Coerced {
  if (raw === null || (form && raw === "" && field.nullable && field.type !== "string")) {
    return field.nullable ? { value: null } : { error: ["This field may not be null."] };
  }
  switch (field.type) {
    case "string":
    case "choice": {
      if (typeof raw !== "string" && typeof raw !== "number") return { error: ["Not a valid string."] };
      const s = String(raw);
      if (s.trim() === "" && !field.allowBlank) return field.nullable && form ? { value: null } : { error: ["This field may not be blank."] };
      if (field.choices && !field.choices.includes(s)) return { error: [`"${s}" is not a valid choice.`] };
      return { value: s };
    }
    case "int":
    case "number": {
      const n = typeof raw === "number" ? raw : typeof raw === "string" && raw.trim() !== "" ? Number(raw) : Number.NaN;
      if (typeof raw === "boolean" || !Number.isFinite(n) || (field.type === "int" && !Number.isInteger(n))) {
        return { error: [field.type === "int" ? "A valid integer is required." : "A valid number is required."] };
      }
      if (field.min !== undefined && n < field.min) return { error: [`Ensure this value is greater than or equal to ${field.min}.`] };
      if (field.max !== undefined && n > field.max) return { error: [`Ensure this value is less than or equal to ${field.max}.`] };
      return { value: n };
    }
    case "bool": {
      if (typeof raw === "boolean") return { value: raw };
      const s = String(raw).toLowerCase();
      if (["true", "1", "yes", "on", "t", "y"].includes(s)) return { value: true };
      if (["false", "0", "no", "off", "f", "n"].includes(s)) return { value: false };
      return { error: ["Must be a valid boolean."] };
    }
    case "object":
    case "json": {
      let v = raw;
      if (typeof v === "string") {
        try {
          v = JSON.parse(v);
        } catch {
          return { error: field.type === "json" ? ["Value must be valid JSON."] : [`Expected a dictionary of items but got type "str".`] };
        }
      }
      if (field.type === "object" && (v === null || typeof v !== "object" || Array.isArray(v))) {
        return { error: [`Expected a dictionary of items but got type "${pyType(v)}".`] };
      }
      return { value: v };
    }
    case "array":
    case "stringArray":
    case "hrefArray": {
      let v = raw;
      if (form && Array.isArray(v) && v.length === 1 && typeof v[0] === "string" && v[0].trim().startsWith("[")) {
        try {
          v = JSON.parse(v[0]);
        } catch {
          // fall through: treated as a one-item list
        }
      }
      if (!Array.isArray(v)) return { error: [`Expected a list of items but got type "${pyType(v)}".`] };
      if (field.type === "array") return { value: v };
      const items: string[] = [];
      const itemErrors: Record<string, unknown> = {};
      v.forEach((item, i) => {
        if (typeof item !== "string") itemErrors[i] = [field.type === "hrefArray" ? `Incorrect type. Expected URL string, received ${pyType(item)}.` : "Not a valid string."];
        else if (field.type === "hrefArray" && field.refs) {
          const r = checkHref(item, field.refs, resolve);
          if ("error" in r) itemErrors[i] = r.error;
          else items.push(r.value as string);
        } else items.push(item);
      });
      return Object.keys(itemErrors).length > 0 ? { error: itemErrors } : { value: items };
    }
    case "href": {
      if (typeof raw !== "string") return { error: [`Incorrect type. Expected URL string, received ${pyType(raw)}.`] };
      return checkHref(raw, field.refs ?? [], resolve);
    }
  }
}

function checkHref(raw: string, refs: readonly string[], resolve: Resolver): Coerced {
  const href = normalizeHref(raw);
  if (!href.startsWith("/pulp/api/v3/")) return { error: ["Invalid hyperlink - No URL match."] };
  const kind = resolve(href);
  if (kind === undefined) return { error: ["Invalid hyperlink - Object does not exist."] };
  if (refs.length > 0 && !refs.includes(kind)) return { error: ["Invalid hyperlink - Incorrect URL match."] };
  return { value: href };
}
