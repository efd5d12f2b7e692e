import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { ApiContext } from "./api/context";
import type { Route } from "./api/request";
import { handleApi } from "./api/router";
import { CONTENT_PREFIX, handleContent } from "./content-app/handler";
import type { Knobs } from "./knobs";

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
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One node:http server for the API, the content app and the Vault stand-in (`/v1/`). */
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
        log(await handleApi(ctx, routes, req, res, url));
      })().catch((err) => {
        console.error("pulp-emulator: request failed", err);
        if (!res.headersSent) res.writeHead(500).end();
      });
      return;
    }
    if (url.pathname.startsWith(CONTENT_PREFIX) || url.pathname === "/pulp/content") {
      res.on("finish", () => log(res.statusCode));
      void handleContent(ctx, req, res, url.pathname === "/pulp/content" ? CONTENT_PREFIX : url.pathname);
      return;
    }
    if (parts.vault && url.pathname.startsWith("/v1/")) {
      res.on("finish", () => log(res.statusCode));
      parts.vault(req, res);
      return;
    }
    log(404);
    res.writeHead(404, { "Content-Type": "text/plain" }).end("404: Not Found");
  });
}

export async function listen(server: Server, port: number, host = "127.0.0.1"): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  return (server.address() as AddressInfo).port;
}
