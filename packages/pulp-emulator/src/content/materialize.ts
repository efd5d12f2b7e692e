import { copyFile, mkdir } from "node:fs/promises";
import { dirname, join, normalize } from "node:path";
import { fetchOnDemand } from "./on-demand";
import type { ArtifactStore, PublishedFile, RemoteConfig } from "./types";

/**
 * Write a publication's files under `dir` (artifacts copied; on-demand units fetched through
 * `remote` when given, else skipped). Returns the relative paths written. For tests, the demo and
 * inspection with real tools (apt-get, rpm).
 */
export async function materializePublication(
  files: PublishedFile[],
  artifacts: ArtifactStore,
  dir: string,
  remote?: RemoteConfig,
): Promise<string[]> {
  const written: string[] = [];
  for (const file of files) {
    const rel = normalize(file.relative_path);
    if (rel.startsWith("..") || rel.startsWith("/")) throw new Error(`unsafe published path: ${file.relative_path}`);
    let sha256 = file.sha256;
    if (!sha256 && file.unit && remote) sha256 = await fetchOnDemand(file.unit, remote, artifacts);
    if (!sha256) continue;
    const target = join(dir, rel);
    await mkdir(dirname(target), { recursive: true });
    await copyFile(artifacts.path(sha256), target);
    written.push(rel);
  }
  return written;
}
