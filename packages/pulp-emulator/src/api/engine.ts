import * as content from "../content/index";
import type {
  ArtifactStore,
  ArtifactUnit,
  ContentUnit,
  PublishDebOptions,
  PublishedFile,
  PublishRpmOptions,
  RemoteConfig,
  SyncContext,
  SyncResult,
  UpstreamMetadata,
} from "../content/types";

/**
 * What the API needs from the content layer (`src/content`). An interface so API tests can drive
 * sync outcomes (e.g. an upstream metadata change) precisely; `startEmulator` uses `realEngine`.
 */
export interface ContentEngine {
  syncRpm(remote: RemoteConfig, ctx: SyncContext): Promise<SyncResult>;
  syncDeb(remote: RemoteConfig, ctx: SyncContext): Promise<SyncResult>;
  publishRpm(units: ContentUnit[], opts: PublishRpmOptions): Promise<PublishedFile[]>;
  publishRpmMirror(metadata: UpstreamMetadata, units: ContentUnit[]): PublishedFile[];
  publishDebApt(units: ContentUnit[], opts: PublishDebOptions): Promise<PublishedFile[]>;
  publishDebVerbatim(metadata: UpstreamMetadata, units: ContentUnit[]): PublishedFile[];
  /** Returns the sha256 of the stored file. */
  fetchOnDemand(unit: ArtifactUnit, remote: RemoteConfig, artifacts: ArtifactStore, signal?: AbortSignal): Promise<string>;
}

export const realEngine: ContentEngine = {
  syncRpm: content.syncRpm,
  syncDeb: content.syncDeb,
  publishRpm: content.publishRpm,
  publishRpmMirror: content.publishRpmMirror,
  publishDebApt: content.publishDebApt,
  publishDebVerbatim: content.publishDebVerbatim,
  fetchOnDemand: content.fetchOnDemand,
};
