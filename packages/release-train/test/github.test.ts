// Branch + commit + push with real git (a local bare repository as the remote) and the pull
// request call against a stand-in for GitHub's REST API that checks requests as GitHub does.
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { commitOnBranch, openOrUpdatePullRequest, parseRepository } from "../src/github";
import { PULL_REQUEST_TITLE, PULP_REPO_VERSIONS_FILE, proposeKayobeUpdate } from "../src/kayobe";

const run = promisify(execFile);
const git = async (cwd: string, ...args: string[]) => (await run("git", args, { cwd })).stdout.trim();

const TOKEN = "ghs_testtoken123";
const OWNER = "stackhpc";
const REPO = "stackhpc-kayobe-config";

interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: unknown;
}

interface PullRequest {
  number: number;
  title: string;
  body: string | null;
  head: string;
  base: string;
  state: "open" | "closed";
}

/**
 * Minimal GitHub REST API for pulls (docs.github.com/rest/pulls/pulls): token auth, JSON bodies,
 * `title`/`head`/`base` required on create, head and base must be branches of the repository
 * (checked in the bare repo), 422 "A pull request already exists" for a second open PR on a head.
 */
class FakeGitHub {
  readonly requests: RecordedRequest[] = [];
  readonly pulls: PullRequest[] = [];
  private server: Server | undefined;
  url = "";

  constructor(private readonly bareRepo: string) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let raw = "";
      req.on("data", (chunk: Buffer) => {
        raw += chunk.toString("utf8");
      });
      req.on("end", () => {
        void this.handle(req, raw).then(([status, body]) => {
          res.writeHead(status, { "content-type": "application/json; charset=utf-8" });
          res.end(JSON.stringify(body));
        });
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  private serialize(pr: PullRequest, shas: Record<string, string>) {
    const api = `${this.url}/repos/${OWNER}/${REPO}`;
    return {
      url: `${api}/pulls/${pr.number}`,
      id: 1000 + pr.number,
      node_id: `PR_${pr.number}`,
      html_url: `https://github.com/${OWNER}/${REPO}/pull/${pr.number}`,
      number: pr.number,
      state: pr.state,
      locked: false,
      title: pr.title,
      body: pr.body,
      user: { login: "release-train[bot]", id: 1, type: "Bot" },
      head: { label: `${OWNER}:${pr.head}`, ref: pr.head, sha: shas[pr.head] ?? "", repo: { full_name: `${OWNER}/${REPO}` } },
      base: { label: `${OWNER}:${pr.base}`, ref: pr.base, sha: shas[pr.base] ?? "", repo: { full_name: `${OWNER}/${REPO}` } },
      draft: false,
      merged: false,
      created_at: "2026-11-25T12:00:00Z",
      updated_at: "2026-11-25T12:00:00Z",
    };
  }

  private async branchShas(): Promise<Record<string, string>> {
    const out = await git(this.bareRepo, "for-each-ref", "--format=%(refname:short) %(objectname)", "refs/heads");
    return Object.fromEntries(out.split("\n").filter(Boolean).map((l) => l.split(" ") as [string, string]));
  }

  private async handle(req: IncomingMessage, raw: string): Promise<[number, unknown]> {
    const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : undefined;
    this.requests.push({ method: req.method!, url: req.url!, headers: req.headers, body });
    const docs = "https://docs.github.com/rest/pulls/pulls";
    if (req.headers.authorization !== `token ${TOKEN}`) {
      return [401, { message: "Bad credentials", documentation_url: "https://docs.github.com/rest", status: "401" }];
    }
    const url = new URL(req.url!, this.url);
    const prefix = `/repos/${OWNER}/${REPO}/pulls`;
    if (!url.pathname.startsWith(prefix)) return [404, { message: "Not Found", status: "404" }];
    const shas = await this.branchShas();
    const rest = url.pathname.slice(prefix.length);

    if (req.method === "POST" && rest === "") {
      if (!String(req.headers["content-type"]).startsWith("application/json")) return [415, { message: "Unsupported Media Type" }];
      const missing = ["title", "head", "base"].filter((f) => typeof body?.[f] !== "string");
      if (missing.length > 0) {
        return [422, { message: "Validation Failed", errors: missing.map((field) => ({ resource: "PullRequest", field, code: "missing_field" })), documentation_url: `${docs}#create-a-pull-request`, status: "422" }];
      }
      const head = String(body!["head"]).replace(`${OWNER}:`, "");
      const base = String(body!["base"]);
      const invalid = [["head", head], ["base", base]].filter(([, ref]) => !shas[ref!]);
      if (invalid.length > 0) {
        return [422, { message: "Validation Failed", errors: invalid.map(([field]) => ({ resource: "PullRequest", field, code: "invalid" })), documentation_url: `${docs}#create-a-pull-request`, status: "422" }];
      }
      if (this.pulls.some((p) => p.head === head && p.state === "open")) {
        return [422, { message: "Validation Failed", errors: [{ resource: "PullRequest", code: "custom", message: `A pull request already exists for ${OWNER}:${head}.` }], documentation_url: `${docs}#create-a-pull-request`, status: "422" }];
      }
      const pr: PullRequest = { number: this.pulls.length + 1, title: String(body!["title"]), body: (body!["body"] as string | undefined) ?? null, head, base, state: "open" };
      this.pulls.push(pr);
      return [201, this.serialize(pr, shas)];
    }
    if (req.method === "GET" && rest === "") {
      const head = url.searchParams.get("head");
      const base = url.searchParams.get("base");
      const state = url.searchParams.get("state") ?? "open";
      const found = this.pulls.filter(
        (p) => (!head || `${OWNER}:${p.head}` === head) && (!base || p.base === base) && (state === "all" || p.state === state),
      );
      return [200, found.map((p) => this.serialize(p, shas))];
    }
    const m = /^\/(\d+)$/.exec(rest);
    const pr = m ? this.pulls.find((p) => p.number === Number(m[1])) : undefined;
    if (req.method === "PATCH" && pr) {
      if (typeof body?.["title"] === "string") pr.title = body["title"];
      if (typeof body?.["body"] === "string") pr.body = body["body"];
      return [200, this.serialize(pr, shas)];
    }
    return [404, { message: "Not Found", status: "404" }];
  }
}

let root: string;
let bare: string;
let work: string;
let github: FakeGitHub;

const VERSIONS_FILE = "---\n# header\nstackhpc_pulp_repo_grafana_version: 20260701T070549\n";

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "rt-github-"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

beforeEach(async () => {
  const id = Math.random().toString(36).slice(2);
  bare = join(root, `${id}-remote.git`);
  work = join(root, `${id}-work`);
  await run("git", ["init", "--quiet", "--bare", "--initial-branch=main", bare]);
  await mkdir(join(work, "etc/kayobe"), { recursive: true });
  await git(work, "init", "--quiet", "--initial-branch=main");
  await writeFile(join(work, PULP_REPO_VERSIONS_FILE), VERSIONS_FILE);
  await writeFile(join(work, "README"), "kayobe-config\n");
  await git(work, "add", ".");
  await git(work, "-c", "user.name=Dev", "-c", "user.email=dev@example.com", "commit", "--quiet", "-m", "initial");
  await git(work, "remote", "add", "origin", bare);
  await git(work, "push", "--quiet", "origin", "main");
  github = new FakeGitHub(bare);
  await github.start();
});
afterEach(async () => {
  await github.stop();
});

describe("commitOnBranch", () => {
  it("commits only the given paths and returns undefined when they are unchanged", async () => {
    expect(await commitOnBranch({ cwd: work, branch: "b1", message: "m", paths: [PULP_REPO_VERSIONS_FILE] })).toBeUndefined();
    await writeFile(join(work, "README"), "edited\n");
    await writeFile(join(work, PULP_REPO_VERSIONS_FILE), `${VERSIONS_FILE}x: 1\n`);
    const sha = await commitOnBranch({ cwd: work, branch: "b1", message: "change", paths: [PULP_REPO_VERSIONS_FILE] });
    expect(sha).toMatch(/^[0-9a-f]{40}$/);
    expect(await git(work, "show", "--name-only", "--format=%an <%ae>|%s", sha!)).toBe(
      `release-train <release-train@users.noreply.github.com>|change\n\n${PULP_REPO_VERSIONS_FILE}`,
    );
    expect(await git(work, "status", "--porcelain")).toBe("M README");
  });

  it("rejects an invalid branch name", async () => {
    await expect(commitOnBranch({ cwd: work, branch: "bad..name", message: "m", paths: ["README"] })).rejects.toThrow(
      /git check-ref-format failed/,
    );
  });
});

describe("proposeKayobeUpdate", () => {
  const pullRequest = () => ({ token: TOKEN, repository: `${OWNER}/${REPO}`, base: "main", apiUrl: github.url });

  it("commits on a branch, pushes it and opens a pull request as GitHub's API requires", async () => {
    const result = await proposeKayobeUpdate({
      checkoutDir: work,
      versions: { grafana: "20261125T120000", epel: "20261125T120000" },
      branch: "release-train/pulp-repo-versions-20261125T120000",
      pullRequest: pullRequest(),
    });
    expect(result.pullRequest).toEqual({ number: 1, url: `https://github.com/${OWNER}/${REPO}/pull/1`, created: true });
    expect(result.commit).toBe(await git(bare, "rev-parse", "release-train/pulp-repo-versions-20261125T120000"));
    expect(await git(bare, "show", `${result.commit}:${PULP_REPO_VERSIONS_FILE}`)).toBe(
      "---\n# header\nstackhpc_pulp_repo_epel_version: 20261125T120000\nstackhpc_pulp_repo_grafana_version: 20261125T120000",
    );
    expect(await git(bare, "log", "-1", "--format=%B", result.commit!)).toBe(
      `${PULL_REQUEST_TITLE}\n\nstackhpc_pulp_repo_grafana_version: 20260701T070549 -> 20261125T120000\nstackhpc_pulp_repo_epel_version: (new) -> 20261125T120000`,
    );
    // The branch starts from the base branch.
    expect(await git(bare, "rev-parse", `${result.commit}~1`)).toBe(await git(bare, "rev-parse", "main"));

    const [create] = github.requests;
    expect(create).toMatchObject({
      method: "POST",
      url: `/repos/${OWNER}/${REPO}/pulls`,
      body: { title: PULL_REQUEST_TITLE, head: "release-train/pulp-repo-versions-20261125T120000", base: "main" },
    });
    expect(create!.headers.accept).toContain("application/vnd.github");
    expect((create!.body as { body: string }).body).toContain("| `stackhpc_pulp_repo_epel_version` | (new) | 20261125T120000 |");
  });

  it("updates the open pull request when GitHub answers that one already exists", async () => {
    const branch = "release-train/pulp-repo-versions";
    await proposeKayobeUpdate({ checkoutDir: work, versions: { grafana: "20261125T120000" }, branch, pullRequest: pullRequest() });
    await git(work, "checkout", "--quiet", "main");
    const second = await proposeKayobeUpdate({
      checkoutDir: work,
      versions: { grafana: "20261126T120000" },
      branch,
      pullRequest: pullRequest(),
    });
    expect(second.pullRequest).toEqual({ number: 1, url: `https://github.com/${OWNER}/${REPO}/pull/1`, created: false });
    expect(github.requests.map((r) => `${r.method} ${r.url.split("?")[0]}`)).toEqual([
      `POST /repos/${OWNER}/${REPO}/pulls`,
      `POST /repos/${OWNER}/${REPO}/pulls`,
      `GET /repos/${OWNER}/${REPO}/pulls`,
      `PATCH /repos/${OWNER}/${REPO}/pulls/1`,
    ]);
    expect(new URL(github.requests[2]!.url, github.url).searchParams.get("head")).toBe(`${OWNER}:${branch}`);
    expect(github.pulls).toHaveLength(1);
    expect(github.pulls[0]!.body).toContain("20261126T120000");
    // The branch was replaced by the new proposal.
    expect(await git(bare, "show", `${branch}:${PULP_REPO_VERSIONS_FILE}`)).toContain("grafana_version: 20261126T120000");
  });

  it("does nothing when the versions are already there", async () => {
    const result = await proposeKayobeUpdate({
      checkoutDir: work,
      versions: { grafana: "20260701T070549" },
      branch: "unused",
      pullRequest: pullRequest(),
    });
    expect(result.changed).toBe(false);
    expect(result.pullRequest).toBeUndefined();
    expect(github.requests).toEqual([]);
    expect(await git(bare, "branch", "--list", "unused")).toBe("");
  });

  it("can commit and push without a pull request", async () => {
    const result = await proposeKayobeUpdate({ checkoutDir: work, versions: { grafana: "20261125T120000" }, branch: "only-push", commit: true });
    expect(result.pullRequest).toBeUndefined();
    expect(await git(bare, "rev-parse", "only-push")).toBe(result.commit);
    expect(github.requests).toEqual([]);
  });
});

describe("openOrUpdatePullRequest", () => {
  it("takes the API root from GITHUB_API_URL and fails on bad credentials", async () => {
    const saved = process.env["GITHUB_API_URL"];
    process.env["GITHUB_API_URL"] = github.url;
    try {
      await expect(
        openOrUpdatePullRequest({ token: "wrong", repository: `${OWNER}/${REPO}`, head: "main", base: "main", title: "t", body: "b" }),
      ).rejects.toMatchObject({ status: 401 });
      expect(github.requests).toHaveLength(1);
      // GitHub rejects a head branch that does not exist; that is not "already exists".
      await expect(
        openOrUpdatePullRequest({ token: TOKEN, repository: `${OWNER}/${REPO}`, head: "nope", base: "main", title: "t", body: "b" }),
      ).rejects.toMatchObject({ status: 422 });
    } finally {
      if (saved === undefined) delete process.env["GITHUB_API_URL"];
      else process.env["GITHUB_API_URL"] = saved;
    }
  });

  it("validates owner/name", () => {
    expect(parseRepository("stackhpc/stackhpc-kayobe-config")).toEqual({ owner: "stackhpc", repo: "stackhpc-kayobe-config" });
    expect(() => parseRepository("no-slash")).toThrow(/owner\/name/);
  });
});
