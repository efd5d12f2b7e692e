export { commitOnBranch, DEFAULT_IDENTITY, GitError, type GitIdentity, git, pushBranch } from "./git";
export { openOrUpdatePullRequest, type PullRequestOptions, type PullRequestResult, parseRepository } from "./pulls";
