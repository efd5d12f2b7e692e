// Public surface of the release-train library (the actions and the CLI import from here).
export * from "./config";
export * from "./engine";
export { runSyncPackageReposCli, type SyncPackageReposCliOptions } from "./cli/sync-package-repos";
export {
  type GuardCliOptions,
  type PromoteCliOptions,
  type PromoteCliResult,
  runContentGuardsCli,
  runPromoteContainersCli,
  runPromotePackagesCli,
} from "./cli/promote";
export * from "./github";
export * from "./kayobe";
export * from "./selection";
export type { SyncRunResult } from "./sync/run";
export type { RepoResult, SyncTarget } from "./sync/types";
export type { AuditRecord } from "./promote/audit";
export type { Move, PromotionItemResult, PromotionResult } from "./promote/types";
export * from "./version";
export { failedJobs, type JobResults, postSlackAlert, type RunContext, runUrl, slackAlertText } from "./alerts/slack";
export { packageSyncSummary } from "./sync/summary";
