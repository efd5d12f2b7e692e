// The part of Jinja the Ansible train's package repository entries use: `{{ var }}` and
// `{{ var | default(...) }}`, evaluated from the other variables of the same directory (which may
// themselves hold such references). Anything else is reported, never passed on as literal text —
// a remote URL of "{{ docker_mirror | regex_replace(...) }}" would only fail at sync time.

const EXPRESSION = /\{\{(.*?)\}\}/gs;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const MAX_DEPTH = 10;

export type Rendered = { ok: true; value: unknown } | { ok: false; message: string };

/** Whether a string holds any Jinja markup (`{{ }}`, `{% %}`, `{# #}`). */
export function hasJinja(text: string): boolean {
  return /\{\{|\{%|\{#/.test(text);
}

/**
 * Renders `text` with `variables`. A field that is exactly one expression keeps the variable's
 * type (a boolean stays a boolean); otherwise the results are joined as text.
 */
export function renderTemplate(text: string, variables: Record<string, unknown>, depth = 0): Rendered {
  if (depth > MAX_DEPTH) return { ok: false, message: `variables refer to each other in a loop (more than ${MAX_DEPTH} levels)` };
  if (/\{%|\{#/.test(text)) return { ok: false, message: `Jinja statements and comments ({% %}, {# #}) are not supported here: ${JSON.stringify(text)}` };
  const whole = /^\{\{(.*?)\}\}$/s.exec(text);
  if (whole && !whole[1]?.includes("}}")) return evaluate(whole[1] as string, variables, depth);
  let failure: string | undefined;
  const value = text.replace(EXPRESSION, (_match, inner: string) => {
    const result = evaluate(inner, variables, depth);
    if (!result.ok) {
      failure ??= result.message;
      return "";
    }
    return result.value === null || result.value === undefined ? "" : String(result.value);
  });
  if (failure) return { ok: false, message: failure };
  if (value.includes("{{") || value.includes("}}")) return { ok: false, message: `unbalanced Jinja braces in ${JSON.stringify(text)}` };
  return { ok: true, value };
}

/** One `{{ … }}`: a variable, optionally `| default(literal or variable[, true])`. */
function evaluate(expression: string, variables: Record<string, unknown>, depth: number): Rendered {
  const parts = expression.split("|").map((p) => p.trim());
  const name = parts[0] ?? "";
  if (!NAME.test(name) || parts.length > 2) return unsupported(expression);
  let fallback: { value: unknown; ifFalsy: boolean } | undefined;
  if (parts.length === 2) {
    const m = /^default\s*\((.*)\)$/s.exec(parts[1] as string);
    if (!m) return unsupported(expression);
    const args = splitArgs(m[1] as string);
    if (!args || args.length < 1 || args.length > 2) return unsupported(expression);
    const value = literal(args[0] as string, variables, depth);
    if (!value.ok) return value;
    const ifFalsy = args[1] === undefined ? false : /^(true|True)$/.test(args[1]) ? true : /^(false|False)$/.test(args[1]) ? false : undefined;
    if (ifFalsy === undefined) return unsupported(expression);
    fallback = { value: value.value, ifFalsy };
  }
  const defined = Object.hasOwn(variables, name) && variables[name] !== undefined;
  const raw = defined ? variables[name] : undefined;
  if (!defined || (fallback?.ifFalsy && !raw)) {
    if (fallback) return { ok: true, value: fallback.value };
    return { ok: false, message: `"{{${expression}}}": variable "${name}" is not defined in this directory` };
  }
  if (typeof raw === "string" && hasJinja(raw)) {
    const nested = renderTemplate(raw, variables, depth + 1);
    return nested.ok ? nested : { ok: false, message: `in variable "${name}": ${nested.message}` };
  }
  if (raw !== null && typeof raw === "object") return { ok: false, message: `"{{${expression}}}": variable "${name}" is not a single value` };
  return { ok: true, value: raw };
}

/** A default's argument: a quoted string, number, boolean, or another variable. */
function literal(arg: string, variables: Record<string, unknown>, depth: number): Rendered {
  const quoted = /^(['"])(.*)\1$/s.exec(arg);
  if (quoted) return { ok: true, value: quoted[2] };
  if (/^-?\d+(\.\d+)?$/.test(arg)) return { ok: true, value: Number(arg) };
  if (/^(true|True)$/.test(arg)) return { ok: true, value: true };
  if (/^(false|False)$/.test(arg)) return { ok: true, value: false };
  if (NAME.test(arg)) return evaluate(arg, variables, depth);
  return { ok: false, message: `default(${arg}): only a quoted string, a number, a boolean or a variable is supported` };
}

/** Comma-separated arguments, commas inside quotes kept; undefined when quotes do not close. */
function splitArgs(text: string): string[] | undefined {
  const args: string[] = [];
  let current = "";
  let quote: string | undefined;
  for (const ch of text) {
    if (quote) {
      current += ch;
      if (ch === quote) quote = undefined;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      current += ch;
    } else if (ch === ",") {
      args.push(current.trim());
      current = "";
    } else current += ch;
  }
  if (quote) return undefined;
  args.push(current.trim());
  return args;
}

function unsupported(expression: string): Rendered {
  return {
    ok: false,
    message: `"{{${expression}}}" is not supported here: only {{ variable }} and {{ variable | default(...) }} are evaluated`,
  };
}
