import { Readable } from "node:stream";
import { ReadableStream } from "node:stream/web";
import { gunzipSync, gzipSync } from "node:zlib";
import { decompress as zstdDecompress } from "fzstd";
import Bunzip from "seek-bzip";
import xzDecompress from "xz-decompress";

// Node 20's zlib has gzip only: xz (WASM), zstd and bzip2 (pure JS) come from npm packages, so
// reading repository metadata needs no system program.

/** Decompress by file name suffix (.gz, .xz, .zst, .bz2; anything else is returned as-is). */
export async function decompressByName(name: string, data: Buffer): Promise<Buffer> {
  try {
    if (name.endsWith(".gz")) return gunzipSync(data);
    if (name.endsWith(".xz")) return await unxz(data);
    if (name.endsWith(".zst") || name.endsWith(".zstd")) return Buffer.from(zstdDecompress(data));
    if (name.endsWith(".bz2")) return Bunzip.decode(data);
  } catch (error) {
    throw new Error(`cannot decompress ${name}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return data;
}

async function unxz(data: Buffer): Promise<Buffer> {
  const input = ReadableStream.from([new Uint8Array(data)]) as unknown as globalThis.ReadableStream<Uint8Array>;
  const chunks: Buffer[] = [];
  for await (const chunk of Readable.fromWeb(new xzDecompress.XzReadableStream(input) as never)) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

/** Deterministic gzip (no mtime/name in the header), so identical input gives identical metadata. */
export function gzip(data: Buffer | string): Buffer {
  return gzipSync(data, { level: 9 });
}
