import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { readRaw } from "./api/body";
import type { ApiContext } from "./api/context";
import type { Route } from "./api/request";
import { handleApi } from "./api/router";
import { CONTENT_PREFIX, handleContent } from "./content-app/handler";
import type { Knobs } from "./knobs";
import type { RegistryService } from "./registry/service";

export interface RequestLogEntry {
  method: string;
  /** URL path without the query string. */
  path: string;
  /** The query string including `?`, or "". */
  query: string;
  status: number;
}

export interface ServerParts {
  ctx: ApiContext;
  routes: Route[];
  knobs: Knobs;
  requestLog: RequestLogEntry[];
  vault?: (req: IncomingMessage, res: ServerResponse) => void;
  /** Container registry (`/v2/`) and its token server (`/token/`). */
  registry?: RegistryService;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One node:http server for the API, the content app, the registry (`/v2/`, `/token/`) and the Vault stand-in (`/v1/`). */
export function createEmulatorServer(parts: ServerParts): Server {
  const { ctx, routes, knobs, requestLog } = parts;
  return createServer((req, res) => {
    const url = new URL(req.url ?? "/", `http://${req.headers.host ?? "127.0.0.1"}`);
    const log = (status: number) => requestLog.push({ method: req.method ?? "GET", path: url.pathname, query: url.search, status });
    if (url.pathname.startsWith("/pulp/api/v3/") || url.pathname === "/pulp/api/v3") {
      void (async () => {
        if (knobs.apiLatencyMs > 0) await sleep(knobs.apiLatencyMs);
        if (knobs.dropConnectionRate > 0 && knobs.random() < knobs.dropConnectionRate) {
          log(0);
          req.socket.destroy();
          return;
        }
        if (knobs.http5xxRate > 0 && knobs.random() < knobs.http5xxRate) {
          log(503);
          res.writeHead(503, { "Content-Type": "text/html" });
          res.end("<html><body><h1>503 Service Unavailable</h1>Injected fault.</body></html>");
          return;
        }
        if (knobs.lostResponseRate > 0 && knobs.random() < knobs.lostResponseRate) {
          await handleApi(ctx, routes, req, discardingResponse(res, () => req.socket.destroy()), url);
          log(0);
          return;
        }
        log(await handleApi(ctx, routes, req, res, url));
      })().catch((err) => {
        console.error("pulp-emulator: request failed", err);
        if (!res.headersSent) res.writeHead(500).end();
      });
      return;
    }
    if (url.pathname.startsWith(CONTENT_PREFIX) || url.pathname === "/pulp/content") {
      logWhenDone(res, log);
      void handleContent(ctx, req, res, url.pathname === "/pulp/content" ? CONTENT_PREFIX : url.pathname);
      return;
    }
    if (url.pathname.startsWith("/__emulator__/")) {
      void controlEndpoint(parts, req, res, url.pathname);
      return;
    }
    if (parts.registry && (url.pathname === "/v2" || url.pathname.startsWith("/v2/") || url.pathname === "/token/" || url.pathname === "/token")) {
      const registry = parts.registry;
      void registry.handle(req, res, url).then(log, (err) => {
        console.error("pulp-emulator: registry request failed", err);
        log(500);
        if (!res.headersSent) res.writeHead(500).end();
      });
      return;
    }
    if (parts.vault && url.pathname.startsWith("/v1/")) {
      logWhenDone(res, log);
      parts.vault(req, res);
      return;
    }
    log(404);
    res.writeHead(404, { "Content-Type": "text/plain" }).end("404: Not Found");
  });
}

/** The response of a request whose answer is lost: nothing reaches the client, then the socket closes. */
function discardingResponse(res: ServerResponse, drop: () => void): ServerResponse {
  return new Proxy(res, {
    get(target, prop, receiver) {
      if (prop === "writeHead" || prop === "setHeader") return () => receiver;
      if (prop === "write") return () => true;
      if (prop === "end") {
        return () => {
          drop();
          return receiver;
        };
      }
      const value = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/**
 * Logs a response once: on `finish`, or on `close` when the client (e.g. nginx, having read the
 * whole Content-Length) closes the socket before Node reports the last write as flushed.
 */
function logWhenDone(res: ServerResponse, log: (status: number) => void): void {
  let logged = false;
  const once = () => {
    if (logged) return;
    logged = true;
    log(res.statusCode);
  };
  res.once("finish", once);
  res.once("close", once);
}

export async function listen(server: Server, port: number, host = "127.0.0.1"): Promise<number> {
  // Like nginx in front of Pulp (75 s): clients reusing an idle keep-alive socket must not race
  // Node's 5 s default close and see ECONNRESET.
  server.keepAliveTimeout = 75_000;
  server.headersTimeout = 76_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

/**
 * Out-of-band control for a CLI-run emulator: `GET|PATCH /__emulator__/knobs` (JSON) and
 * `GET|DELETE /__emulator__/requests` (the request log). Not part of Pulp's API.
 */
async function controlEndpoint(parts: ServerParts, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  const json = (status: number, body: unknown) => {
    res.writeHead(status, { "Content-Type": "application/json" });
    res.end(JSON.stringify(body));
  };
  const { random: _random, ...knobs } = parts.knobs;
  if (path === "/__emulator__/knobs" && req.method === "GET") return json(200, knobs);
  if (path === "/__emulator__/knobs" && req.method === "PATCH") {
    let patch: unknown;
    try {
      patch = JSON.parse((await readRaw(req)).toString("utf8"));
    } catch {
      return json(400, { detail: "invalid JSON" });
    }
    if (!patch || typeof patch !== "object" || Array.isArray(patch)) return json(400, { detail: "expected an object" });
    for (const [k, v] of Object.entries(patch)) {
      if (!(k in knobs) || typeof v !== typeof (knobs as Record<string, unknown>)[k]) return json(400, { detail: `bad knob ${k}` });
      (parts.knobs as unknown as Record<string, unknown>)[k] = k === "taskDurationMs" ? { ...parts.knobs.taskDurationMs, ...(v as object) } : v;
    }
    const { random: _r, ...now } = parts.knobs;
    return json(200, now);
  }
  if (path === "/__emulator__/requests" && req.method === "GET") return json(200, parts.requestLog);
  if (path === "/__emulator__/requests" && req.method === "DELETE") {
    parts.requestLog.length = 0;
    res.writeHead(204).end();
    return;
  }
  json(404, { detail: "Not found." });
}
