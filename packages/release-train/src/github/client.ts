// The one way this project builds a GitHub REST client: @actions/github's Octokit with the retry
// and throttling plugins, so org-wide runs survive secondary rate limits (403 + Retry-After) and
// 429s instead of aborting part-way (BetaHuhn/repo-file-sync-action#126, wadackel/files-sync-action#204).
import { getOctokit } from "@actions/github";
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import Bottleneck from "bottleneck";

export type GitHub = ReturnType<typeof getOctokit>;

export interface GitHubClientOptions {
  token: string;
  /** REST API root; default `$GITHUB_API_URL`, else https://api.github.com. */
  apiUrl?: string | undefined;
  /** Minimum spacing of content-creating requests (GitHub's guidance: about one a second). */
  writeIntervalMs?: number;
  /** How many writes may be in flight at once (GitHub: serial). */
  writeConcurrency?: number;
  /**
   * Spacing of requests that notify people (opening pull requests, adding labels): the throttling
   * plugin's 3 s by default; `writeIntervalMs` when that is given smaller.
   */
  notificationIntervalMs?: number;
  /** Retries after a secondary rate limit or 429 before the request fails. */
  rateLimitRetries?: number;
  /** Longest wait accepted for one Retry-After or rate-limit reset. */
  maxWaitSeconds?: number;
  warn?: (message: string) => void;
}

export function apiUrlFrom(apiUrl?: string): string {
  return (apiUrl || process.env["GITHUB_API_URL"] || "https://api.github.com").replace(/\/+$/, "");
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface HttpError {
  status?: number;
  message?: string;
  response?: { headers?: Record<string, string | undefined> };
}

/** Seconds to wait before retrying a 429, from Retry-After or the rate-limit reset; undefined = don't. */
export function waitFor429(error: HttpError, now = Date.now()): number | undefined {
  if (error.status !== 429) return undefined;
  const headers = error.response?.headers ?? {};
  const after = Number(headers["retry-after"]);
  if (Number.isFinite(after) && headers["retry-after"] !== undefined) return Math.max(0, after);
  const reset = Number(headers["x-ratelimit-reset"]);
  if (Number.isFinite(reset) && reset > 0) return Math.max(0, Math.ceil(reset - now / 1000) + 1);
  return 60;
}

export function createGitHubClient(options: GitHubClientOptions): GitHub {
  const warn = options.warn ?? ((message: string) => process.stderr.write(`warning: ${message}\n`));
  const retries = options.rateLimitRetries ?? 5;
  const maxWait = options.maxWaitSeconds ?? 15 * 60;
  const describe = (o: { method?: string; url?: string }) => `${o.method ?? "GET"} ${o.url ?? ""}`;
  const tooLong = (seconds: number) => seconds > maxWait;

  // 429s (GitHub may answer a secondary limit with either 403 or 429): wait Retry-After and
  // retry. The throttling plugin only looks at 403s and plugin-retry ignores Retry-After.
  const retryAfter429 = (octokit: { hook: GitHub["hook"] }) => {
    octokit.hook.wrap("request", async (request, requestOptions) => {
      for (let attempt = 0; ; attempt++) {
        try {
          return await request(requestOptions);
        } catch (error) {
          const wait = waitFor429(error as HttpError);
          if (wait === undefined || attempt >= retries || tooLong(wait)) throw error;
          warn(`429 from GitHub on ${describe(requestOptions)}; retrying in ${wait} s (attempt ${attempt + 1}/${retries})`);
          await sleep(wait * 1000);
        }
      }
    });
  };

  return getOctokit(
    options.token,
    {
      baseUrl: apiUrlFrom(options.apiUrl),
      retry: { doNotRetry: [400, 401, 403, 404, 409, 410, 422, 429, 451] },
      throttle: {
        write: new Bottleneck.Group({
          maxConcurrent: options.writeConcurrency ?? 1,
          minTime: options.writeIntervalMs ?? 1000,
        }),
        notifications: new Bottleneck.Group({
          maxConcurrent: options.writeConcurrency ?? 1,
          minTime: options.notificationIntervalMs ?? Math.min(3000, options.writeIntervalMs ?? 3000),
        }),
        onSecondaryRateLimit: (after: number, o: { method?: string; url?: string }, _octokit: unknown, retryCount: number) => {
          if (retryCount >= retries || tooLong(after)) return false;
          warn(`secondary rate limit on ${describe(o)}; retrying in ${after} s (attempt ${retryCount + 1}/${retries})`);
          return true;
        },
        onRateLimit: (after: number, o: { method?: string; url?: string }, _octokit: unknown, retryCount: number) => {
          if (retryCount >= 2 || tooLong(after)) return false;
          warn(`rate limit exhausted on ${describe(o)}; retrying in ${after} s`);
          return true;
        },
      },
    },
    retry,
    throttling,
    retryAfter429 as never,
  );
}

/** HTTP status of an Octokit RequestError (undefined for other errors). */
export function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown }).status;
  return typeof status === "number" ? status : undefined;
}

/** GitHub's error text: message plus the `errors[]` details it sends with 422s. */
export function githubMessage(error: unknown): string {
  const e = error as { message?: string; response?: { data?: { message?: string; errors?: ({ message?: string; code?: string } | string)[] } } };
  const data = e.response?.data;
  const details = (data?.errors ?? []).map((d) => (typeof d === "string" ? d : (d.message ?? d.code ?? ""))).filter(Boolean);
  const message = data?.message ?? e.message ?? String(error);
  return details.length > 0 ? `${message}: ${details.join("; ")}` : message;
}
