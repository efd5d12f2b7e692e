/**
 * Validation of request and response bodies against the OpenAPI spec served by a real Pulp
 * (../shared/pulp/openapi). The spec is OpenAPI 3.0, so it is converted to JSON Schema first:
 * `nullable` becomes a `null` alternative, `readOnly` fields may be sent (Pulp accepts and ignores
 * them), `writeOnly` fields must never be echoed, and formats Pulp uses loosely (`uri` for relative
 * hrefs) are lenient. Where real Pulp knowingly departs from its spec, `SPEC_DEVIATIONS` (with
 * evidence) patches it; nowhere else. Everything is loaded lazily on first use: the spec is 2.5 MB.
 */
import { readFileSync } from "node:fs";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import { openapiSpecPath } from "./shared";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

export interface Operation {
  method: string;
  /** The spec's path template, e.g. `{rpm_rpm_remote_href}sync/`. */
  template: string;
  operationId: string;
  /** Schema of the JSON request body, if the operation takes one. */
  requestSchema?: JsonObject;
  /** Schema of a form-encoded (urlencoded or multipart) request body. */
  formSchema?: JsonObject;
  requestRequired: boolean;
  /** Response JSON schema by status code ("200", "202"…); null = documented without a body. */
  responses: Record<string, JsonObject | null>;
}

interface Route {
  regex: RegExp;
  placeholders: number;
  literalLength: number;
  template: string;
  methods: Map<string, Operation>;
}

interface Loaded {
  routes: Route[];
  components: JsonObject;
  ajv: Ajv;
  /** Same schemas, coercing strings: form-encoded bodies carry every value as text. */
  formAjv: Ajv;
  cache: Map<string, ValidateFunction>;
}

let loaded: Loaded | undefined;

const METHODS = ["get", "put", "post", "patch", "delete", "head", "options"];
const REQUEST_DOC = "pulp-request.json";
const RESPONSE_DOC = "pulp-response.json";

function load(): Loaded {
  if (loaded) return loaded;
  const path = openapiSpecPath();
  if (!path) throw new Error("OpenAPI spec not found: ../shared is absent (set PULP_OPENAPI_SPEC)");
  const spec = JSON.parse(readFileSync(path, "utf8")) as JsonObject;
  const components = ((spec["components"] as JsonObject | undefined)?.["schemas"] ?? {}) as JsonObject;
  const patched = applyDeviations(components);
  const requestDoc = { $id: REQUEST_DOC, components: { schemas: convertAll(patched, "request") } };
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  ajv.addSchema(requestDoc);
  ajv.addSchema({ $id: RESPONSE_DOC, components: { schemas: convertAll(patched, "response") } });
  const formAjv = new Ajv({ strict: false, allErrors: true, validateFormats: true, coerceTypes: "array" });
  addFormats(formAjv);
  formAjv.addSchema(requestDoc);
  loaded = { routes: buildRoutes(spec), components, ajv, formAjv, cache: new Map() };
  return loaded;
}

// ajv-formats is CommonJS; under ESM interop its callable may sit on `.default`.
function addFormats(ajv: Ajv): void {
  const mod = addFormatsModule as unknown as
    | ((a: Ajv) => void)
    | { default: (a: Ajv) => void };
  const fn = typeof mod === "function" ? mod : mod.default;
  fn(ajv);
  // Pulp types relative hrefs ("/pulp/api/v3/…/") as `uri`; any string is accepted.
  ajv.addFormat("uri", true);
  for (const f of ["int64", "int32", "double", "float", "binary", "byte", "password"]) {
    ajv.addFormat(f, true);
  }
}

// ---------------------------------------------------------------------------------------------
// Known disagreements between the generated spec and real Pulp: the one place they are handled.

export interface SpecDeviation {
  /** Component schemas (`#/components/schemas/<name>`) whose properties are replaced. */
  schemas: string[];
  properties: string[];
  /** What real Pulp sends (and accepts) instead, as an OpenAPI 3.0 schema. */
  actual: JsonObject;
  /** Where the real behaviour is shown. */
  evidence: string;
}

/**
 * Property schemas replaced before validation. Keep this small: an entry needs evidence that a
 * real server does it; anything else the emulator sends against the spec is an emulator bug.
 */
export const SPEC_DEVIATIONS: readonly SpecDeviation[] = [
  {
    schemas: ["TaskResponse"],
    properties: ["error"],
    // The spec types it as a map of objects.
    actual: {
      type: "object",
      properties: { description: { type: "string" }, traceback: { type: "string", nullable: true } },
      required: ["description"],
      additionalProperties: { type: "string", nullable: true },
    },
    evidence:
      "guide.md §12: a failed task's error is {description: str, traceback: str} " +
      "(core@3.24.0 exceptions/base.py exception_to_dict), traceback null when redacted, error_code str (≥3.103)",
  },
  {
    schemas: ["User", "PatchedUser", "UserResponse"],
    properties: ["email"],
    // `format: email` cannot express Django's blank default (AbstractUser.email blank=True).
    // biome-ignore lint/suspicious/noThenProperty: JSON Schema if/then, not a thenable
    actual: { type: "string", if: { minLength: 1 }, then: { format: "email" } },
    evidence:
      "spec User.email has no minLength: 1, which drf-spectacular emits for every non-blank string " +
      "(User.username has it; first_name/last_name, blank by default, do not): the serializer allows \"\"",
  },
  {
    schemas: ["rpm.PackageResponse"],
    properties: [
      "changelogs",
      "files",
      "requires",
      "provides",
      "conflicts",
      "obsoletes",
      "suggests",
      "enhances",
      "recommends",
      "supplements",
    ],
    actual: { type: "array", items: {} },
    evidence:
      "spec rpm.PackageResponse: these JSONFields are typed `object` but declare `default: \"[]\"` " +
      "(pulp_rpm stores them as lists of createrepo_c tuples)",
  },
];

/** A copy of the spec's component schemas with every SPEC_DEVIATIONS entry applied. */
function applyDeviations(components: JsonObject): JsonObject {
  const out: JsonObject = { ...components };
  for (const d of SPEC_DEVIATIONS) {
    for (const name of d.schemas) {
      const schema = out[name];
      if (!isObject(schema) || !isObject(schema["properties"])) throw new Error(`spec deviation: no schema ${name}`);
      const props: JsonObject = { ...schema["properties"] };
      for (const property of d.properties) {
        const original = props[property];
        if (!isObject(original)) throw new Error(`spec deviation: no property ${name}.${property}`);
        // Keep the annotations (readOnly, writeOnly, description) the conversion relies on.
        const { type: _t, format: _f, additionalProperties: _a, default: _d, ...annotations } = original;
        props[property] = { ...annotations, ...d.actual };
      }
      out[name] = { ...schema, properties: props };
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Path templates → concrete path regexes.

/**
 * Href placeholders such as `{rpm_rpm_remote_href}` stand for a whole path. Their shape comes
 * from the collection the object lives in: the operation on `{x_href}` has an id like
 * `remotes_rpm_rpm_read`, and the operation `remotes_rpm_rpm_list` (or `_create`) sits on the
 * collection path, so the href is `<collection path><id>/`. Collections may themselves be nested
 * under an href (repository versions under `{…_repository_href}versions/`).
 */
function buildRoutes(spec: JsonObject): Route[] {
  const paths = (spec["paths"] ?? {}) as Record<string, JsonObject>;
  const opPaths = new Map<string, string>();
  for (const [template, item] of Object.entries(paths)) {
    for (const m of METHODS) {
      const op = item[m] as JsonObject | undefined;
      if (op && typeof op["operationId"] === "string") opPaths.set(op["operationId"], template);
    }
  }
  const hrefPatterns = new Map<string, string>();
  const resolving = new Set<string>();

  const hrefPattern = (name: string): string => {
    const known = hrefPatterns.get(name);
    if (known) return known;
    let pattern = "[^/?#]+"; // plain path parameter (e.g. `{path}`)
    if (name.endsWith("_href") && !resolving.has(name)) {
      resolving.add(name);
      pattern = "(?!)"; // an href whose collection cannot be found is not routable
      const item = paths[`{${name}}`];
      for (const m of METHODS) {
        const op = item?.[m] as JsonObject | undefined;
        const id = op?.["operationId"];
        if (typeof id !== "string") continue;
        const prefix = id.replace(/_(read|delete|update|partial_update)$/, "");
        const collection = opPaths.get(`${prefix}_list`) ?? opPaths.get(`${prefix}_create`);
        if (collection) {
          pattern = `${templateRegex(collection)}[^/?#]+/`;
          break;
        }
      }
      resolving.delete(name);
    }
    hrefPatterns.set(name, pattern);
    return pattern;
  };

  const templateRegex = (template: string): string =>
    template
      .split(/(\{\w+\})/)
      .map((part) => {
        const m = /^\{(\w+)\}$/.exec(part);
        return m ? hrefPattern(m[1]!) : escapeRegex(part);
      })
      .join("");

  const routes: Route[] = [];
  for (const [template, item] of Object.entries(paths)) {
    const methods = new Map<string, Operation>();
    for (const m of METHODS) {
      const op = item[m] as JsonObject | undefined;
      if (op) methods.set(m.toUpperCase(), toOperation(m.toUpperCase(), template, op));
    }
    const source = templateRegex(template);
    routes.push({
      regex: new RegExp(`^${source}$`),
      placeholders: (template.match(/\{/g) ?? []).length,
      literalLength: source.replace(/\[\^[^\]]*\]\+|\(\?:[^)]*\)\?/g, "").length,
      template,
      methods,
    });
  }
  // Most specific first: fewer placeholders, then more literal text.
  routes.sort((a, b) => a.placeholders - b.placeholders || b.literalLength - a.literalLength);
  return routes;
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function contentSchema(content: Json | undefined, ...types: string[]): JsonObject | undefined {
  if (!isObject(content)) return undefined;
  for (const type of types) {
    const media = content[type];
    if (isObject(media) && isObject(media["schema"])) return media["schema"];
  }
  return undefined;
}

function jsonContentSchema(content: Json | undefined): JsonObject | undefined {
  return contentSchema(content, "application/json");
}

function toOperation(method: string, template: string, op: JsonObject): Operation {
  const requestBody = op["requestBody"] as JsonObject | undefined;
  const responses: Record<string, JsonObject | null> = {};
  for (const [status, resp] of Object.entries((op["responses"] ?? {}) as JsonObject)) {
    responses[status] = jsonContentSchema((resp as JsonObject)["content"]) ?? null;
  }
  const requestSchema = jsonContentSchema(requestBody?.["content"]);
  const formSchema = contentSchema(
    requestBody?.["content"],
    "application/x-www-form-urlencoded",
    "multipart/form-data",
  );
  return {
    method,
    template,
    operationId: String(op["operationId"] ?? ""),
    ...(requestSchema ? { requestSchema } : {}),
    ...(formSchema ? { formSchema } : {}),
    requestRequired: requestBody?.["required"] === true,
    responses,
  };
}

/** Strip scheme/host and query from a URL or path, keeping the path. */
function pathOnly(pathOrUrl: string): string {
  const noHost = pathOrUrl.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]+/i, "");
  return noHost.replace(/[?#].*$/, "") || "/";
}

/**
 * The spec operation serving `method` on a concrete path (query string and host ignored), e.g.
 * `findOperation("PATCH", "/pulp/api/v3/remotes/rpm/rpm/<uuid>/")` → template
 * `{rpm_rpm_remote_href}`. Undefined if no path template or method matches.
 */
export function findOperation(method: string, path: string): Operation | undefined {
  const { routes } = load();
  const p = pathOnly(path);
  const m = method.toUpperCase();
  for (const route of routes) {
    if (route.regex.test(p)) {
      const op = route.methods.get(m);
      if (op) return op;
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// OpenAPI 3.0 schema → JSON Schema (draft 7 as ajv understands it).

type Mode = "request" | "response";

function convertAll(schemas: JsonObject, mode: Mode): JsonObject {
  const out: JsonObject = {};
  for (const [name, schema] of Object.entries(schemas)) {
    const converted = convert(schema, mode);
    out[name] =
      mode === "request"
        ? allowReadOnlyOf(name, converted, schemas)
        : forbidWriteOnlyOf(name, converted, schemas);
  }
  return out;
}

/**
 * drf-spectacular splits components: `rpm.RpmRemote` (request) has no read-only fields, they
 * live on `rpm.RpmRemoteResponse`. Pulp accepts them in requests and ignores them, so they are
 * allowed here ({}), together with the request fields; anything else is an unknown field that
 * Pulp rejects with "Unexpected field".
 */
function allowReadOnlyOf(name: string, schema: Json, all: JsonObject): Json {
  if (!isObject(schema) || !isObject(schema["properties"])) return schema;
  const base = name.startsWith("Patched") ? name.slice("Patched".length) : name;
  const response = all[`${base}Response`];
  if (!isObject(response) || !isObject(response["properties"])) return schema;
  const props: JsonObject = { ...schema["properties"] };
  for (const [key, prop] of Object.entries(response["properties"])) {
    if (!(key in props) && isObject(prop) && prop["readOnly"] === true) props[key] = {};
  }
  return { ...schema, properties: props };
}

/** `rpm.RpmRemoteResponse` omits `password` & co.; their presence in a response is a leak. */
function forbidWriteOnlyOf(name: string, schema: Json, all: JsonObject): Json {
  if (!name.endsWith("Response") || !isObject(schema) || !isObject(schema["properties"])) return schema;
  const request = all[name.slice(0, -"Response".length)];
  if (!isObject(request) || !isObject(request["properties"])) return schema;
  const props: JsonObject = { ...schema["properties"] };
  for (const [key, prop] of Object.entries(request["properties"])) {
    if (!(key in props) && isObject(prop) && prop["writeOnly"] === true) props[key] = false;
  }
  return { ...schema, properties: props };
}

function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function convert(schema: Json, mode: Mode): Json {
  if (Array.isArray(schema)) return schema.map((s) => convert(s, mode));
  if (!isObject(schema)) return schema;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === "$ref" && typeof value === "string") {
      out[key] = value.startsWith("#/")
        ? `${mode === "request" ? REQUEST_DOC : RESPONSE_DOC}${value}`
        : value;
    } else if (key === "properties" && isObject(value)) {
      const props: JsonObject = {};
      for (const [name, prop] of Object.entries(value)) {
        // A write-only field (password, client_key…) must never appear in a response.
        if (mode === "response" && isObject(prop) && prop["writeOnly"] === true) {
          props[name] = false;
        } else {
          props[name] = mode === "response" ? nullableJson(convert(prop, mode)) : convert(prop, mode);
        }
      }
      out[key] = props;
    } else if (key === "items" && mode === "response" && isObject(value)) {
      out[key] = nullableJson(convert(value, mode));
    } else if (key === "nullable" || key === "discriminator" || key === "example") {
      // handled below / annotations only
    } else {
      out[key] = convert(value, mode);
    }
  }
  if (Array.isArray(out["required"]) && isObject(schema["properties"])) {
    const props = schema["properties"];
    const skip = mode === "request" ? "readOnly" : "writeOnly";
    out["required"] = out["required"].filter((r) => {
      const prop = typeof r === "string" ? props[r] : undefined;
      return !(isObject(prop) && prop[skip] === true);
    });
  }
  // Request objects: reject unknown fields as Pulp does (responses may carry newer fields).
  if (
    mode === "request" &&
    isObject(out["properties"]) &&
    out["additionalProperties"] === undefined &&
    !out["allOf"] &&
    !out["oneOf"] &&
    !out["anyOf"]
  ) {
    out["additionalProperties"] = false;
  }
  if (schema["nullable"] === true) return nullable(out);
  return out;
}

/**
 * Pulp's generated spec under-declares nullability in responses: real servers return null for
 * `task.error`, `parent_task`, `worker`, remote `headers`, rpm `gpgcheck` (newer rpm), file
 * `md5`… (seen throughout the recordings), so response properties and items may be null.
 */
function nullableJson(schema: Json): Json {
  if (schema === false || !isObject(schema)) return schema;
  return nullable(schema);
}

function nullable(schema: JsonObject): JsonObject {
  if (Array.isArray(schema["anyOf"]) && schema["anyOf"].some((s) => isObject(s) && s["type"] === "null")) {
    return schema;
  }
  if (Array.isArray(schema["type"]) && schema["type"].includes("null")) return schema;
  const { description, title, default: dflt, readOnly, writeOnly, ...rest } = schema;
  if (typeof rest["type"] === "string" && !rest["enum"] && !rest["$ref"] && !rest["allOf"]) {
    return { ...schema, type: [rest["type"], "null"] };
  }
  const annotations: JsonObject = {};
  if (description !== undefined) annotations["description"] = description;
  if (title !== undefined) annotations["title"] = title;
  if (dflt !== undefined) annotations["default"] = dflt;
  if (readOnly !== undefined) annotations["readOnly"] = readOnly;
  if (writeOnly !== undefined) annotations["writeOnly"] = writeOnly;
  return { ...annotations, anyOf: [{ type: "null" }, rest] };
}

// ---------------------------------------------------------------------------------------------
// Validation.

function validator(doc: string, key: string, schema: JsonObject, form = false): ValidateFunction {
  const state = load();
  const cacheKey = `${doc}|${key}|${form}`;
  let fn = state.cache.get(cacheKey);
  if (!fn) {
    const mode: Mode = doc === REQUEST_DOC ? "request" : "response";
    fn = (form ? state.formAjv : state.ajv).compile(convert(schema, mode) as JsonObject);
    state.cache.set(cacheKey, fn);
  }
  return fn;
}

function formatErrors(errors: ErrorObject[] | null | undefined): string[] {
  if (!errors) return [];
  const seen = new Set<string>();
  const out: string[] = [];
  for (const e of errors) {
    // anyOf alternatives of a nullable field repeat the real error plus "must be null": skip those.
    // `if` repeats its `then` branch's error.
    if (e.keyword === "anyOf" || e.keyword === "if" || (e.keyword === "type" && e.params["type"] === "null")) continue;
    const where = e.instancePath || "/";
    let msg: string;
    if (e.keyword === "additionalProperties") {
      msg = `${e.instancePath}/${String(e.params["additionalProperty"])}: Unexpected field`;
    } else if (e.keyword === "false schema") {
      msg = `${where}: write-only field must not be returned`;
    } else if (e.keyword === "type") {
      msg = `${where}: must be ${String(e.params["type"]).split(",").join(" or ")}`;
    } else if (e.keyword === "enum") {
      msg = `${where}: must be one of ${JSON.stringify(e.params["allowedValues"])}`;
    } else {
      msg = `${where}: ${e.message ?? e.keyword}`;
    }
    if (!seen.has(msg)) {
      seen.add(msg);
      out.push(msg);
    }
  }
  return out;
}

export interface RequestOptions {
  /**
   * `application/x-www-form-urlencoded` (Pulp accepts it everywhere, the release train's RBAC
   * calls use it): `body` may then be a string, URLSearchParams or a record of strings; values
   * are coerced to the schema's types and repeated keys become arrays.
   */
  contentType?: string;
}

function formToObject(body: unknown): Record<string, unknown> {
  const params =
    body instanceof URLSearchParams
      ? body
      : typeof body === "string"
        ? new URLSearchParams(body)
        : new URLSearchParams(
            Object.entries(body as Record<string, unknown>).flatMap(([k, v]) =>
              (Array.isArray(v) ? v : [v]).map((x): [string, string] => [k, String(x)]),
            ),
          );
  const out: Record<string, unknown> = {};
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key);
    out[key] = values.length > 1 ? values : values[0];
  }
  return out;
}

/**
 * Errors of a request body against the operation's requestBody schema ([] = valid): JSON by
 * default, form-encoded with `contentType`. Read-only fields are accepted, unknown fields are
 * not (Pulp: "Unexpected field"). An unknown path/method is an error.
 */
export function validateRequest(
  method: string,
  path: string,
  body: unknown,
  options: RequestOptions = {},
): string[] {
  const form = /x-www-form-urlencoded/i.test(options.contentType ?? "");
  if (form && body !== undefined && body !== null) body = formToObject(body);
  const op = findOperation(method, path);
  if (!op) return [`no operation ${method.toUpperCase()} ${pathOnly(path)} in the OpenAPI spec`];
  const schema = form ? op.formSchema : op.requestSchema;
  if (!schema) {
    if (body === undefined || body === null) return [];
    if (isObject(body as Json) && Object.keys(body as object).length === 0) return [];
    if (!form && op.formSchema) return [`${op.operationId} accepts only form-encoded bodies`];
    return [`${op.operationId} takes no request body`];
  }
  if (body === undefined || body === null) {
    return op.requestRequired ? [`${op.operationId}: request body is required`] : [];
  }
  const fn = validator(REQUEST_DOC, `${op.method} ${op.template}${form ? " form" : ""}`, schema, form);
  return fn(body) ? [] : formatErrors(fn.errors).map((e) => `${op.operationId} ${e}`);
}

/**
 * Errors of a response body against the schema documented for that status ([] = valid).
 * Statuses the spec does not list (400/404 errors…) and unknown paths yield []. `path` may carry
 * the query string: fields left out on request (`fields=`, `exclude_fields=`) are not missing.
 */
export function validateResponse(
  method: string,
  path: string,
  status: number,
  body: unknown,
): string[] {
  const op = findOperation(method, path);
  if (!op) return [];
  const key = String(status);
  if (!(key in op.responses)) return [];
  const schema = op.responses[key];
  if (!schema) {
    const empty = body === undefined || body === null || body === "";
    return empty ? [] : [`${op.operationId} ${status}: expected no body`];
  }
  const fn = validator(RESPONSE_DOC, `${op.method} ${op.template} ${key}`, schema);
  if (fn(body)) return [];
  const omitted = omittedFields(path);
  const errors = (fn.errors ?? []).filter((e) => !omitted(e));
  return formatErrors(errors).map((e) => `${op.operationId} ${status} ${e}`);
}

/**
 * `?fields=` / `?exclude_fields=` (declared on Pulp's list and read operations, guide §4) make
 * Pulp leave fields out of each object, required ones included: those absences are not errors.
 */
function omittedFields(pathOrUrl: string): (e: ErrorObject) => boolean {
  const query = new URLSearchParams(/\?([^#]*)/.exec(pathOrUrl)?.[1] ?? "");
  const list = (name: string) => query.getAll(name).flatMap((v) => v.split(",")).filter(Boolean);
  const fields = list("fields");
  const excluded = list("exclude_fields");
  if (fields.length === 0 && excluded.length === 0) return () => false;
  return (e) => {
    if (e.keyword !== "required" || !/^(\/results\/\d+)?$/.test(e.instancePath)) return false;
    const missing = String(e.params["missingProperty"]);
    return excluded.includes(missing) || (fields.length > 0 && !fields.includes(missing));
  };
}

// ---------------------------------------------------------------------------------------------
// Field sets (for replay comparisons and for building bodies from recorded objects).

/** Every property name of every object schema reachable from `schema` (refs followed once). */
function propertyNames(schema: Json | undefined, out = new Set<string>(), seen = new Set<string>()): Set<string> {
  if (Array.isArray(schema)) {
    for (const s of schema) propertyNames(s, out, seen);
    return out;
  }
  if (!isObject(schema)) return out;
  const ref = schema["$ref"];
  if (typeof ref === "string" && ref.startsWith("#/components/schemas/")) {
    const name = ref.slice("#/components/schemas/".length);
    if (!seen.has(name)) {
      seen.add(name);
      propertyNames(load().components[name], out, seen);
    }
  }
  if (isObject(schema["properties"])) {
    for (const [key, prop] of Object.entries(schema["properties"])) {
      out.add(key);
      propertyNames(prop, out, seen);
    }
  }
  for (const key of ["items", "allOf", "anyOf", "oneOf", "additionalProperties"]) {
    propertyNames(schema[key], out, seen);
  }
  return out;
}

/**
 * Names of all fields the spec defines anywhere in the response for this status (list
 * envelopes and their items included), or undefined when the spec documents no JSON body.
 */
export function responseFields(method: string, path: string, status: number): Set<string> | undefined {
  const schema = findOperation(method, path)?.responses[String(status)];
  return schema ? propertyNames(schema) : undefined;
}

/** Top-level writable fields of the operation's request body (read-only ones excluded). */
export function requestFields(method: string, path: string): string[] {
  const op = findOperation(method, path);
  const schema = op?.requestSchema ?? op?.formSchema;
  if (!schema) return [];
  let resolved: Json | undefined = schema;
  while (isObject(resolved) && typeof resolved["$ref"] === "string") {
    resolved = load().components[resolved["$ref"].slice("#/components/schemas/".length)];
  }
  const props = isObject(resolved) ? resolved["properties"] : undefined;
  if (!isObject(props)) return [];
  return Object.entries(props)
    .filter(([, p]) => !(isObject(p) && p["readOnly"] === true))
    .map(([k]) => k);
}
