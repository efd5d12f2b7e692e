import type { IncomingMessage, ServerResponse } from "node:http";
import { AUTH_FAILURE_DETAIL, basicAuth, isAdmin, PERMISSION_DENIED_DETAIL } from "../content-app/auth";
import { notifyResponse, type ObservedRequest } from "../response-observers";
import { API_ROOT, uuid } from "../store/ids";
import { parseBody, readRaw } from "./body";
import type { ApiContext } from "./context";
import { HttpError, methodNotAllowed, notFound } from "./errors";
import type { ApiResponse, Route } from "./request";
import { accessRoutes } from "./routes/access";
import { containerRoutes } from "./routes/container";
import { containerAccessRoutes } from "./routes/container-access";
import { crudRoutes } from "./routes/crud";
import { miscRoutes } from "./routes/misc";
import { repositoryRoutes } from "./routes/repos";
import { taskRoutes } from "./routes/tasks";

/** Endpoints readable without credentials (Pulp's default access policy). */
const PUBLIC = [`${API_ROOT}status/`, `${API_ROOT}docs/api.json`];

export function allRoutes(): Route[] {
  return [...miscRoutes(), ...taskRoutes(), ...accessRoutes(), ...repositoryRoutes(), ...containerRoutes(), ...containerAccessRoutes(), ...crudRoutes()];
}

/** Dispatch one API request; always answers (DRF-shaped errors), never throws. */
export async function handleApi(ctx: ApiContext, routes: Route[], req: IncomingMessage, res: ServerResponse, url: URL): Promise<number> {
  let reply: ApiResponse;
  const request: ObservedRequest = { userAgent: req.headers["user-agent"], contentType: req.headers["content-type"] };
  try {
    reply = await route(ctx, routes, req, url, request);
  } catch (err) {
    if (err instanceof HttpError) reply = { status: err.status, body: err.body, headers: err.headers };
    else {
      console.error("pulp-emulator: unexpected error", err);
      reply = { status: 500, body: { detail: "Internal server error." } };
    }
  }
  const headers: Record<string, string> = {
    "Correlation-ID": uuid().replace(/-/g, ""),
    Vary: "Accept",
    "X-Frame-Options": "DENY",
    ...reply.headers,
  };
  if (reply.body === undefined) {
    res.writeHead(reply.status, headers);
    res.end();
    notifyResponse(req.method ?? "GET", url, reply.status, undefined, request);
  } else {
    const text = typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body);
    res.writeHead(reply.status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text), ...headers });
    res.end(req.method === "HEAD" ? undefined : text);
    notifyResponse(req.method ?? "GET", url, reply.status, req.method === "HEAD" ? undefined : text, request);
  }
  return reply.status;
}

async function route(ctx: ApiContext, routes: Route[], req: IncomingMessage, url: URL, seen: ObservedRequest): Promise<ApiResponse> {
  const method = req.method === "HEAD" ? "GET" : (req.method ?? "GET");
  const path = url.pathname;
  const matching = routes.map((r) => ({ r, m: r.pattern.exec(path) })).filter((x) => x.m !== null);
  if (matching.length === 0) throw notFound();
  const hit = matching.find((x) => x.r.method === method);
  if (!hit?.m) {
    const allow = [...new Set(matching.map((x) => x.r.method))].join(", ");
    throw methodNotAllowed(req.method ?? method, { Allow: allow });
  }
  let user = [...ctx.state.users.values()][0];
  if (!PUBLIC.includes(path) || req.headers.authorization) {
    const auth = basicAuth(ctx.state, req.headers);
    if ("error" in auth) {
      throw new HttpError(401, { detail: AUTH_FAILURE_DETAIL[auth.error] }, { "WWW-Authenticate": 'Basic realm="api"' });
    }
    user = auth.user;
    if (!isAdmin(user)) throw new HttpError(403, { detail: PERMISSION_DENIED_DETAIL });
  }
  if (!user) throw new HttpError(500, { detail: "No users." });
  const params: Record<string, string> = {};
  hit.m.slice(1).forEach((v, i) => {
    params[String(i)] = v ?? "";
  });
  let parsed: ReturnType<typeof parseBody> | undefined;
  return hit.r.handler({
    method,
    url,
    params,
    user,
    ctx,
    body: async () => {
      parsed ??= parseBody(await readRaw(req), req.headers["content-type"]);
      seen.body = parsed.value;
      return parsed;
    },
  });
}
