// Stand-in for GitHub's REST API pull request endpoints, for tests (not a test file itself).
import { execFile } from "node:child_process";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { promisify } from "node:util";

const run = promisify(execFile);
const git = async (cwd: string, ...args: string[]) => (await run("git", args, { cwd })).stdout.trim();

export const TOKEN = "ghs_testtoken123";
export const OWNER = "stackhpc";
export const REPO = "stackhpc-kayobe-config";

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: unknown;
}

export interface PullRequest {
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
export interface WorkflowDispatch {
  repository: string;
  workflow: string;
  ref: string;
  inputs: Record<string, unknown>;
}

export class FakeGitHub {
  readonly requests: RecordedRequest[] = [];
  readonly pulls: PullRequest[] = [];
  /**
   * Dispatchable workflows (docs.github.com/rest/actions/workflows#create-a-workflow-dispatch-event):
   * `"<owner>/<repo>/<file>"` → declared input names and the branches it can run on.
   */
  readonly workflows = new Map<string, { inputs: string[]; branches: string[] }>();
  readonly dispatches: WorkflowDispatch[] = [];
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
          if (status === 204) {
            res.writeHead(204);
            res.end();
            return;
          }
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
    const dispatch = /^\/repos\/([^/]+)\/([^/]+)\/actions\/workflows\/([^/]+)\/dispatches$/.exec(url.pathname);
    if (dispatch && req.method === "POST") return this.dispatch(`${dispatch[1]}/${dispatch[2]}`, decodeURIComponent(dispatch[3]!), body);
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

  /** 204 on success; GitHub's 404/422 answers for an unknown workflow, ref or input. */
  private dispatch(repository: string, workflow: string, body: Record<string, unknown> | undefined): [number, unknown] {
    const docs = "https://docs.github.com/rest/actions/workflows#create-a-workflow-dispatch-event";
    const known = this.workflows.get(`${repository}/${workflow}`);
    if (!known) return [404, { message: "Not Found", documentation_url: docs, status: "404" }];
    if (typeof body?.["ref"] !== "string") return [422, { message: "Invalid request.\n\n\"ref\" wasn't supplied.", documentation_url: docs, status: "422" }];
    if (!known.branches.includes(body["ref"])) return [422, { message: `No ref found for: ${body["ref"]}`, documentation_url: docs, status: "422" }];
    const inputs = (body["inputs"] ?? {}) as Record<string, unknown>;
    if (typeof inputs !== "object" || Array.isArray(inputs)) return [422, { message: "Invalid request.\n\nFor 'properties/inputs', is not an object.", documentation_url: docs, status: "422" }];
    if (Object.keys(inputs).length > 10) return [422, { message: "Invalid request.\n\nFor 'properties/inputs', too many properties (maximum 10).", documentation_url: docs, status: "422" }];
    const unexpected = Object.keys(inputs).filter((k) => !known.inputs.includes(k));
    if (unexpected.length) return [422, { message: `Unexpected inputs provided: ${JSON.stringify(unexpected)}`, documentation_url: docs, status: "422" }];
    this.dispatches.push({ repository, workflow, ref: body["ref"], inputs });
    return [204, undefined];
  }
}

