/**
 * GitHub's published OpenAPI description of api.github.com (@octokit/openapi), used two ways by
 * the stand-in: every request body and response body it sees is validated against the operation's
 * schema (ajv; OpenAPI 3.0 `nullable` is ajv-native), and objects whose required fields the
 * stand-in has no opinion on (the dozens of `*_url` templates of a repository, say) are completed
 * from the schema so responses are whole. Loaded lazily: the description is 13 MB.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Ajv, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

interface Route {
  regex: RegExp;
  template: string;
  literal: number;
  methods: Record<string, JsonObject>;
}

interface Loaded {
  spec: JsonObject;
  routes: Route[];
  ajv: Ajv;
  cache: Map<string, ValidateFunction>;
}

const DOC = "api.github.com.json";
let loaded: Loaded | undefined;

function addFormats(ajv: Ajv): void {
  const mod = addFormatsModule as unknown as ((a: Ajv) => void) | { default: (a: Ajv) => void };
  (typeof mod === "function" ? mod : mod.default)(ajv);
}

function load(): Loaded {
  if (loaded) return loaded;
  const path = createRequire(import.meta.url).resolve("@octokit/openapi/generated/api.github.com.json");
  const spec = JSON.parse(readFileSync(path, "utf8")) as JsonObject;
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true, discriminator: false });
  addFormats(ajv);
  // GitHub's own format for `owner/name`.
  ajv.addFormat("repo.nwo", /^[^/]+\/[^/]+$/);
  ajv.addSchema({ $id: DOC, components: rebase(spec["components"] as Json) });
  const routes: Route[] = Object.entries(spec["paths"] as Record<string, Record<string, JsonObject>>).map(
    ([template, methods]) => {
      const source = template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{[^}]+\}/g, (m) =>
        // `{path}` (contents) and `{ref}` (git refs) span slashes; other parameters do not.
        m === "{path}" || m === "{ref}" ? "(.+)" : "([^/]+)",
      );
      return { regex: new RegExp(`^${source}$`), template, literal: template.replace(/\{[^}]+\}/g, "").length, methods };
    },
  );
  // Most specific template first: `/git/ref/{ref}` before anything with fewer literal characters.
  routes.sort((a, b) => b.literal - a.literal);
  loaded = { spec, routes, ajv, cache: new Map() };
  return loaded;
}

/**
 * Rewrites local `#/components/…` references to the registered document, and OpenAPI 3.0's
 * `nullable` into JSON Schema (ajv only accepts `nullable` next to a `type`; GitHub's description
 * also puts it beside `allOf`/`$ref`).
 */
function rebase(schema: Json): Json {
  if (Array.isArray(schema)) return schema.map(rebase);
  if (schema && typeof schema === "object") {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(schema)) {
      if (k === "nullable") continue;
      out[k] = k === "$ref" && typeof v === "string" && v.startsWith("#/") ? `${DOC}${v}` : rebase(v);
    }
    if (schema["nullable"] !== true) return out;
    if (typeof out["type"] === "string" && !out["enum"]) return { ...out, type: [out["type"], "null"] };
    return { anyOf: [out, { type: "null" }] };
  }
  return schema;
}

function deref(value: Json | undefined): Json | undefined {
  let v = value;
  while (v && typeof v === "object" && !Array.isArray(v) && typeof v["$ref"] === "string") {
    const path = (v["$ref"] as string).replace(/^#\//, "").split("/");
    let target: Json | undefined = load().spec;
    for (const part of path) target = (target as JsonObject | undefined)?.[part];
    v = target;
  }
  return v;
}

export interface GitHubOperation {
  template: string;
  method: string;
  operationId: string;
  op: JsonObject;
}

export function findGitHubOperation(method: string, pathname: string): GitHubOperation | undefined {
  for (const route of load().routes) {
    if (!route.regex.test(pathname)) continue;
    const op = route.methods[method.toLowerCase()];
    if (op) return { template: route.template, method: method.toUpperCase(), operationId: String(op["operationId"]), op };
  }
  return undefined;
}

function validator(key: string, schema: Json): ValidateFunction {
  const { ajv, cache } = load();
  let fn = cache.get(key);
  if (!fn) {
    fn = ajv.compile(rebase(schema) as object);
    cache.set(key, fn);
  }
  return fn;
}

function format(fn: ValidateFunction): string[] {
  return (fn.errors ?? []).slice(0, 8).map((e) => `${e.instancePath || "/"} ${e.message ?? ""}${e.params ? ` ${JSON.stringify(e.params)}` : ""}`);
}

function jsonRequestBody(op: JsonObject): { required: boolean; schema: Json | undefined } {
  const requestBody = deref(op["requestBody"]) as JsonObject | undefined;
  const media = (deref(requestBody?.["content"]) as JsonObject | undefined)?.["application/json"] as JsonObject | undefined;
  return { required: requestBody?.["required"] === true, schema: media?.["schema"] };
}

/** The JSON request body schema of an operation (dereferenced at the top), if it has one. */
export function requestBodySchema(method: string, pathname: string): Json | undefined {
  const found = findGitHubOperation(method, pathname);
  return found ? deref(jsonRequestBody(found.op).schema) : undefined;
}

/** Problems with a request (unknown route or method, body not matching the schema); [] = fine. */
export function validateGitHubRequest(method: string, pathname: string, body: unknown): string[] {
  const found = findGitHubOperation(method, pathname);
  if (!found) return [`${method} ${pathname}: no such operation in api.github.com's OpenAPI description`];
  const { required, schema } = jsonRequestBody(found.op);
  if (body === undefined) return required ? [`${found.operationId}: request body is required`] : [];
  if (!schema) return [];
  const fn = validator(`req ${found.operationId}`, schema);
  return fn(body) ? [] : format(fn).map((m) => `${found.operationId} request ${m}`);
}

/**
 * Problems with a response. Undocumented error statuses (GitHub sends 403/429 for rate limits on
 * any operation) are checked against `basic-error`.
 */
export function validateGitHubResponse(method: string, pathname: string, status: number, body: unknown): string[] {
  const found = findGitHubOperation(method, pathname);
  if (!found) return [`${method} ${pathname}: no such operation`];
  const responses = (found.op["responses"] ?? {}) as JsonObject;
  const documented = deref(responses[String(status)]) as JsonObject | undefined;
  if (!documented) {
    if (status >= 400) {
      const fn = validator("basic-error", { $ref: "#/components/schemas/basic-error" });
      return fn(body) ? [] : format(fn).map((m) => `${found.operationId} ${status} ${m}`);
    }
    return [`${found.operationId}: status ${status} is not documented`];
  }
  const content = deref(documented["content"]) as JsonObject | undefined;
  const schema = (content?.["application/json"] as JsonObject | undefined)?.["schema"];
  if (!schema) return body === undefined || body === "" ? [] : [`${found.operationId} ${status}: documented without a body`];
  const fn = validator(`res ${found.operationId} ${status}`, schema);
  return fn(body) ? [] : format(fn).map((m) => `${found.operationId} ${status} ${m}`);
}

/** Type-appropriate filler for a required field the stand-in does not model. */
function filler(schema: JsonObject, name: string, urlBase: string): Json {
  if (schema["nullable"] === true) return null;
  const type = schema["type"];
  if (Array.isArray(schema["enum"])) return (schema["enum"] as Json[])[0] ?? null;
  if (type === "string") {
    if (schema["format"] === "uri") return `${urlBase}/${name.replace(/_url$/, "")}`;
    if (schema["format"] === "date-time") return "2026-01-01T00:00:00Z";
    if (schema["format"] === "email") return "noreply@example.com";
    return name.endsWith("_url") ? `${urlBase}/${name.replace(/_url$/, "")}` : "";
  }
  if (type === "integer" || type === "number") return 0;
  if (type === "boolean") return false;
  if (type === "array") return [];
  if (type === "object" || schema["properties"]) return complete(schema, {}, urlBase);
  return null;
}

/**
 * Returns `partial` with every required field of `schema` (a components/schemas name or a
 * schema) that it lacks filled in, recursively into objects it does give.
 */
export function complete(schema: string | JsonObject, partial: Record<string, unknown>, urlBase: string): JsonObject {
  let s = (typeof schema === "string" ? deref({ $ref: `#/components/schemas/${schema}` }) : deref(schema)) as JsonObject;
  const all = s["allOf"] as Json[] | undefined;
  if (all) s = Object.assign({}, ...all.map((x) => deref(x) as JsonObject), { required: all.flatMap((x) => ((deref(x) as JsonObject)["required"] ?? []) as Json[]) });
  const one = (s["oneOf"] ?? s["anyOf"]) as Json[] | undefined;
  if (one && !s["properties"]) s = deref(one[0]) as JsonObject;
  const properties = (s["properties"] ?? {}) as Record<string, Json>;
  const out: JsonObject = { ...(partial as JsonObject) };
  for (const name of (s["required"] ?? []) as string[]) {
    const prop = deref(properties[name]) as JsonObject | undefined;
    if (!(name in out)) out[name] = prop ? filler(prop, name, urlBase) : null;
  }
  for (const [name, value] of Object.entries(out)) {
    const prop = deref(properties[name]) as JsonObject | undefined;
    if (prop && value && typeof value === "object" && !Array.isArray(value) && (prop["properties"] || prop["allOf"] || prop["$ref"])) {
      out[name] = complete(prop, value as Record<string, unknown>, urlBase);
    }
  }
  return out;
}
