import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { normalizeAlgorithm } from "./checksum";
import { type ArtifactStore, ChecksumMismatchError, type ArtifactUnit, type SyncContext } from "./types";
import type { Upstream } from "./upstream";

async function fileDigest(path: string, algorithm: string): Promise<string> {
  const hash = createHash(normalizeAlgorithm(algorithm));
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/**
 * Download a unit's file into the store and verify it against the upstream checksums; returns its
 * sha256. No-op when the artifact is already stored.
 */
export async function downloadUnit(
  unit: ArtifactUnit,
  upstream: Upstream,
  artifacts: ArtifactStore,
  signal?: AbortSignal,
): Promise<string> {
  if (unit.sha256 && artifacts.has(unit.sha256)) return unit.sha256;
  const info = await upstream.limit(async () =>
    artifacts.put(await upstream.getStream(unit.source_url, signal), unit.sha256),
  );
  if (unit.size && info.size !== unit.size) {
    throw new ChecksumMismatchError(`${unit.relative_path} (size)`, String(unit.size), String(info.size));
  }
  // Upstream may only declare sha1/md5 (old createrepo): verify against that instead.
  if (!unit.sha256) {
    const [algorithm, expected] = Object.entries(unit.checksums)[0] ?? [];
    if (algorithm && expected) {
      const actual = await fileDigest(artifacts.path(info.sha256), algorithm);
      if (actual !== expected.toLowerCase()) throw new ChecksumMismatchError(unit.relative_path, expected, actual);
    }
  }
  return info.sha256;
}

/**
 * The artifact step of a sync: policy `immediate` downloads every unit (progress
 * `sync.downloading.artifacts`); otherwise only units whose file is already stored count as downloaded.
 */
export async function downloadUnits(units: ArtifactUnit[], upstream: Upstream, ctx: SyncContext): Promise<void> {
  if (!ctx.download) {
    for (const unit of units) if (unit.sha256 && ctx.artifacts.has(unit.sha256)) unit.downloaded = true;
    return;
  }
  let done = 0;
  const report = () => ctx.onProgress?.({ code: "sync.downloading.artifacts", message: "Downloading Artifacts", done, total: units.length });
  report();
  await Promise.all(
    units.map(async (unit) => {
      unit.sha256 = await downloadUnit(unit, upstream, ctx.artifacts, ctx.signal);
      unit.downloaded = true;
      done++;
      report();
    }),
  );
}
