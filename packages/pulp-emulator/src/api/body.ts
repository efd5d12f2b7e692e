import type { IncomingMessage } from "node:http";
import { HttpError } from "./errors";

const MAX_BODY = 20 * 1024 * 1024;

/** A parsed request body: JSON object, or form fields (each value a list of strings). */
export type ParsedBody = { kind: "json"; value: Record<string, unknown> } | { kind: "form"; value: Record<string, unknown> };

export async function readRaw(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new HttpError(413, { detail: "Request body too large." });
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * Parse JSON, form-urlencoded or (simple, text-only) multipart bodies into one field map. Form
 * values are marked so validators can coerce strings ("true", "5", JSON for objects).
 */
export function parseBody(raw: Buffer, contentType: string | undefined): ParsedBody {
  const type = (contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  if (type === "multipart/form-data") {
    const boundary = /boundary="?([^";]+)"?/i.exec(contentType ?? "")?.[1];
    if (!boundary) throw new HttpError(400, { detail: "Multipart form parse error - Invalid boundary in multipart: None" });
    return { kind: "form", value: parseMultipart(raw, boundary) };
  }
  const text = raw.toString("utf8");
  if (type === "application/x-www-form-urlencoded") {
    return { kind: "form", value: collectForm(new URLSearchParams(text)) };
  }
  if (text.trim() === "") return { kind: "json", value: {} };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new HttpError(400, { detail: `JSON parse error - ${(err as Error).message}` });
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new HttpError(400, {
      non_field_errors: [`Invalid data. Expected a dictionary, but got ${Array.isArray(value) ? "list" : typeof value}.`],
    });
  }
  return { kind: "json", value: value as Record<string, unknown> };
}

function collectForm(params: Iterable<[string, string]>): Record<string, unknown> {
  const out: Record<string, string[]> = {};
  for (const [k, v] of params) {
    const list = out[k] ?? [];
    list.push(v);
    out[k] = list;
  }
  return out;
}

/** An uploaded file part of a multipart body. */
export interface UploadedFile {
  filename: string;
  data: Buffer;
}

export const isUpload = (v: unknown): v is UploadedFile =>
  typeof v === "object" && v !== null && Buffer.isBuffer((v as UploadedFile).data);

/** Binary-safe multipart parsing: text fields become strings, file parts `UploadedFile`s. */
function parseMultipart(raw: Buffer, boundary: string): Record<string, unknown> {
  const out: Record<string, unknown[]> = {};
  const delimiter = Buffer.from(`--${boundary}`);
  let start = raw.indexOf(delimiter);
  while (start >= 0) {
    const next = raw.indexOf(delimiter, start + delimiter.length);
    if (next < 0) break;
    const part = raw.subarray(start + delimiter.length, next);
    start = next;
    const sep = part.indexOf("\r\n\r\n");
    if (sep < 0) continue;
    const head = part.subarray(0, sep).toString("utf8");
    const name = /name="([^"]*)"/i.exec(head)?.[1];
    if (!name) continue;
    let body = part.subarray(sep + 4);
    if (body.subarray(-2).toString() === "\r\n") body = body.subarray(0, -2);
    const filename = /filename="([^"]*)"/i.exec(head)?.[1];
    const list = out[name] ?? [];
    list.push(filename !== undefined ? { filename, data: Buffer.from(body) } : body.toString("utf8"));
    out[name] = list;
  }
  return out;
}
