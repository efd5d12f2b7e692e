// Public surface of the release-train library (the actions and the CLI import from here).
export * from "./config";
export * from "./engine";
export { runSyncContainerReposCli, type SyncContainerReposCliOptions } from "./cli/sync-container-repos";
export { runSyncPackageReposCli, type SyncPackageReposCliOptions } from "./cli/sync-package-repos";
export * from "./containers";
export * from "./github";
export * from "./kayobe";
export * from "./selection";
export type { SyncRunResult } from "./sync/run";
export type { RepoResult, SyncTarget } from "./sync/types";
export * from "./version";
export { failedJobs, type JobResults, postSlackAlert, type RunContext, runUrl, slackAlertText } from "./alerts/slack";
export { packageSyncSummary } from "./sync/summary";
