/**
 * A stand-in for the part of GitHub's REST API the release train calls (docs.github.com/rest):
 * repositories, compare, git refs, pulls, labels (repository and issue), releases, contents,
 * commits, workflows (list, enable, dispatch). Repositories are real bare git repositories on
 * disk (forks share their parent's objects), so compare, refs and contents behave as git does.
 *
 * Fidelity: every request body and every response body is validated against GitHub's published
 * OpenAPI description (@octokit/openapi); problems collect in `violations` and tests assert there
 * are none. Error bodies follow GitHub's (`message`, `documentation_url`, `errors[]` on 422s).
 * Faults: `injectRateLimit` answers matching requests with a 403 secondary rate limit or a 429,
 * each with Retry-After, the way GitHub does (docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api).
 * Assumption, not documented by GitHub: a ref update or contents write that would change
 * `.github/workflows/**` with a token lacking the workflows permission is refused with 403 and the
 * text git pushes get ("refusing to allow … without `workflows` permission").
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  bareGit,
  changedFiles,
  commitFile,
  commitInfo,
  commitSha,
  commitsBetween,
  listRefs,
  readBlob,
  refSha,
  tryBareGit,
} from "./git-store";
import { complete, findGitHubOperation, requestBodySchema, validateGitHubRequest, validateGitHubResponse } from "./openapi";

export interface TokenGrant {
  login: string;
  /** Classic PAT scopes, sent back in X-OAuth-Scopes; omit for installation tokens. */
  scopes?: string[];
  /** May create or update `.github/workflows/**` (classic `workflow` scope; App `workflows`). */
  workflows?: boolean;
}

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: unknown;
  status: number;
  at: number;
}

export interface StandInPull {
  repo: string;
  number: number;
  title: string;
  body: string | null;
  head: string;
  base: string;
  headSha: string;
  state: "open" | "closed";
  labels: string[];
  createdAt: string;
}

interface Label {
  id: number;
  name: string;
  color: string;
  description: string | null;
}

interface Release {
  id: number;
  tag_name: string;
  name: string | null;
  body: string | null;
  target_commitish: string;
  draft: boolean;
  prerelease: boolean;
  created_at: string;
}

interface Workflow {
  id: number;
  path: string;
  name: string;
  state: "active" | "disabled_inactivity" | "disabled_manually";
  /** Input names its `on.workflow_dispatch.inputs` declares (none when omitted). */
  inputs: string[];
}

export interface WorkflowDeclaration {
  path: string;
  name: string;
  state?: Workflow["state"];
  inputs?: string[];
}

interface Repo {
  id: number;
  owner: string;
  name: string;
  bare: string;
  defaultBranch: string;
  parent?: string;
  pushedAt: string;
  labels: Label[];
  releases: Release[];
  workflows: Workflow[];
  dispatches: { workflow: string; ref: string; inputs: Record<string, unknown> }[];
}

export interface RateLimitRule {
  /** `fail`: a plain server error (`status`, default 502), to cut a run off part-way. */
  kind: "secondary" | "429" | "fail";
  /** Seconds sent in Retry-After. */
  retryAfter: number;
  status?: number;
  /** How many matching requests to refuse. */
  times: number;
  /** Which requests: `METHOD /path` tested against this pattern; default every request. */
  match?: RegExp;
}

const DOCS = "https://docs.github.com/rest";

/** How many `inputs` a dispatch may carry: the description's `maxProperties` (25 since late 2025). */
function dispatchInputsLimit(): number {
  const schema = requestBodySchema("POST", "/repos/o/r/actions/workflows/w/dispatches") as { properties?: { inputs?: { maxProperties?: number } } } | undefined;
  const max = schema?.properties?.inputs?.maxProperties;
  if (typeof max !== "number") throw new Error("stand-in: the OpenAPI description gives no maxProperties for dispatch inputs");
  return max;
}
const NOW = "2026-12-01T06:15:00Z";

class HttpError {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
    readonly headers: Record<string, string> = {},
  ) {}
}

const notFound = (doc = DOCS) => new HttpError(404, { message: "Not Found", documentation_url: doc, status: "404" });
const validation = (doc: string, errors: Record<string, unknown>[], message = "Validation Failed") =>
  new HttpError(422, { message, errors, documentation_url: doc, status: "422" });

export class GitHubStandIn {
  readonly requests: RecordedRequest[] = [];
  readonly violations: string[] = [];
  private readonly repos = new Map<string, Repo>();
  private readonly pullList: StandInPull[] = [];
  private readonly rules: RateLimitRule[] = [];
  private readonly tokens: Record<string, TokenGrant>;
  private server: Server | undefined;
  private root = "";
  private nextId = 1000;
  url = "";

  constructor(options: { tokens?: Record<string, TokenGrant> } = {}) {
    this.tokens = options.tokens ?? {};
  }

  get pulls(): StandInPull[] {
    return this.pullList;
  }

  addToken(token: string, grant: TokenGrant): void {
    this.tokens[token] = grant;
  }

  async start(): Promise<void> {
    this.root = await mkdtemp(join(tmpdir(), "gh-standin-"));
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        void this.respond(req, res, Buffer.concat(chunks).toString("utf8"));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
    if (this.root) await rm(this.root, { recursive: true, force: true });
  }

  /**
   * Registers `owner/name`. `bare` adopts an existing bare repository; otherwise an empty one is
   * created, or with `autoInit` (GitHub's `auto_init`) one whose default branch has a commit
   * adding a README. `parent` (`owner/name`, registered first) makes it a fork sharing the
   * parent's objects. `workflows` are what the Actions API lists and dispatches.
   */
  async addRepository(
    fullName: string,
    options: { bare?: string; autoInit?: boolean; defaultBranch?: string; parent?: string; pushedAt?: string; workflows?: WorkflowDeclaration[] } = {},
  ): Promise<string> {
    const [owner, name] = fullName.split("/") as [string, string];
    let bare = options.bare;
    if (!bare) {
      const branch = options.defaultBranch ?? "master";
      bare = join(this.root, "repos", owner, `${name}.git`);
      await mkdir(bare, { recursive: true });
      await bareGit(bare, ["init", "--quiet", "--bare", "-b", branch]);
      if (options.autoInit) {
        const commit = await commitFile(bare, undefined, "README.md", Buffer.from(`# ${name}\n`), "Initial commit");
        await bareGit(bare, ["update-ref", `refs/heads/${branch}`, commit, ""]);
      }
    }
    if (options.parent) {
      const parent = this.repo(options.parent);
      await writeFile(join(bare, "objects", "info", "alternates"), `${join(parent.bare, "objects")}\n`);
    }
    this.repos.set(fullName.toLowerCase(), {
      id: this.nextId++,
      owner,
      name,
      bare,
      defaultBranch: options.defaultBranch ?? "master",
      ...(options.parent ? { parent: options.parent } : {}),
      pushedAt: options.pushedAt ?? NOW,
      labels: [],
      releases: [],
      workflows: (options.workflows ?? []).map((w) => ({ id: this.nextId++, path: w.path, name: w.name, state: w.state ?? "active", inputs: w.inputs ?? [] })),
      dispatches: [],
    });
    return bare;
  }

  bareOf(fullName: string): string {
    return this.repo(fullName).bare;
  }

  labelsOf(fullName: string): string[] {
    return this.repo(fullName).labels.map((l) => l.name);
  }

  releasesOf(fullName: string): Release[] {
    return this.repo(fullName).releases;
  }

  dispatchesOf(fullName: string): Repo["dispatches"] {
    return this.repo(fullName).dispatches;
  }

  workflowsOf(fullName: string): Workflow[] {
    return this.repo(fullName).workflows;
  }

  injectRateLimit(rule: RateLimitRule): void {
    this.rules.push({ ...rule });
  }

  private repo(fullName: string): Repo {
    const repo = this.repos.get(fullName.toLowerCase());
    if (!repo) throw new Error(`stand-in: no repository ${fullName}`);
    return repo;
  }

  private async respond(req: IncomingMessage, res: ServerResponse, raw: string): Promise<void> {
    const url = new URL(req.url!, this.url);
    const method = req.method!;
    let body: unknown;
    let status = 500;
    let payload: unknown;
    let headers: Record<string, string> = {};
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      body = raw;
    }
    try {
      const grant = this.authenticate(req);
      if (grant.scopes) headers["x-oauth-scopes"] = grant.scopes.join(", ");
      const limited = this.rateLimited(`${method} ${url.pathname}`);
      if (limited) throw limited;
      try {
        for (const problem of validateGitHubRequest(method, url.pathname, body)) this.violations.push(`${method} ${url.pathname}: ${problem}`);
      } catch (error) {
        this.violations.push(`${method} ${url.pathname}: request validator failed: ${(error as Error).message}`);
      }
      [status, payload] = await this.handle(method, url, body as Record<string, unknown> | undefined, grant);
    } catch (error) {
      if (!(error instanceof HttpError)) {
        status = 500;
        payload = { message: `stand-in failure: ${(error as Error).message}`, documentation_url: DOCS };
        this.violations.push(`${method} ${url.pathname}: ${(error as Error).stack}`);
      } else {
        status = error.status;
        payload = error.body;
        headers = { ...headers, ...error.headers };
      }
    }
    try {
      if (findGitHubOperation(method, url.pathname)) {
        for (const problem of validateGitHubResponse(method, url.pathname, status, payload)) {
          this.violations.push(`${method} ${url.pathname} → ${status}: ${problem}`);
        }
      }
    } catch (error) {
      this.violations.push(`${method} ${url.pathname} → ${status}: validator failed: ${(error as Error).message}`);
    }
    this.requests.push({ method, url: req.url!, headers: req.headers, body, status, at: Date.now() });
    res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
    res.end(payload === undefined ? "" : JSON.stringify(payload));
  }

  private authenticate(req: IncomingMessage): TokenGrant {
    const m = /^(?:token|bearer) (.+)$/i.exec(req.headers.authorization ?? "");
    const grant = m ? this.tokens[m[1]!] : undefined;
    if (!grant) throw new HttpError(401, { message: "Bad credentials", documentation_url: DOCS, status: "401" });
    return grant;
  }

  private rateLimited(key: string): HttpError | undefined {
    const rule = this.rules.find((r) => r.times > 0 && (!r.match || r.match.test(key)));
    if (!rule) return undefined;
    rule.times--;
    if (rule.kind === "fail") {
      const status = rule.status ?? 502;
      return new HttpError(status, { message: "Server Error", documentation_url: DOCS, status: String(status) });
    }
    const headers = { "retry-after": String(rule.retryAfter) };
    if (rule.kind === "secondary") {
      return new HttpError(
        403,
        {
          message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
          documentation_url: "https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits",
          status: "403",
        },
        headers,
      );
    }
    return new HttpError(429, { message: "Too Many Requests", documentation_url: DOCS, status: "429" }, headers);
  }

  private async handle(method: string, url: URL, body: Record<string, unknown> | undefined, grant: TokenGrant): Promise<[number, unknown]> {
    const m = /^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/.exec(url.pathname);
    if (!m) throw notFound();
    const repo = this.repos.get(`${m[1]}/${m[2]}`.toLowerCase());
    if (!repo) throw notFound();
    const rest = m[3] ?? "";
    const q = url.searchParams;
    const route = `${method} ${rest.replace(/^\/(pulls|releases|issues)\/\d+/, "/$1/:n")}`;
    if (rest === "" && method === "GET") return [200, this.repositoryJson(repo, true, grant)];
    if (rest.startsWith("/compare/") && method === "GET") return [200, await this.compare(repo, decodeURIComponent(rest.slice(9)))];
    if (rest.startsWith("/git/ref/") && method === "GET") return [200, await this.getRef(repo, decodeURIComponent(rest.slice(9)))];
    if (rest === "/git/refs" && method === "POST") return [201, await this.createRef(repo, body!, grant)];
    if (rest.startsWith("/git/refs/") && method === "PATCH") return [200, await this.updateRef(repo, decodeURIComponent(rest.slice(10)), body!, grant)];
    if (rest.startsWith("/git/refs/") && method === "DELETE") return [204, await this.deleteRef(repo, decodeURIComponent(rest.slice(10)))];
    if (rest.startsWith("/contents/") && method === "GET") return [200, await this.getContents(repo, decodeURIComponent(rest.slice(10)), q.get("ref"))];
    if (rest.startsWith("/contents/") && method === "PUT") return this.putContents(repo, decodeURIComponent(rest.slice(10)), body!, grant);
    if (rest === "/commits" && method === "GET") return [200, await this.listCommits(repo, q)];
    switch (route) {
      case "GET /pulls":
        return [200, this.page(this.findPulls(repo, q), q).map((p) => this.pullJson(repo, p, false))];
      case "POST /pulls":
        return [201, await this.createPull(repo, body!)];
      case "GET /pulls/:n":
        return [200, this.pullJson(repo, this.pull(repo, rest), true)];
      case "PATCH /pulls/:n": {
        const pr = this.pull(repo, rest);
        if (typeof body?.["title"] === "string") pr.title = body["title"];
        if (typeof body?.["body"] === "string") pr.body = body["body"];
        if (body?.["state"] === "closed" || body?.["state"] === "open") pr.state = body["state"];
        return [200, this.pullJson(repo, pr, true)];
      }
      case "GET /labels":
        return [200, this.page(repo.labels, q).map((l) => this.labelJson(repo, l))];
      case "POST /labels":
        return [201, this.labelJson(repo, this.createLabel(repo, body!))];
      case "POST /issues/:n/labels": {
        const pr = this.pull(repo, rest.replace("/issues/", "/pulls/").replace(/\/labels$/, ""));
        const names = ((body?.["labels"] ?? []) as (string | { name: string })[]).map((l) => (typeof l === "string" ? l : l.name));
        for (const name of names) {
          if (!repo.labels.some((l) => l.name.toLowerCase() === name.toLowerCase())) this.createLabel(repo, { name });
          if (!pr.labels.includes(name)) pr.labels.push(name);
        }
        return [200, pr.labels.map((n) => this.labelJson(repo, repo.labels.find((l) => l.name.toLowerCase() === n.toLowerCase())!))];
      }
      case "GET /releases":
        return [200, this.page(repo.releases, q).map((r) => this.releaseJson(repo, r))];
      case "POST /releases":
        return [201, await this.createRelease(repo, body!)];
      case "PATCH /releases/:n": {
        const release = repo.releases.find((r) => r.id === Number(rest.split("/")[2]));
        if (!release) throw notFound();
        for (const key of ["name", "body", "draft", "prerelease", "tag_name", "target_commitish"] as const) {
          if (body && key in body) (release as unknown as Record<string, unknown>)[key] = body[key];
        }
        return [200, this.releaseJson(repo, release)];
      }
      case "GET /actions/workflows":
        return [200, { total_count: repo.workflows.length, workflows: repo.workflows.map((w) => this.workflowJson(repo, w)) }];
    }
    const tag = /^\/releases\/tags\/(.+)$/.exec(rest);
    if (tag && method === "GET") {
      const release = repo.releases.find((r) => r.tag_name === decodeURIComponent(tag[1]!));
      if (!release) throw notFound(`${DOCS}/releases/releases#get-a-release-by-tag-name`);
      return [200, this.releaseJson(repo, release)];
    }
    const wf = /^\/actions\/workflows\/([^/]+)\/(enable|dispatches)$/.exec(rest);
    if (wf) {
      const id = decodeURIComponent(wf[1]!);
      const workflow = repo.workflows.find((w) => String(w.id) === id || w.path.endsWith(`/${id}`));
      if (!workflow) throw notFound();
      if (wf[2] === "enable" && method === "PUT") {
        workflow.state = "active";
        return [204, undefined];
      }
      if (wf[2] === "dispatches" && method === "POST") return this.dispatch(repo, workflow, body);
    }
    throw notFound();
  }

  /**
   * GitHub's answers to a workflow dispatch (docs.github.com/rest/actions/workflows#create-a-workflow-dispatch-event):
   * 422 when `ref` is missing or names no branch or tag, when `inputs` is not an object or has
   * more properties than the description allows, or names inputs the workflow does not declare.
   */
  private async dispatch(repo: Repo, workflow: Workflow, body: Record<string, unknown> | undefined): Promise<[number, undefined]> {
    const doc = `${DOCS}/actions/workflows#create-a-workflow-dispatch-event`;
    // GitHub answers these without `errors[]`.
    const refuse = (message: string) => new HttpError(422, { message, documentation_url: doc, status: "422" });
    const invalid = (detail: string) => refuse(`Invalid request.\n\n${detail}`);
    const ref = body?.["ref"];
    if (typeof ref !== "string") throw invalid(`"ref" wasn't supplied.`);
    const full = ref.startsWith("refs/") ? [ref] : [`refs/heads/${ref}`, `refs/tags/${ref}`];
    const found = await Promise.all(full.filter((r) => /^refs\/(heads|tags)\//.test(r)).map((r) => refSha(repo.bare, r)));
    if (!found.some(Boolean)) throw refuse(`No ref found for: ${ref}`);
    const inputs = body?.["inputs"] ?? {};
    if (typeof inputs !== "object" || inputs === null || Array.isArray(inputs)) throw invalid("For 'properties/inputs', is not an object.");
    const names = Object.keys(inputs);
    const max = dispatchInputsLimit();
    if (names.length > max) throw invalid(`For 'properties/inputs', too many properties (maximum ${max}).`);
    const unexpected = names.filter((n) => !workflow.inputs.includes(n));
    if (unexpected.length > 0) throw refuse(`Unexpected inputs provided: ${JSON.stringify(unexpected)}`);
    repo.dispatches.push({ workflow: workflow.path, ref, inputs: inputs as Record<string, unknown> });
    return [204, undefined];
  }

  private page<T>(items: T[], q: URLSearchParams): T[] {
    const perPage = Math.min(Number(q.get("per_page") ?? 30), 100);
    const page = Math.max(Number(q.get("page") ?? 1), 1);
    return items.slice((page - 1) * perPage, page * perPage);
  }

  // ---- JSON shapes (completed from the spec's required fields) ----

  private api(repo: Repo): string {
    return `${this.url}/repos/${repo.owner}/${repo.name}`;
  }

  private user(login: string): Record<string, unknown> {
    const path = encodeURIComponent(login);
    return complete(
      "simple-user",
      { login, id: 1, node_id: "U_1", type: login.endsWith("[bot]") ? "Bot" : "User", site_admin: false, url: `${this.url}/users/${path}`, html_url: `https://github.com/${path}` },
      `${this.url}/users/${path}`,
    );
  }

  private repositoryJson(repo: Repo, full: boolean, grant?: TokenGrant): Record<string, unknown> {
    const base = {
      id: repo.id,
      node_id: `R_${repo.id}`,
      name: repo.name,
      full_name: `${repo.owner}/${repo.name}`,
      owner: this.user(repo.owner),
      private: false,
      html_url: `https://github.com/${repo.owner}/${repo.name}`,
      url: this.api(repo),
      fork: repo.parent !== undefined,
      default_branch: repo.defaultBranch,
      pushed_at: repo.pushedAt,
      created_at: "2020-01-01T00:00:00Z",
      updated_at: repo.pushedAt,
      visibility: "public",
      archived: false,
      disabled: false,
      ...(grant ? { permissions: { admin: false, maintain: false, push: true, triage: true, pull: true } } : {}),
    };
    if (!full) return complete("repository", base, this.api(repo));
    const parent = repo.parent ? this.repo(repo.parent) : undefined;
    return complete(
      "full-repository",
      { ...base, ...(parent ? { parent: this.repositoryJson(parent, false), source: this.repositoryJson(parent, false) } : {}), network_count: 0, subscribers_count: 0 },
      this.api(repo),
    );
  }

  private async commitJson(repo: Repo, sha: string): Promise<Record<string, unknown>> {
    const c = await commitInfo(repo.bare, sha);
    return complete(
      "commit",
      {
        sha: c.sha,
        node_id: `C_${c.sha}`,
        url: `${this.api(repo)}/commits/${c.sha}`,
        html_url: `https://github.com/${repo.owner}/${repo.name}/commit/${c.sha}`,
        comments_url: `${this.api(repo)}/commits/${c.sha}/comments`,
        commit: {
          url: `${this.api(repo)}/git/commits/${c.sha}`,
          author: { name: c.authorName, email: c.authorEmail, date: c.authorDate },
          committer: { name: c.committerName, email: c.committerEmail, date: c.committerDate },
          message: c.message,
          comment_count: 0,
          tree: { sha: c.tree, url: `${this.api(repo)}/git/trees/${c.tree}` },
        },
        author: null,
        committer: null,
        parents: c.parents.map((p) => ({ sha: p, url: `${this.api(repo)}/commits/${p}`, html_url: `https://github.com/${repo.owner}/${repo.name}/commit/${p}` })),
      },
      this.api(repo),
    );
  }

  private refJson(repo: Repo, ref: string, sha: string, type: string): Record<string, unknown> {
    return {
      ref,
      node_id: `REF_${Buffer.from(ref).toString("base64url")}`,
      url: `${this.api(repo)}/git/${ref}`,
      object: { type, sha, url: `${this.api(repo)}/git/${type}s/${sha}` },
    };
  }

  private labelJson(repo: Repo, l: Label): Record<string, unknown> {
    return { id: l.id, node_id: `LA_${l.id}`, url: `${this.api(repo)}/labels/${encodeURIComponent(l.name)}`, name: l.name, color: l.color, description: l.description, default: false };
  }

  private pullJson(repo: Repo, pr: StandInPull, full: boolean): Record<string, unknown> {
    const api = this.api(repo);
    const html = `https://github.com/${repo.owner}/${repo.name}/pull/${pr.number}`;
    const side = (ref: string, sha: string) => ({ label: `${repo.owner}:${ref}`, ref, sha, user: this.user(repo.owner), repo: this.repositoryJson(repo, false) });
    const baseSha = this.branchCache.get(`${repo.bare} ${pr.base}`) ?? "";
    const partial = {
      url: `${api}/pulls/${pr.number}`,
      id: 1_000_000 + pr.number,
      node_id: `PR_${pr.number}`,
      html_url: html,
      diff_url: `${html}.diff`,
      patch_url: `${html}.patch`,
      issue_url: `${api}/issues/${pr.number}`,
      commits_url: `${api}/pulls/${pr.number}/commits`,
      review_comments_url: `${api}/pulls/${pr.number}/comments`,
      review_comment_url: `${api}/pulls/comments{/number}`,
      comments_url: `${api}/issues/${pr.number}/comments`,
      statuses_url: `${api}/statuses/${pr.headSha}`,
      number: pr.number,
      state: pr.state,
      locked: false,
      title: pr.title,
      body: pr.body,
      user: this.user("release-train[bot]"),
      // The pull request schemas type a label's description as a plain string.
      labels: pr.labels.map((n) => {
        const label = repo.labels.find((l) => l.name === n) ?? { id: 0, name: n, color: "ededed", description: null };
        return { ...this.labelJson(repo, label), description: label.description ?? "" };
      }),
      milestone: null,
      assignee: null,
      assignees: [],
      requested_reviewers: [],
      requested_teams: [],
      head: side(pr.head, pr.headSha),
      base: side(pr.base, baseSha),
      _links: {
        self: { href: `${api}/pulls/${pr.number}` },
        html: { href: html },
        issue: { href: `${api}/issues/${pr.number}` },
        comments: { href: `${api}/issues/${pr.number}/comments` },
        review_comments: { href: `${api}/pulls/${pr.number}/comments` },
        review_comment: { href: `${api}/pulls/comments{/number}` },
        commits: { href: `${api}/pulls/${pr.number}/commits` },
        statuses: { href: `${api}/statuses/${pr.headSha}` },
      },
      author_association: "NONE",
      auto_merge: null,
      draft: false,
      merged: false,
      mergeable: null,
      mergeable_state: "unknown",
      merged_by: null,
      merge_commit_sha: null,
      merged_at: null,
      closed_at: pr.state === "closed" ? NOW : null,
      created_at: pr.createdAt,
      updated_at: pr.createdAt,
      comments: 0,
      review_comments: 0,
      maintainer_can_modify: false,
      commits: 1,
      additions: 0,
      deletions: 0,
      changed_files: 0,
    };
    return complete(full ? "pull-request" : "pull-request-simple", partial, api);
  }

  private releaseJson(repo: Repo, r: Release): Record<string, unknown> {
    const api = this.api(repo);
    return complete(
      "release",
      {
        ...r,
        url: `${api}/releases/${r.id}`,
        html_url: `https://github.com/${repo.owner}/${repo.name}/releases/tag/${r.tag_name}`,
        assets_url: `${api}/releases/${r.id}/assets`,
        upload_url: `${this.url}/uploads/${repo.owner}/${repo.name}/releases/${r.id}/assets{?name,label}`,
        tarball_url: `${api}/tarball/${r.tag_name}`,
        zipball_url: `${api}/zipball/${r.tag_name}`,
        node_id: `RE_${r.id}`,
        published_at: r.draft ? null : r.created_at,
        author: this.user("release-train[bot]"),
        assets: [],
      },
      api,
    );
  }

  private workflowJson(repo: Repo, w: Workflow): Record<string, unknown> {
    return {
      id: w.id,
      node_id: `W_${w.id}`,
      name: w.name,
      path: w.path,
      state: w.state,
      created_at: "2020-01-01T00:00:00Z",
      updated_at: "2020-01-01T00:00:00Z",
      url: `${this.api(repo)}/actions/workflows/${w.id}`,
      html_url: `https://github.com/${repo.owner}/${repo.name}/blob/${repo.defaultBranch}/${w.path}`,
      badge_url: `https://github.com/${repo.owner}/${repo.name}/workflows/${encodeURIComponent(w.name)}/badge.svg`,
    };
  }

  // ---- git-backed operations ----

  /** Branch heads as of the last pull request listing (pulls show `base.sha`). */
  private readonly branchCache = new Map<string, string>();

  /** `base...head`, each `ref` or `owner:ref` (a ref of another repository in the fork network). */
  private async compare(repo: Repo, basehead: string): Promise<Record<string, unknown>> {
    const [baseSpec, headSpec] = basehead.split("...") as [string, string | undefined];
    if (headSpec === undefined) throw notFound(`${DOCS}/commits/commits#compare-two-commits`);
    const resolve = async (spec: string): Promise<string> => {
      const [owner, ref] = spec.includes(":") ? (spec.split(":", 2) as [string, string]) : [repo.owner, spec];
      const source = [...this.repos.values()].find((r) => r.owner.toLowerCase() === owner.toLowerCase() && this.sameNetwork(r, repo));
      const sha = source ? await commitSha(source.bare, ref) : undefined;
      if (!sha || !(await commitSha(repo.bare, sha))) throw notFound(`${DOCS}/commits/commits#compare-two-commits`);
      return sha;
    };
    const base = await resolve(baseSpec);
    const head = await resolve(headSpec);
    const mergeBase = await tryBareGit(repo.bare, ["merge-base", base, head]);
    if (!mergeBase) throw notFound(`${DOCS}/commits/commits#compare-two-commits`);
    const ahead = await commitsBetween(repo.bare, base, head);
    const behind = await commitsBetween(repo.bare, head, base);
    const status = ahead.length === 0 && behind.length === 0 ? "identical" : behind.length === 0 ? "ahead" : ahead.length === 0 ? "behind" : "diverged";
    const files = (await changedFiles(repo.bare, mergeBase, head)).slice(0, 300);
    const html = `https://github.com/${repo.owner}/${repo.name}/compare/${basehead}`;
    return {
      url: `${this.api(repo)}/compare/${basehead}`,
      html_url: html,
      permalink_url: `https://github.com/${repo.owner}/${repo.name}/compare/${repo.owner}:${base.slice(0, 7)}...${repo.owner}:${head.slice(0, 7)}`,
      diff_url: `${html}.diff`,
      patch_url: `${html}.patch`,
      base_commit: await this.commitJson(repo, base),
      merge_base_commit: await this.commitJson(repo, mergeBase),
      status,
      ahead_by: ahead.length,
      behind_by: behind.length,
      total_commits: ahead.length,
      commits: await Promise.all(ahead.slice(0, 250).map((sha) => this.commitJson(repo, sha))),
      files: files.map((f) => ({
        sha: null,
        filename: f.filename,
        status: f.status,
        additions: f.additions,
        deletions: f.deletions,
        changes: f.additions + f.deletions,
        blob_url: `https://github.com/${repo.owner}/${repo.name}/blob/${head}/${f.filename}`,
        raw_url: `https://github.com/${repo.owner}/${repo.name}/raw/${head}/${f.filename}`,
        contents_url: `${this.api(repo)}/contents/${f.filename}?ref=${head}`,
      })),
    };
  }

  private sameNetwork(a: Repo, b: Repo): boolean {
    const root = (r: Repo): Repo => (r.parent ? root(this.repo(r.parent)) : r);
    return root(a) === root(b);
  }

  private async getRef(repo: Repo, ref: string): Promise<Record<string, unknown>> {
    const full = `refs/${ref}`;
    const found = (await listRefs(repo.bare, full)).find((r) => r.ref === full);
    if (!found) throw notFound(`${DOCS}/git/refs#get-a-reference`);
    return this.refJson(repo, found.ref, found.sha, found.type);
  }

  /** Refuses a ref move that changes workflow files unless the token may (see the file comment). */
  private async checkWorkflows(repo: Repo, grant: TokenGrant, from: string | undefined, to: string): Promise<void> {
    if (grant.workflows) return;
    const base = from ?? (await commitSha(repo.bare, `refs/heads/${repo.defaultBranch}`));
    const files = base ? await changedFiles(repo.bare, base, to) : (await bareGit(repo.bare, ["ls-tree", "-r", "--name-only", to])).split("\n").map((filename) => ({ filename }));
    const workflow = files.find((f) => f.filename.startsWith(".github/workflows/"));
    if (workflow) {
      throw new HttpError(403, {
        message: `refusing to allow a GitHub App to create or update workflow \`${workflow.filename}\` without \`workflows\` permission`,
        documentation_url: `${DOCS}/git/refs#create-a-reference`,
        status: "403",
      });
    }
  }

  private async createRef(repo: Repo, body: Record<string, unknown>, grant: TokenGrant): Promise<Record<string, unknown>> {
    const doc = `${DOCS}/git/refs#create-a-reference`;
    const ref = String(body["ref"] ?? "");
    const sha = String(body["sha"] ?? "");
    if (!/^refs\/[^/]+\/.+/.test(ref)) throw validation(doc, [], `${ref} is not a valid ref name.`);
    if (await refSha(repo.bare, ref)) throw validation(doc, [], "Reference already exists");
    const type = await tryBareGit(repo.bare, ["cat-file", "-t", sha]);
    if (!type) throw validation(doc, [], "Object does not exist");
    if (ref.startsWith("refs/heads/")) await this.checkWorkflows(repo, grant, undefined, sha);
    await bareGit(repo.bare, ["update-ref", ref, sha, ""]);
    return this.refJson(repo, ref, sha, type);
  }

  private async updateRef(repo: Repo, ref: string, body: Record<string, unknown>, grant: TokenGrant): Promise<Record<string, unknown>> {
    const doc = `${DOCS}/git/refs#update-a-reference`;
    const full = `refs/${ref}`;
    const old = await refSha(repo.bare, full);
    if (!old) throw validation(doc, [], "Reference does not exist");
    const sha = String(body["sha"] ?? "");
    if (!(await commitSha(repo.bare, sha))) throw validation(doc, [], "Object does not exist");
    const ff = (await tryBareGit(repo.bare, ["merge-base", "--is-ancestor", old, sha])) !== undefined;
    if (!ff && body["force"] !== true) throw validation(doc, [], "Update is not a fast forward");
    if (full.startsWith("refs/heads/")) await this.checkWorkflows(repo, grant, old, sha);
    await bareGit(repo.bare, ["update-ref", full, sha, old]);
    return this.refJson(repo, full, sha, "commit");
  }

  private async deleteRef(repo: Repo, ref: string): Promise<undefined> {
    const full = `refs/${ref}`;
    if (!(await refSha(repo.bare, full))) throw validation(`${DOCS}/git/refs#delete-a-reference`, [], "Reference does not exist");
    await bareGit(repo.bare, ["update-ref", "-d", full]);
    // GitHub closes the open pull requests whose head branch is deleted.
    const branch = full.replace(/^refs\/heads\//, "");
    for (const pr of this.pullList) if (pr.repo === `${repo.owner}/${repo.name}` && pr.head === branch) pr.state = "closed";
    return undefined;
  }

  private async getContents(repo: Repo, path: string, ref: string | null): Promise<Record<string, unknown>> {
    const rev = ref ?? repo.defaultBranch;
    const blob = await readBlob(repo.bare, rev, path);
    if (!blob) throw notFound(`${DOCS}/repos/contents#get-repository-content`);
    const api = this.api(repo);
    const name = path.split("/").pop()!;
    const html = `https://github.com/${repo.owner}/${repo.name}/blob/${rev}/${path}`;
    return {
      type: "file",
      encoding: "base64",
      size: blob.content.length,
      name,
      path,
      content: blob.content.toString("base64"),
      sha: blob.sha,
      url: `${api}/contents/${path}?ref=${rev}`,
      git_url: `${api}/git/blobs/${blob.sha}`,
      html_url: html,
      download_url: `https://raw.githubusercontent.com/${repo.owner}/${repo.name}/${rev}/${path}`,
      _links: { self: `${api}/contents/${path}?ref=${rev}`, git: `${api}/git/blobs/${blob.sha}`, html },
    };
  }

  private async putContents(repo: Repo, path: string, body: Record<string, unknown>, grant: TokenGrant): Promise<[number, unknown]> {
    const doc = `${DOCS}/repos/contents#create-or-update-file-contents`;
    const branch = String(body["branch"] ?? repo.defaultBranch);
    const parent = await commitSha(repo.bare, `refs/heads/${branch}`);
    if (!parent) throw notFound(doc);
    const existing = await readBlob(repo.bare, parent, path);
    if (existing && body["sha"] === undefined) throw validation(doc, [], `Invalid request.\n\n"sha" wasn't supplied.`);
    if (existing && body["sha"] !== existing.sha) throw new HttpError(409, { message: `${path} does not match ${String(body["sha"])}`, documentation_url: doc, status: "409" });
    const commit = await commitFile(repo.bare, parent, path, Buffer.from(String(body["content"] ?? ""), "base64"), String(body["message"] ?? ""));
    await this.checkWorkflows(repo, grant, parent, commit);
    await bareGit(repo.bare, ["update-ref", `refs/heads/${branch}`, commit, parent]);
    const content = await this.getContents(repo, path, commit);
    const info = await commitInfo(repo.bare, commit);
    const api = this.api(repo);
    return [
      existing ? 200 : 201,
      {
        content: { ...content, url: `${api}/contents/${path}?ref=${branch}` },
        commit: {
          sha: commit,
          node_id: `C_${commit}`,
          url: `${api}/git/commits/${commit}`,
          html_url: `https://github.com/${repo.owner}/${repo.name}/commit/${commit}`,
          author: { name: info.authorName, email: info.authorEmail, date: info.authorDate },
          committer: { name: info.committerName, email: info.committerEmail, date: info.committerDate },
          message: info.message,
          tree: { sha: info.tree, url: `${api}/git/trees/${info.tree}` },
          parents: info.parents.map((p) => ({ sha: p, url: `${api}/git/commits/${p}`, html_url: `https://github.com/${repo.owner}/${repo.name}/commit/${p}` })),
          verification: { verified: false, reason: "unsigned", signature: null, payload: null, verified_at: null },
        },
      },
    ];
  }

  private async listCommits(repo: Repo, q: URLSearchParams): Promise<unknown[]> {
    const rev = q.get("sha") ?? repo.defaultBranch;
    const perPage = Math.min(Number(q.get("per_page") ?? 30), 100);
    const out = await tryBareGit(repo.bare, ["rev-list", `--max-count=${perPage}`, rev]);
    if (out === undefined) throw notFound();
    return Promise.all(out.split("\n").filter(Boolean).map((sha) => this.commitJson(repo, sha)));
  }

  private findPulls(repo: Repo, q: URLSearchParams): StandInPull[] {
    const head = q.get("head");
    const base = q.get("base");
    const state = q.get("state") ?? "open";
    return this.pullList.filter(
      (p) =>
        p.repo === `${repo.owner}/${repo.name}` &&
        (!head || `${repo.owner}:${p.head}` === head) &&
        (!base || p.base === base) &&
        (state === "all" || p.state === state),
    );
  }

  private pull(repo: Repo, rest: string): StandInPull {
    const n = Number(rest.split("/")[2]);
    const pr = this.pullList.find((p) => p.repo === `${repo.owner}/${repo.name}` && p.number === n);
    if (!pr) throw notFound();
    return pr;
  }

  private async createPull(repo: Repo, body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const doc = `${DOCS}/pulls/pulls#create-a-pull-request`;
    const missing = ["head", "base"].filter((f) => typeof body[f] !== "string");
    if (typeof body["title"] !== "string" && body["issue"] === undefined) missing.unshift("title");
    if (missing.length > 0) throw validation(doc, missing.map((field) => ({ resource: "PullRequest", field, code: "missing_field" })));
    const head = String(body["head"]).replace(new RegExp(`^${repo.owner}:`, "i"), "");
    const base = String(body["base"]);
    const headSha = await commitSha(repo.bare, `refs/heads/${head}`);
    const baseSha = await commitSha(repo.bare, `refs/heads/${base}`);
    const invalid = [
      ["head", headSha],
      ["base", baseSha],
    ].filter(([, sha]) => !sha);
    if (invalid.length > 0) throw validation(doc, invalid.map(([field]) => ({ resource: "PullRequest", field, code: "invalid" })));
    if (this.pullList.some((p) => p.repo === `${repo.owner}/${repo.name}` && p.head === head && p.base === base && p.state === "open")) {
      throw validation(doc, [{ resource: "PullRequest", code: "custom", message: `A pull request already exists for ${repo.owner}:${head}.` }]);
    }
    if ((await commitsBetween(repo.bare, baseSha!, headSha!)).length === 0) {
      throw validation(doc, [{ resource: "PullRequest", code: "custom", message: `No commits between ${base} and ${head}` }]);
    }
    this.branchCache.set(`${repo.bare} ${base}`, baseSha!);
    const number = this.pullList.filter((p) => p.repo === `${repo.owner}/${repo.name}`).length + 1;
    const pr: StandInPull = {
      repo: `${repo.owner}/${repo.name}`,
      number,
      title: String(body["title"]),
      body: typeof body["body"] === "string" ? body["body"] : null,
      head,
      base,
      headSha: headSha!,
      state: "open",
      labels: [],
      createdAt: new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
    };
    this.pullList.push(pr);
    return this.pullJson(repo, pr, true);
  }

  private createLabel(repo: Repo, body: Record<string, unknown>): Label {
    const name = String(body["name"] ?? "");
    if (repo.labels.some((l) => l.name.toLowerCase() === name.toLowerCase())) {
      throw validation(`${DOCS}/issues/labels#create-a-label`, [{ resource: "Label", code: "already_exists", field: "name" }]);
    }
    const label = { id: this.nextId++, name, color: String(body["color"] ?? "ededed"), description: typeof body["description"] === "string" ? body["description"] : null };
    repo.labels.push(label);
    return label;
  }

  private async createRelease(repo: Repo, body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const doc = `${DOCS}/releases/releases#create-a-release`;
    const tag = String(body["tag_name"] ?? "");
    if (repo.releases.some((r) => r.tag_name === tag)) throw validation(doc, [{ resource: "Release", code: "already_exists", field: "tag_name" }]);
    const target = String(body["target_commitish"] ?? repo.defaultBranch);
    if (!(await commitSha(repo.bare, `refs/tags/${tag}`)) && !(await commitSha(repo.bare, target))) {
      throw validation(doc, [{ resource: "Release", code: "invalid", field: "target_commitish" }]);
    }
    const release: Release = {
      id: this.nextId++,
      tag_name: tag,
      name: typeof body["name"] === "string" ? body["name"] : null,
      body: typeof body["body"] === "string" ? body["body"] : null,
      target_commitish: target,
      draft: body["draft"] === true,
      prerelease: body["prerelease"] === true,
      created_at: new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
    };
    repo.releases.push(release);
    return this.releaseJson(repo, release);
  }
}
