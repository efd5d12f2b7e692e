import { CA_CERTIFICATE_INVALID, validateCaCertificate } from "../../guards/x509";
import { ensureNamespace, namespaceName } from "../container-namespaces";
import { API_ROOT, nowIso } from "../../store/ids";
import type { Resource } from "../../store/state";
import type { ApiContext } from "../context";
import { HttpError, methodNotAllowed, nonFieldError } from "../errors";
import { validate } from "../fields";
import { type ApiRequest, type ApiResponse, accepted, ok, type Route } from "../request";
import { selectFields } from "../listing";
import { listResponse } from "../respond";
import { serializeResource } from "../serialize";
import { TYPES, type TypeDef } from "../types";
import { createPublication } from "./publish";

const READ_ONLY: Record<string, string[]> = {
  remotes: ["pulp_href", "pulp_created", "pulp_last_updated", "hidden_fields"],
  repositories: ["pulp_href", "pulp_created", "versions_href", "latest_version_href"],
  publications: ["pulp_href", "pulp_created"],
  distributions: ["pulp_href", "pulp_created", "base_url", "registry_path", "namespace"],
  contentguards: ["pulp_href", "pulp_created", "users", "groups"],
};

const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

/** List/create/read/update/delete routes for every typed endpoint family. */
export function crudRoutes(): Route[] {
  const routes: Route[] = [];
  for (const def of TYPES) {
    const base = `${API_ROOT}${def.collection}/${def.typePath}/`;
    const listRe = new RegExp(`^${escapeRegExp(base)}$`);
    const itemRe = new RegExp(`^${escapeRegExp(base)}(${UUID})/$`);
    routes.push({ method: "GET", pattern: listRe, handler: (req) => list(req, def) });
    routes.push({
      method: "POST",
      pattern: listRe,
      handler: (req) => (def.canCreate ? create(req, def) : Promise.reject(methodNotAllowed("POST"))),
    });
    const item = (req: ApiRequest) => req.ctx.get(`${base}${req.params["0"]}/`, def.collection, def.typePath);
    routes.push({
      method: "GET",
      pattern: itemRe,
      handler: (req) => ok(selectFields(serializeResource(req.ctx, item(req), def.schema), req.url.searchParams)),
    });
    routes.push({ method: "PATCH", pattern: itemRe, handler: (req) => update(req, def, item(req), true) });
    routes.push({ method: "PUT", pattern: itemRe, handler: (req) => update(req, def, item(req), false) });
    routes.push({
      method: "DELETE",
      pattern: itemRe,
      handler: (req) => (def.canDelete ? remove(req, def, item(req)) : Promise.reject(methodNotAllowed("DELETE"))),
    });
  }
  return routes;
}

export const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

function list(req: ApiRequest, def: TypeDef): ApiResponse {
  const ctx = req.ctx;
  let items = ctx.state.list(def.collection, def.typePath).sort((a, b) => a.seq - b.seq);
  // Only complete publications are listed (core `BasePublicationViewSet`).
  if (def.collection === "publications") items = items.filter((p) => ctx.state.publications.has(p.href));
  return listResponse(req, items, {
    filters: def.filters(ctx),
    serialize: (r) => serializeResource(ctx, r, def.schema),
    ...(def.ordering ? { ordering: def.ordering } : {}),
  });
}

async function create(req: ApiRequest, def: TypeDef): Promise<ApiResponse> {
  const ctx = req.ctx;
  const body = await req.body();
  if (def.collection === "publications") return createPublication(req, def, body);
  const data = validate(def.schema, body, { partial: false, readOnly: READ_ONLY[def.collection] ?? [], resolve: ctx.resolve });
  switch (def.collection) {
    case "remotes":
    case "repositories":
    case "contentguards": {
      if (def.collection === "contentguards") checkGuard(def, data);
      ctx.assertUnique(def.collection, "name", data["name"], undefined, def.collection === "contentguards" ? undefined : def.typePath);
      const r =
        def.collection === "repositories"
          ? ctx.createRepository(def.typePath, def.pulpType, data)
          : ctx.create(def.collection, def.typePath, def.pulpType, data);
      return { status: 201, body: serializeResource(ctx, r, def.schema), headers: { Location: r.href } };
    }
    case "distributions": {
      if (def.typePath === "container/container") {
        if (data["content_guard"] === undefined) data["content_guard"] = redirectGuard(ctx, String(data["name"])).href;
      }
      checkDistribution(ctx, def, data);
      const task = ctx.tasks.dispatch(
        {
          name: "pulpcore.app.tasks.base.general_create",
          kind: "general",
          exclusive: ["/api/v3/distributions/"],
          run: () => {
            checkDistribution(ctx, def, data, undefined, true);
            if (def.typePath === "container/container") data["namespace"] = ensureNamespace(ctx, namespaceName(String(data["base_path"])), req.user).href;
            return [ctx.create("distributions", def.typePath, def.pulpType, data).href];
          },
        },
        req.user.href,
      );
      return accepted(task.href);
    }
  }
  throw methodNotAllowed("POST");
}

async function update(req: ApiRequest, def: TypeDef, r: Resource, partial: boolean): Promise<ApiResponse> {
  const ctx = req.ctx;
  if (def.collection === "publications") throw methodNotAllowed(req.method);
  const body = await req.body();
  const data = validate(def.schema, body, { partial, applyDefaults: false, readOnly: READ_ONLY[def.collection] ?? [], resolve: ctx.resolve });
  if ("name" in data) {
    ctx.assertUnique(def.collection, "name", data["name"], r.href, ["contentguards", "distributions"].includes(def.collection) ? undefined : def.typePath);
  }
  if (def.collection === "contentguards") {
    checkGuard(def, data);
    Object.assign(r.data, data);
    r.lastUpdated = nowIso();
    return ok(serializeResource(ctx, r, def.schema));
  }
  if (def.collection === "distributions") checkDistribution(ctx, def, { ...r.data, ...data }, r.href);
  const task = ctx.tasks.dispatch(
    {
      name: "pulpcore.app.tasks.base.general_update",
      kind: "general",
      exclusive: [def.collection === "distributions" ? "/api/v3/distributions/" : r.href],
      run: () => {
        if (!ctx.state.resources.has(r.href)) throw new Error("No such object: it was deleted.");
        Object.assign(r.data, data);
        r.lastUpdated = nowIso();
        if (def.typePath === "container/container" && def.collection === "distributions" && "base_path" in data) {
          r.data["namespace"] = ensureNamespace(ctx, namespaceName(String(r.data["base_path"])), req.user).href;
        }
        if (def.collection === "repositories" && "retain_repo_versions" in data) ctx.applyRetention(r);
        return [];
      },
    },
    req.user.href,
  );
  return accepted(task.href);
}

function remove(req: ApiRequest, def: TypeDef, r: Resource): ApiResponse {
  const ctx = req.ctx;
  if (def.collection === "publications") {
    ctx.deletePublication(r);
    return { status: 204 };
  }
  if (def.collection === "contentguards") {
    ctx.deleteGuard(r);
    return { status: 204 };
  }
  const task = ctx.tasks.dispatch(
    {
      name: def.typePath.startsWith("container") && def.collection === "distributions" ? "pulpcore.app.tasks.base.general_multi_delete" : "pulpcore.app.tasks.base.general_delete",
      kind: "general",
      // Container distributions are deleted by general_multi_delete locking the object itself.
      exclusive: [def.collection === "distributions" && !def.typePath.startsWith("container") ? "/api/v3/distributions/" : r.href],
      run: () => {
        if (!ctx.state.resources.has(r.href)) return [];
        if (def.collection === "remotes") ctx.deleteRemote(r);
        else if (def.collection === "repositories") ctx.deleteRepository(r);
        else {
          ctx.state.resources.delete(r.href);
          // A push repository goes with its distribution (pulp_container).
          const repo = typeof r.data["repository"] === "string" ? ctx.state.resources.get(r.data["repository"]) : undefined;
          if (repo?.typePath === "container/container-push") ctx.deleteRepository(repo);
        }
        return [];
      },
    },
    req.user.href,
  );
  return accepted(task.href);
}

function checkGuard(def: TypeDef, data: Record<string, unknown>): void {
  if (def.typePath !== "certguard/x509" || data["ca_certificate"] === undefined) return;
  if (!validateCaCertificate(String(data["ca_certificate"]))) throw new HttpError(400, { ca_certificate: [CA_CERTIFICATE_INVALID] });
}

function redirectGuard(ctx: ApiContext, name: string): Resource {
  const existing = ctx.state.list("contentguards", "core/content_redirect").find((g) => g.data["name"] === name);
  return existing ?? ctx.create("contentguards", "core/content_redirect", "core.content_redirect", { name, description: null });
}

/**
 * Core's `DistributionSerializer` rules on the merged state: unique name/base_path across all
 * distribution types, no overlapping base paths, at most one of publication/repository/repository_version.
 */
function checkDistribution(ctx: ApiContext, def: TypeDef, d: Record<string, unknown>, self?: string, inTask = false): void {
  const others = ctx.state.list("distributions").filter((x) => x.href !== self);
  const errors: Record<string, unknown> = {};
  const basePath = String(d["base_path"] ?? "");
  if (others.some((o) => o.data["name"] === d["name"])) errors["name"] = ["This field must be unique."];
  if (basePath.startsWith("/")) errors["base_path"] = [`Relative path can't start with '/'. ${basePath}`];
  else if (others.some((o) => o.data["base_path"] === basePath)) errors["base_path"] = ["This field must be unique."];
  else {
    const overlap = others.find((o) => {
      const p = String(o.data["base_path"]);
      return p.startsWith(`${basePath}/`) || basePath.startsWith(`${p}/`);
    });
    if (overlap) errors["base_path"] = { base_path: `Overlaps with existing distribution '${String(overlap.data["name"])}'` };
  }
  if (Object.keys(errors).length > 0) {
    if (inTask) throw new Error(`duplicate key value violates unique constraint: ${JSON.stringify(errors)}`);
    throw new HttpError(400, errors);
  }
  const set = (k: string) => d[k] !== null && d[k] !== undefined;
  const pairs: [string, string][] = [
    ["publication", "repository_version"],
    ["repository", "repository_version"],
    ["repository", "publication"],
  ];
  for (const [a, b] of pairs) {
    if (set(a) && set(b)) throw nonFieldError(`Only one of the attributes '${a}' and '${b}' may be used simultaneously.`);
  }
  if (def.typePath === "container/container" && set("repository_version")) {
    const v = ctx.state.versions.get(String(d["repository_version"]));
    const repo = v ? ctx.state.resources.get(v.repository) : undefined;
    if (repo?.typePath === "container/container-push") {
      throw new HttpError(400, { repository_version: ["A repository version of a push repository cannot be distributed."] });
    }
  }
}
