/**
 * Flatten the DRF 400 shapes Pulp returns (guide §13) into `field → messages`:
 * `{"name": ["…"]}`, `{"non_field_errors": ["…"]}`, a bare list `["…"]` (stored under
 * `non_field_errors`), nested dicts from field validators (`{"base_path": {"base_path": "…"}}`
 * collapses to `base_path`; other nesting becomes `a.b`, list items `a[0].b`).
 */
export type FieldErrors = Record<string, string[]>;

export const NON_FIELD = "non_field_errors";

export function parseFieldErrors(body: unknown): FieldErrors {
  const out: FieldErrors = {};
  const add = (key: string, message: string) => {
    const list = out[key] ?? [];
    list.push(message);
    out[key] = list;
  };
  const walk = (key: string, value: unknown) => {
    if (value === null || value === undefined) return;
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
      add(key, String(value));
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => {
        if (item !== null && typeof item === "object") walk(`${key}[${i}]`, item);
        else walk(key, item);
      });
    } else if (typeof value === "object") {
      for (const [k, v] of Object.entries(value)) {
        // A field validator raising {field: msg} nests under the same name: collapse it.
        const child = key === "" || key === NON_FIELD ? k : k === key || k === NON_FIELD ? key : `${key}.${k}`;
        walk(child, v);
      }
    }
  };
  if (Array.isArray(body) || typeof body === "string") walk(NON_FIELD, body);
  else walk("", body);
  return out;
}

/** `base_path: This field must be unique.; name: …` (non-field messages without a prefix). */
export function formatFieldErrors(errors: FieldErrors): string {
  return Object.entries(errors)
    .map(([field, messages]) => (field === NON_FIELD ? messages.join(" ") : `${field}: ${messages.join(" ")}`))
    .join("; ");
}
