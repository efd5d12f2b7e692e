/**
 * Replay server for recorded Pulp traffic (../shared/pulp/recordings/*.json: arrays of
 * `{method, path, requestBody, status, responseBody}`). It answers requests with the recorded
 * interactions *in order*, keeps what the client actually sent, and reports mismatches, so a test
 * can perform the same operation with the client and assert it hit the same endpoints with
 * equivalent bodies. Recorded `next`/`previous` links are absolute URLs of the original server;
 * they are rewritten to point at the replay server.
 */
import { readFileSync } from "node:fs";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { recordingsDir } from "./shared";

export interface Interaction {
  method: string;
  /** Path and query, host stripped. */
  path: string;
  requestBody: unknown;
  status: number;
  responseBody: unknown;
  requestContentType?: string;
  requestBodyForm?: Record<string, unknown>;
}

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body (raw text if not JSON, null when empty). */
  body: unknown;
}

export interface Exchange {
  index: number;
  recorded: Interaction;
  received: ReceivedRequest;
  /** Differences between recorded and received request (empty = equivalent). */
  differences: string[];
}

export interface ReplayOptions {
  /** Recorded interactions the client is not expected to make (e.g. `GET docs/api.json`). */
  skip?: (interaction: Interaction) => boolean;
  /** Query parameters ignored when comparing paths (e.g. `limit` for page-size choices). */
  ignoreParams?: string[];
  /** Also require request bodies to be equivalent before answering (default true). */
  compareBodies?: boolean;
}

export interface ReplayServer {
  url: string;
  /** Interactions this server will replay (after `skip`). */
  interactions: Interaction[];
  /** Every request received, in order. */
  received: ReceivedRequest[];
  /** Recorded/received pairs answered so far. */
  exchanges: Exchange[];
  /** Requests that did not match the next interaction (answered 500, not consumed). */
  mismatches: Exchange[];
  /** Interactions not yet requested. */
  remaining(): Interaction[];
  stop(): Promise<void>;
}

/** `name` with or without `.json`, from the recordings directory (throws when ../shared is absent). */
export function loadRecording(name: string, dir = recordingsDir()): Interaction[] {
  if (!dir) throw new Error(`recordings directory not found; cannot load ${name}`);
  const file = join(dir, name.endsWith(".json") ? name : `${name}.json`);
  return JSON.parse(readFileSync(file, "utf8")) as Interaction[];
}

/** `GET …/docs/api.json`: squeezer fetches it first; clients modelled here do not. */
export function isApiSpecFetch(i: Interaction): boolean {
  return i.method === "GET" && i.path.split("?")[0]!.endsWith("/docs/api.json");
}

function queryOf(path: string, ignore: ReadonlySet<string>): string[] {
  const q = path.includes("?") ? path.slice(path.indexOf("?") + 1) : "";
  return [...new URLSearchParams(q)]
    // offset=0 is DRF's default: clients differ in whether they send it.
    .filter(([k, v]) => !ignore.has(k) && !(k === "offset" && v === "0"))
    .map(([k, v]) => `${k}=${v}`)
    .sort();
}

/** Method, path and query (order-insensitive) equivalence. */
export function samePath(recorded: string, received: string, ignoreParams: readonly string[] = []): boolean {
  const ignore = new Set(ignoreParams);
  return (
    recorded.split("?")[0] === received.split("?")[0] &&
    isDeepStrictEqual(queryOf(recorded, ignore), queryOf(received, ignore))
  );
}

/** Bodies are equivalent when they are deep-equal JSON values (key order irrelevant; null ≡ no body). */
function sameBody(recorded: unknown, received: unknown): boolean {
  const norm = (v: unknown) => (v === undefined || v === "" ? null : v);
  return isDeepStrictEqual(norm(recorded), norm(received));
}

function compareRequest(recorded: Interaction, received: ReceivedRequest, opts: ReplayOptions = {}): string[] {
  const diffs: string[] = [];
  if (recorded.method !== received.method) diffs.push(`method: recorded ${recorded.method}, got ${received.method}`);
  if (!samePath(recorded.path, received.path, opts.ignoreParams))
    diffs.push(`path: recorded ${recorded.path}, got ${received.path}`);
  // Form-encoded recordings carry no JSON body; only JSON bodies are compared.
  const recordedBody = recorded.requestBodyForm ?? recorded.requestBody;
  if ((opts.compareBodies ?? true) && !sameBody(recordedBody, received.body))
    diffs.push(`body: recorded ${JSON.stringify(recordedBody)}, got ${JSON.stringify(received.body)}`);
  return diffs;
}

/** Replace the origin of absolute `next`/`previous` links with the replay server's. */
function rewriteLinks(body: unknown, origin: string): unknown {
  if (Array.isArray(body)) return body.map((v) => rewriteLinks(v, origin));
  if (body !== null && typeof body === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(body)) {
      out[k] =
        (k === "next" || k === "previous") && typeof v === "string" && /^https?:\/\//.test(v)
          ? origin + v.replace(/^https?:\/\/[^/]+/, "")
          : rewriteLinks(v, origin);
    }
    return out;
  }
  return body;
}

export async function startReplay(recording: Interaction[] | string, opts: ReplayOptions = {}): Promise<ReplayServer> {
  const all = typeof recording === "string" ? loadRecording(recording) : recording;
  const interactions = opts.skip ? all.filter((i) => !opts.skip!(i)) : [...all];
  const received: ReceivedRequest[] = [];
  const exchanges: Exchange[] = [];
  const mismatches: Exchange[] = [];
  let next = 0;
  let origin = "";

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      let body: unknown = null;
      if (text) {
        try {
          body = JSON.parse(text);
        } catch {
          body = text;
        }
      }
      const request: ReceivedRequest = { method: req.method ?? "GET", path: req.url ?? "/", headers: req.headers, body };
      received.push(request);
      const recorded = interactions[next];
      if (!recorded) {
        mismatches.push({ index: next, recorded: { method: "-", path: "-", requestBody: null, status: 0, responseBody: null }, received: request, differences: ["no interactions left"] });
        res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ detail: `replay: unexpected ${request.method} ${request.path} (recording exhausted)` }));
        return;
      }
      const differences = compareRequest(recorded, request, opts);
      const exchange: Exchange = { index: next, recorded, received: request, differences };
      if (differences.length > 0) {
        mismatches.push(exchange);
        res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ detail: `replay mismatch at #${next}: ${differences.join("; ")}` }));
        return;
      }
      next++;
      exchanges.push(exchange);
      if (recorded.status === 204 || recorded.responseBody === null || recorded.responseBody === undefined) {
        res.writeHead(recorded.status);
        res.end();
        return;
      }
      res.writeHead(recorded.status, { "content-type": "application/json" });
      res.end(JSON.stringify(rewriteLinks(recorded.responseBody, origin)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: origin,
    interactions,
    received,
    exchanges,
    mismatches,
    remaining: () => interactions.slice(next),
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
