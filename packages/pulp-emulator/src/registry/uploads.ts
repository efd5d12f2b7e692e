/**
 * Blob upload sessions (`/v2/<name>/blobs/uploads/<uuid>`): chunks are appended to a file per
 * session; the closing PUT checks the digest and moves the bytes into the ArtifactStore.
 */
import { createHash, randomUUID } from "node:crypto";
import { createReadStream, createWriteStream, mkdirSync } from "node:fs";
import { rm } from "node:fs/promises";
import type { IncomingMessage } from "node:http";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { Transform } from "node:stream";

export interface Upload {
  uuid: string;
  repository: string;
  file: string;
  size: number;
}

export class UploadSessions {
  private readonly sessions = new Map<string, Upload>();

  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  start(repository: string): Upload {
    const uuid = randomUUID();
    const upload = { uuid, repository, file: join(this.dir, uuid), size: 0 };
    this.sessions.set(uuid, upload);
    return upload;
  }

  get(uuid: string, repository: string): Upload | undefined {
    const u = this.sessions.get(uuid);
    return u && u.repository === repository ? u : undefined;
  }

  /** Append the request body; returns the number of bytes written. */
  async append(upload: Upload, body: IncomingMessage): Promise<number> {
    let n = 0;
    const count = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        n += chunk.length;
        cb(null, chunk);
      },
    });
    await pipeline(body, count, createWriteStream(upload.file, { flags: "a" }));
    upload.size += n;
    return n;
  }

  async sha256(upload: Upload): Promise<string> {
    const hash = createHash("sha256");
    if (upload.size > 0) for await (const chunk of createReadStream(upload.file)) hash.update(chunk as Buffer);
    return hash.digest("hex");
  }

  open(upload: Upload) {
    return createReadStream(upload.file);
  }

  async discard(upload: Upload): Promise<void> {
    this.sessions.delete(upload.uuid);
    await rm(upload.file, { force: true });
  }
}
