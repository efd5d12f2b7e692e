// GitHub REST API stand-in for tests (see stand-in.ts) and its OpenAPI validation.
import { GitHubStandIn, type TokenGrant } from "./stand-in";

export { GitHubStandIn, type RateLimitRule, type RecordedRequest, type StandInPull, type TokenGrant, type WorkflowDeclaration } from "./stand-in";
export { complete, findGitHubOperation, requestBodySchema, validateGitHubRequest, validateGitHubResponse } from "./openapi";

/** A started stand-in with one repository (adopting `bare` when given) and one token. */
export async function startGitHubStandIn(options: {
  repository: string;
  bare?: string;
  defaultBranch?: string;
  token: string;
  grant?: TokenGrant;
}): Promise<GitHubStandIn> {
  const github = new GitHubStandIn({ tokens: { [options.token]: options.grant ?? { login: "release-train[bot]", workflows: true } } });
  await github.start();
  await github.addRepository(options.repository, {
    ...(options.bare ? { bare: options.bare } : {}),
    defaultBranch: options.defaultBranch ?? "main",
  });
  return github;
}
