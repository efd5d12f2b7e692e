import { createHash, randomUUID } from "node:crypto";
import { createReadStream, existsSync, mkdirSync, statSync } from "node:fs";
import { rename, rm, writeFile } from "node:fs/promises";
import { createWriteStream } from "node:fs";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { once } from "node:events";
import { type ArtifactInfo, type ArtifactStore, ChecksumMismatchError } from "./types";

const SHA256 = /^[0-9a-f]{64}$/;

/**
 * Content-addressed store: `<dir>/<sha[0:2]>/<sha[2:]>`. Writes go to a temp file and are renamed
 * into place, so a reader never sees a partial artifact.
 */
export function createArtifactStore(dir: string): ArtifactStore {
  mkdirSync(join(dir, "tmp"), { recursive: true });

  const pathOf = (sha256: string): string => {
    if (!SHA256.test(sha256)) throw new Error(`not a sha256: ${sha256}`);
    return join(dir, sha256.slice(0, 2), sha256.slice(2));
  };

  const commit = async (tmp: string, info: ArtifactInfo, expected?: string): Promise<ArtifactInfo> => {
    if (expected && expected.toLowerCase() !== info.sha256) {
      await rm(tmp, { force: true });
      throw new ChecksumMismatchError("artifact", expected, info.sha256);
    }
    const target = pathOf(info.sha256);
    if (existsSync(target)) {
      await rm(tmp, { force: true });
    } else {
      mkdirSync(join(dir, info.sha256.slice(0, 2)), { recursive: true });
      await rename(tmp, target);
    }
    return info;
  };

  return {
    async put(data, expectedSha256) {
      const tmp = join(dir, "tmp", randomUUID());
      if (data instanceof Uint8Array) {
        const sha256 = createHash("sha256").update(data).digest("hex");
        if (expectedSha256 && expectedSha256.toLowerCase() !== sha256) {
          throw new ChecksumMismatchError("artifact", expectedSha256, sha256);
        }
        if (existsSync(pathOf(sha256))) return { sha256, size: data.byteLength };
        await writeFile(tmp, data);
        return commit(tmp, { sha256, size: data.byteLength });
      }
      const hash = createHash("sha256");
      const out = createWriteStream(tmp);
      let size = 0;
      try {
        for await (const chunk of data as AsyncIterable<Uint8Array>) {
          hash.update(chunk);
          size += chunk.byteLength;
          if (!out.write(chunk)) await once(out, "drain");
        }
        out.end();
        await once(out, "finish");
      } catch (err) {
        out.destroy();
        await rm(tmp, { force: true });
        throw err;
      }
      return commit(tmp, { sha256: hash.digest("hex"), size }, expectedSha256);
    },
    has: (sha256) => SHA256.test(sha256) && existsSync(pathOf(sha256)),
    path: pathOf,
    open(sha256): Readable {
      const p = pathOf(sha256);
      if (!existsSync(p)) throw new Error(`artifact ${sha256} not in store`);
      return createReadStream(p);
    },
    size: (sha256) => statSync(pathOf(sha256)).size,
  };
}
