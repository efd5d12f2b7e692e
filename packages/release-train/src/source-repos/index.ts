// Source-repository automation: downstream tags, tag-and-release, upstream sync, and rendering
// workflows and CODEOWNERS into every repository (source-repo-sync).
export { type SourceReposConfig, type SourceRepository, loadSourceReposConfig, REPOSITORY_TYPES } from "./config";
export { type DownstreamTagOptions, type DownstreamTagResult, DownstreamTagError, deriveDownstreamTag } from "./downstream-tag";
export { type BranchFiles, renderAll, renderRepository, writeRendered } from "./render";
export { sourceRepoSyncSummary, tagAndReleaseSummary, upstreamSyncSummary } from "./summary";
export { DEFAULT_WORKFLOW_LABELS, type SourceRepoSyncResult, sourceRepoSync, type TargetResult, workBranchOf } from "./sync";
export { publishRelease, pushUpstreamTags, releaseNotes, type TagAndReleaseResult, tagAndRelease } from "./tag-and-release";
export { KNOWN_WORKFLOWS, TEMPLATES } from "./templates";
export { DEFAULT_SYNC_LABELS, type SeriesResult, type UpstreamSyncResult, upstreamSync } from "./upstream-sync";
