import type { ArtifactStore, ArtifactUnit, RemoteConfig } from "./types";
import { createUpstream, type Upstream } from "./upstream";
import { downloadUnit } from "./verify";

// One connection pool per remote object; the API replaces the object when a remote is updated.
const upstreams = new WeakMap<RemoteConfig, Upstream>();

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
  const key = `${unit.natural_key}`;
  const running = inFlight.get(key);
  if (running) return running;
  let upstream = upstreams.get(remote);
  if (!upstream) {
    upstream = createUpstream(remote);
    upstreams.set(remote, upstream);
  }
  const task = downloadUnit(unit, upstream, artifacts, signal).finally(() => inFlight.delete(key));
  inFlight.set(key, task);
  return task;
}

const inFlight = new Map<string, Promise<string>>();
