// Nightly package snapshots: plan and apply (see docs/design.md, "Package snapshot sync").
export { resolveArkVersions } from "./ark-versions";
export { pulpPort } from "./client-adapter";
export { buildRepoSpec, type DesiredOptions } from "./desired";
export { describePlan } from "./describe";
export { choosePublication, planDistribution, planRepo, type RepoPlan, snapshotVersionOf } from "./plan";
export type { SyncPulp } from "./pulp-port";
export { consoleReporter } from "./reporter";
export { type SyncReporter, type SyncRunOptions, type SyncRunResult, syncPackageRepos } from "./run";
export { StateFile } from "./state-file";
export { TaskWatcher } from "./task-watcher";
export type * from "./types";
