import { spawn } from "node:child_process";
import { gunzipSync, gzipSync } from "node:zlib";

/** Run a filter program over `input` (xz/zstd/bzip2 have no decoder in Node 20's zlib). */
export function pipeThrough(cmd: string, args: string[], input: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (c: Buffer) => out.push(c));
    child.stderr.on("data", (c: Buffer) => err.push(c));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) resolve(Buffer.concat(out));
      else reject(new Error(`${cmd} ${args.join(" ")} failed: ${Buffer.concat(err).toString().trim()}`));
    });
    child.stdin.end(input);
  });
}

/** Decompress by file name suffix (.gz, .xz, .zst, .bz2; anything else is returned as-is). */
export async function decompressByName(name: string, data: Buffer): Promise<Buffer> {
  if (name.endsWith(".gz")) return gunzipSync(data);
  if (name.endsWith(".xz")) return pipeThrough("xz", ["-dc"], data);
  if (name.endsWith(".zst") || name.endsWith(".zstd")) return pipeThrough("zstd", ["-dcq"], data);
  if (name.endsWith(".bz2")) return pipeThrough("bzip2", ["-dc"], data);
  return data;
}

/** Deterministic gzip (no mtime/name in the header), so identical input gives identical metadata. */
export function gzip(data: Buffer | string): Buffer {
  return gzipSync(data, { level: 9 });
}
