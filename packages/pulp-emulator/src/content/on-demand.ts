import { createHash } from "node:crypto";
import type { ArtifactStore, ArtifactUnit, RemoteConfig } from "./types";
import { createUpstream, type Upstream } from "./upstream";
import { downloadUnit } from "./verify";

// Connection pools keyed by the fetch-relevant remote settings: callers build a fresh RemoteConfig
// per request, and one pool per request would leak sockets. A few remotes at most are in use.
const MAX_POOLS = 16;
const upstreams = new Map<string, Upstream>();
const inFlight = new Map<string, Promise<string>>();

function upstreamFor(remote: RemoteConfig): Upstream {
  const { policy: _p, distributions: _d, components: _c, architectures: _a, ...fetchSettings } = remote;
  const key = createHash("sha256").update(JSON.stringify(fetchSettings)).digest("hex");
  let upstream = upstreams.get(key);
  if (upstream) {
    upstreams.delete(key); // re-insert as most recently used
  } else {
    upstream = createUpstream(remote);
    if (upstreams.size >= MAX_POOLS) {
      const [oldestKey, oldest] = upstreams.entries().next().value!;
      upstreams.delete(oldestKey);
      void oldest.close().catch(() => {});
    }
  }
  upstreams.set(key, upstream);
  return upstream;
}

/**
 * Make sure an on-demand unit's file is in the store (download on first request, verify against
 * the upstream checksums) and return its sha256. Concurrent requests for one unit share a download.
 */
export async function fetchOnDemand(
  unit: ArtifactUnit,
  remote: RemoteConfig,
  artifacts: ArtifactStore,
  signal?: AbortSignal,
): Promise<string> {
  if (unit.sha256 && artifacts.has(unit.sha256)) return unit.sha256;
  const key = `${unit.pulp_type}|${unit.natural_key}`;
  const running = inFlight.get(key);
  if (running) return running;
  const task = downloadUnit(unit, upstreamFor(remote), artifacts, signal).finally(() => inFlight.delete(key));
  inFlight.set(key, task);
  return task;
}
