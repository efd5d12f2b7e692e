// Reads a module-level Python literal (a dict/list of strings, as kayobe-config's
// tools/kolla-images.py defines its exception tables) without running Python: only string, list,
// dict and tuple literals are understood; anything else is an error naming the variable.

export type PyValue = string | PyValue[] | { [key: string]: PyValue };

export class PythonLiteralError extends Error {
  override name = "PythonLiteralError";
}

interface Token {
  kind: "str" | "punct";
  value: string;
  offset: number;
}

function tokenize(text: string, start: number): Generator<Token> {
  let i = start;
  return (function* () {
    while (i < text.length) {
      const c = text[i] as string;
      if (c === "#") {
        while (i < text.length && text[i] !== "\n") i++;
      } else if (/\s/.test(c)) i++;
      else if ("{}[]():,".includes(c)) yield { kind: "punct", value: c, offset: i++ };
      else if (c === '"' || c === "'") {
        const offset = i;
        let value = "";
        i++;
        while (i < text.length && text[i] !== c) {
          if (text[i] === "\\") {
            const next = text[i + 1] ?? "";
            value += next === "n" ? "\n" : next === "t" ? "\t" : next;
            i += 2;
          } else if (text[i] === "\n") throw new PythonLiteralError(`unterminated string at offset ${offset}`);
          else value += text[i++];
        }
        i++;
        yield { kind: "str", value, offset };
      } else {
        yield { kind: "punct", value: c, offset: i++ };
      }
    }
  })();
}

/** Line (1-based) of an offset, for messages. */
export function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text[i] === "\n") line++;
  return line;
}

/**
 * The literal assigned to `name` at module level (`NAME = …` or `NAME: <annotation> = …`), or
 * undefined when the module has no such assignment.
 */
export function readPythonAssignment(source: string, name: string): { value: PyValue; line: number } | undefined {
  const match = new RegExp(`^${name}\\s*(?::[^=\\n]*)?=\\s*`, "m").exec(source);
  if (!match) return undefined;
  const tokens = tokenize(source, match.index + match[0].length);
  const next = (): Token => {
    const t = tokens.next();
    if (t.done) throw new PythonLiteralError(`${name}: unexpected end of file`);
    return t.value;
  };
  const fail = (t: Token, what: string): never => {
    throw new PythonLiteralError(`${name}: line ${lineOf(source, t.offset)}: expected ${what}, found ${JSON.stringify(t.value)}`);
  };
  const parse = (t: Token): PyValue => {
    if (t.kind === "str") {
      // Adjacent string literals concatenate, as in Python; stop at anything else.
      return t.value;
    }
    if (t.value === "[" || t.value === "(") {
      const close = t.value === "[" ? "]" : ")";
      const items: PyValue[] = [];
      for (let u = next(); u.value !== close || u.kind !== "punct"; ) {
        items.push(parse(u));
        u = next();
        if (u.kind === "punct" && u.value === ",") u = next();
        else if (!(u.kind === "punct" && u.value === close)) fail(u, `"," or "${close}"`);
      }
      return items;
    }
    if (t.value === "{") {
      const out: Record<string, PyValue> = {};
      for (let u = next(); !(u.kind === "punct" && u.value === "}"); ) {
        if (u.kind !== "str") fail(u, "a string key");
        const colon = next();
        if (colon.value !== ":") fail(colon, '":"');
        out[u.value] = parse(next());
        u = next();
        if (u.kind === "punct" && u.value === ",") u = next();
        else if (!(u.kind === "punct" && u.value === "}")) fail(u, '"," or "}"');
      }
      return out;
    }
    return fail(t, "a string, list or dict literal");
  };
  return { value: parse(next()), line: lineOf(source, match.index) };
}
