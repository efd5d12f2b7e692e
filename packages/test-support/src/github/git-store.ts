// The stand-in's repositories are real bare git repositories; these helpers read and write them
// with git plumbing. Forks share objects the way GitHub's fork networks do: a fork's bare
// repository lists its parent's object directory in objects/info/alternates.
import { execFile, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

const IDENTITY = {
  GIT_AUTHOR_NAME: "github-stand-in",
  GIT_AUTHOR_EMAIL: "noreply@github.invalid",
  GIT_COMMITTER_NAME: "GitHub",
  GIT_COMMITTER_EMAIL: "noreply@github.com",
};

export async function bareGit(bare: string, args: string[], env: Record<string, string> = {}): Promise<string> {
  const { stdout } = await run("git", ["--git-dir", bare, ...args], {
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, ...IDENTITY, ...env },
  });
  return stdout.replace(/\n$/, "");
}

export async function tryBareGit(bare: string, args: string[]): Promise<string | undefined> {
  try {
    return await bareGit(bare, args);
  } catch {
    return undefined;
  }
}

function withStdin(bare: string, args: string[], input: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn("git", ["--git-dir", bare, ...args], { env: { ...process.env, ...IDENTITY } });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      err += d.toString();
    });
    child.on("close", (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(err))));
    child.stdin.end(input);
  });
}

export const refSha = (bare: string, ref: string) => tryBareGit(bare, ["rev-parse", "--verify", "--quiet", `${ref}^{object}`]);
export const commitSha = (bare: string, rev: string) => tryBareGit(bare, ["rev-parse", "--verify", "--quiet", `${rev}^{commit}`]);

export async function listRefs(bare: string, prefix = "refs/"): Promise<{ ref: string; sha: string; type: string }[]> {
  const out = await bareGit(bare, ["for-each-ref", "--format=%(refname) %(objectname) %(objecttype)", prefix]);
  return out
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const [ref, sha, type] = line.split(" ") as [string, string, string];
      return { ref, sha, type };
    });
}

export interface CommitInfo {
  sha: string;
  tree: string;
  parents: string[];
  authorName: string;
  authorEmail: string;
  authorDate: string;
  committerName: string;
  committerEmail: string;
  committerDate: string;
  message: string;
}

export async function commitInfo(bare: string, sha: string): Promise<CommitInfo> {
  const out = await bareGit(bare, ["show", "-s", "--format=%H%x00%T%x00%P%x00%an%x00%ae%x00%aI%x00%cn%x00%ce%x00%cI%x00%B", sha]);
  const [s, tree, parents, an, ae, ad, cn, ce, cd, ...message] = out.split("\0");
  return {
    sha: s!,
    tree: tree!,
    parents: parents ? parents.split(" ").filter(Boolean) : [],
    authorName: an!,
    authorEmail: ae!,
    authorDate: new Date(ad!).toISOString().replace(/\.\d{3}Z$/, "Z"),
    committerName: cn!,
    committerEmail: ce!,
    committerDate: new Date(cd!).toISOString().replace(/\.\d{3}Z$/, "Z"),
    message: message.join("\0").trim(),
  };
}

/** Commits reachable from `head` but not `base`, oldest first (GitHub's compare order). */
export async function commitsBetween(bare: string, base: string, head: string): Promise<string[]> {
  const out = await bareGit(bare, ["rev-list", "--reverse", "--topo-order", `${base}..${head}`]);
  return out.split("\n").filter(Boolean);
}

export interface ChangedFile {
  status: "added" | "removed" | "modified" | "renamed";
  filename: string;
  additions: number;
  deletions: number;
}

export async function changedFiles(bare: string, from: string, to: string): Promise<ChangedFile[]> {
  const status = await bareGit(bare, ["diff", "--no-renames", "--name-status", from, to]);
  const numstat = await bareGit(bare, ["diff", "--no-renames", "--numstat", from, to]);
  const counts = new Map(
    numstat
      .split("\n")
      .filter(Boolean)
      .map((l) => {
        const [a, d, f] = l.split("\t") as [string, string, string];
        return [f, [Number(a) || 0, Number(d) || 0]] as const;
      }),
  );
  return status
    .split("\n")
    .filter(Boolean)
    .map((l) => {
      const [code, filename] = l.split("\t") as [string, string];
      const [additions, deletions] = counts.get(filename) ?? [0, 0];
      const kind = code === "A" ? "added" : code === "D" ? "removed" : "modified";
      return { status: kind, filename, additions, deletions };
    });
}

export async function readBlob(bare: string, rev: string, path: string): Promise<{ sha: string; content: Buffer } | undefined> {
  const sha = await tryBareGit(bare, ["rev-parse", "--verify", "--quiet", `${rev}:${path}`]);
  if (!sha) return undefined;
  const type = await bareGit(bare, ["cat-file", "-t", sha]);
  if (type !== "blob") return undefined;
  const { stdout } = await run("git", ["--git-dir", bare, "cat-file", "blob", sha], { encoding: "buffer", maxBuffer: 64 * 1024 * 1024 });
  return { sha, content: stdout };
}

/** A new commit on top of `parent` (none: a root commit) that sets (content) or deletes (null) one path. */
export async function commitFile(bare: string, parent: string | undefined, path: string, content: Buffer | null, message: string, date?: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "gh-standin-index-"));
  const env = { GIT_INDEX_FILE: join(dir, "index") };
  try {
    await bareGit(bare, parent ? ["read-tree", parent] : ["read-tree", "--empty"], env);
    if (content === null) {
      await bareGit(bare, ["update-index", "--force-remove", "--", path], env);
    } else {
      const blob = await withStdin(bare, ["hash-object", "-w", "--stdin"], content);
      await bareGit(bare, ["update-index", "--add", "--cacheinfo", `100644,${blob},${path}`], env);
    }
    const tree = await bareGit(bare, ["write-tree"], env);
    const when: Record<string, string> = date ? { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date } : {};
    return await bareGit(bare, ["commit-tree", tree, ...(parent ? ["-p", parent] : []), "-m", message], when);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
