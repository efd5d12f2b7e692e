import { gunzipSync, gzipSync } from "node:zlib";
import { run } from "../run-tool";

// xz/zstd/bzip2 have no decoder in Node 20's zlib: use the tools.

/** Decompress by file name suffix (.gz, .xz, .zst, .bz2; anything else is returned as-is). */
export async function decompressByName(name: string, data: Buffer): Promise<Buffer> {
  if (name.endsWith(".gz")) return gunzipSync(data);
  if (name.endsWith(".xz")) return run("xz", ["-dc"], { input: data });
  if (name.endsWith(".zst") || name.endsWith(".zstd")) return run("zstd", ["-dcq"], { input: data });
  if (name.endsWith(".bz2")) return run("bzip2", ["-dc"], { input: data });
  return data;
}

/** Deterministic gzip (no mtime/name in the header), so identical input gives identical metadata. */
export function gzip(data: Buffer | string): Buffer {
  return gzipSync(data, { level: 9 });
}
