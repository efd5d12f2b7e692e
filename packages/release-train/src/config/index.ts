export { ConfigError, type ConfigProblem, formatGithubAnnotations, formatProblems, sortProblems } from "./errors";
export { allPackageRepos, checkSelected, entryProblems, loadConfig } from "./load";
export { DEB_MODES, POLICIES, SYNC_POLICIES } from "./schema";
export type * from "./types";
export { VaultValue } from "./vault";
