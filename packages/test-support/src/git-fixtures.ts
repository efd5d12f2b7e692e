// Real git histories for tests: bare repositories on disk as a fork's upstream and downstream,
// built from a scratch work tree with deterministic commit dates.
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

let clock = Date.UTC(2026, 0, 1) / 1000;

export async function gitIn(cwd: string, args: string[], env: Record<string, string> = {}): Promise<string> {
  const date = `${clock++} +0000`;
  const { stdout } = await run("git", args, {
    cwd,
    maxBuffer: 16 * 1024 * 1024,
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: "Test Author",
      GIT_AUTHOR_EMAIL: "author@example.com",
      GIT_COMMITTER_NAME: "Test Committer",
      GIT_COMMITTER_EMAIL: "committer@example.com",
      GIT_AUTHOR_DATE: date,
      GIT_COMMITTER_DATE: date,
      GIT_CONFIG_NOSYSTEM: "1",
      ...env,
    },
  });
  return stdout.trim();
}

/**
 * A fork set-up: `upstream.git` and `downstream.git` bare repositories, a scratch work tree to
 * build history in (`work`), and helpers to publish refs to either side.
 */
export class ForkFixture {
  private constructor(
    readonly root: string,
    readonly work: string,
    readonly upstream: string,
    readonly downstream: string,
  ) {}

  static async create(prefix = "rt-fork-"): Promise<ForkFixture> {
    const root = await mkdtemp(join(tmpdir(), prefix));
    const f = new ForkFixture(root, join(root, "work"), join(root, "upstream.git"), join(root, "downstream.git"));
    await gitIn(root, ["init", "--quiet", "--bare", "-b", "master", f.upstream]);
    await gitIn(root, ["init", "--quiet", "--bare", "-b", "master", f.downstream]);
    await mkdir(f.work);
    await gitIn(f.work, ["init", "--quiet", "-b", "master"]);
    return f;
  }

  git(...args: string[]): Promise<string> {
    return gitIn(this.work, args);
  }

  /** Checks out `branch` (created from `from` when given) and commits; returns the commit. */
  async commit(message: string, options: { branch?: string; from?: string; files?: Record<string, string> } = {}): Promise<string> {
    if (options.branch) {
      if (options.from) await this.git("checkout", "--quiet", "-B", options.branch, options.from);
      else if (await this.has(options.branch)) await this.git("checkout", "--quiet", options.branch);
      else await this.git("symbolic-ref", "HEAD", `refs/heads/${options.branch}`);
    }
    for (const [path, content] of Object.entries(options.files ?? {})) {
      await mkdir(dirname(join(this.work, path)), { recursive: true });
      await writeFile(join(this.work, path), content);
      await this.git("add", "--", path);
    }
    await this.git("commit", "--quiet", "--allow-empty", "-m", message);
    return this.git("rev-parse", "HEAD");
  }

  async has(branch: string): Promise<boolean> {
    return this.git("rev-parse", "--verify", "--quiet", `refs/heads/${branch}`).then(
      () => true,
      () => false,
    );
  }

  async tag(name: string, ref = "HEAD", annotated = false): Promise<void> {
    if (annotated) await this.git("tag", "-a", "-m", `tag ${name}`, name, ref);
    else await this.git("tag", name, ref);
  }

  /** Pushes refspecs (`local:remote`, or a name for both) to the upstream bare repository. */
  async pushUpstream(...refspecs: string[]): Promise<void> {
    await this.git("push", "--quiet", "--force", this.upstream, ...refspecs);
  }

  async pushDownstream(...refspecs: string[]): Promise<void> {
    await this.git("push", "--quiet", "--force", this.downstream, ...refspecs);
  }

  /** A fresh clone of the downstream with the upstream as `upstreamRemote` (actions/checkout-like). */
  async checkout(options: { upstreamRemote?: string; downstreamRemote?: string } = {}): Promise<string> {
    const dir = await mkdtemp(join(this.root, "checkout-"));
    const down = options.downstreamRemote ?? "stackhpc";
    const up = options.upstreamRemote ?? "origin";
    await gitIn(dir, ["init", "--quiet", "-b", "main"]);
    await gitIn(dir, ["remote", "add", up, this.upstream]);
    await gitIn(dir, ["remote", "add", down, this.downstream]);
    return dir;
  }

  async remove(): Promise<void> {
    await rm(this.root, { recursive: true, force: true });
  }
}
