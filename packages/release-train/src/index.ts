// Public surface of the release-train library (the actions and the CLI import from here).
export * from "./config";
export * from "./engine";
export { runSyncPackageReposCli, type SyncPackageReposCliOptions } from "./cli/sync-package-repos";
export * from "./github";
export * from "./kayobe";
export { type PemKind, pemProblem } from "./pem";
export * from "./selection";
export * from "./source-repos";
export { createGitHubClient, type GitHub, type GitHubClientOptions } from "./github/client";
export type { SyncRunResult } from "./sync/run";
export type { RepoResult, SyncTarget } from "./sync/types";
export * from "./version";
export { failedJobs, type JobResults, postSlackAlert, type RunContext, runUrl, slackAlertText } from "./alerts/slack";
export { packageSyncSummary } from "./sync/summary";
