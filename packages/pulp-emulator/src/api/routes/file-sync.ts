import type { Resource } from "../../store/state";
import type { ApiContext } from "../context";
import type { TaskContext } from "../tasks";

/**
 * pulp_file sync: the remote URL names a manifest (`PULP_MANIFEST`) of `relative_path,sha256,size`
 * lines; every file is downloaded relative to it and verified. Returns the content hrefs.
 */
export async function fetchFileManifest(ctx: ApiContext, remote: Resource, tctx: TaskContext): Promise<string[]> {
  const url = String(remote.data["url"]);
  const headers: Record<string, string> = {};
  if (remote.data["username"]) {
    headers["Authorization"] = `Basic ${Buffer.from(`${remote.data["username"]}:${remote.data["password"] ?? ""}`).toString("base64")}`;
  }
  const get = async (target: string): Promise<Buffer> => {
    const res = await fetch(target, { headers, signal: tctx.signal });
    if (!res.ok) throw new Error(`Response status ${res.status} fetching ${redact(target)}`);
    return Buffer.from(await res.arrayBuffer());
  };
  tctx.progress({ message: "Downloading Metadata", code: "sync.downloading.metadata", total: null, done: 0 });
  const manifest = (await get(url)).toString("utf8");
  tctx.progress({ message: "Downloading Metadata", code: "sync.downloading.metadata", state: "completed", total: null, done: 1 });
  const lines = manifest.split(/\r?\n/).filter((l) => l.trim() !== "" && !l.startsWith("#"));
  tctx.progress({ message: "Parsing Metadata Lines", code: "sync.parsing.metadata", state: "completed", total: lines.length, done: lines.length });
  const out: string[] = [];
  let done = 0;
  for (const line of lines) {
    const [relativePath, sha256, size] = line.split(",");
    if (!relativePath || !sha256 || !size) throw new Error(`Invalid manifest line: ${line}`);
    const data = await get(new URL(relativePath, url).toString());
    const info = await ctx.artifacts.put(data, sha256);
    ctx.recordArtifact(info.sha256, info.size, data);
    out.push(ctx.storeUnit({ pulp_type: "file.file", natural_key: `${relativePath}|${info.sha256}`, relative_path: relativePath, sha256: info.sha256, size: info.size }, remote.href));
    tctx.progress({ message: "Downloading Artifacts", code: "sync.downloading.artifacts", total: null, done: ++done });
  }
  return out;
}

/** Drop credentials from a URL before it reaches a task error. */
function redact(url: string): string {
  try {
    const u = new URL(url);
    u.username = "";
    u.password = "";
    return u.toString();
  } catch {
    return "<invalid url>";
  }
}
