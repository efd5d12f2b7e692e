// Public surface of the release-train library (the actions and the CLI import from here).
export * from "./config";
export * from "./engine";
export { runSyncContainerReposCli, type SyncContainerReposCliOptions } from "./cli/sync-container-repos";
export { runSyncPackageReposCli, type SyncPackageReposCliOptions } from "./cli/sync-package-repos";
export {
  type GuardCliOptions,
  type PromoteCliOptions,
  type PromoteCliResult,
  runContentGuardsCli,
  runPromoteContainersCli,
  runPromotePackagesCli,
} from "./cli/promote";
export * from "./containers";
export * from "./github";
export * from "./kayobe";
export { type PemKind, pemProblem } from "./pem";
export * from "./selection";
export * from "./source-repos";
export { createGitHubClient, type GitHub, type GitHubClientOptions } from "./github/client";
export type { SyncRunResult } from "./sync/run";
export type { RepoResult, SyncTarget } from "./sync/types";
export type { AuditRecord } from "./promote/audit";
export type { Move, PromotionItemResult, PromotionResult } from "./promote/types";
export * from "./version";
export {
  type DistroResult,
  failuresOf,
  finishKollaBuild,
  type ImageResult,
  type KollaBuildOptions,
  type KollaBuildPlan,
  KollaInputError,
  planFromOptions,
  RESULT_FILE as KOLLA_RESULT_FILE,
  readResults,
  runKollaBuild,
  writeSummary as writeKollaSummary,
} from "./kolla-build/main";
export { kollaBuildSummary } from "./kolla-build/summary";
export { failedJobs, type JobResults, postSlackAlert, type RunContext, runUrl, slackAlertText } from "./alerts/slack";
export { packageSyncSummary } from "./sync/summary";
