/**
 * Contract between the content layer (upstream fetch, sync, publication generation) and the
 * emulator's API/store/content app. Everything here is plain data; functions live in sibling
 * modules and are re-exported from `./index`.
 */
import type { Readable } from "node:stream";

/** A stored artifact: content-addressed by sha256. */
export interface ArtifactInfo {
  sha256: string;
  size: number;
}

/** Content-addressed sha256 files under a directory (see `createArtifactStore`). */
export interface ArtifactStore {
  /**
   * Store bytes; returns their sha256 and size. When `expectedSha256` is given and differs, nothing
   * is stored and a `ChecksumMismatchError` is thrown.
   */
  put(data: Buffer | Uint8Array | Readable | AsyncIterable<Uint8Array>, expectedSha256?: string): Promise<ArtifactInfo>;
  has(sha256: string): boolean;
  /** Absolute path of the file for `sha256` (whether or not it exists). */
  path(sha256: string): string;
  /** Read stream of a stored artifact; throws if absent. */
  open(sha256: string): Readable;
  size(sha256: string): number;
}

export type RemotePolicy = "immediate" | "on_demand" | "streamed";

/** The fields of a Pulp rpm/deb remote that affect fetching (names as in the REST API). */
export interface RemoteConfig {
  url: string;
  policy?: RemotePolicy;
  /** Default true. */
  tls_validation?: boolean | null;
  /** PEM strings. */
  ca_cert?: string | null;
  client_cert?: string | null;
  client_key?: string | null;
  username?: string | null;
  password?: string | null;
  proxy_url?: string | null;
  proxy_username?: string | null;
  proxy_password?: string | null;
  /** Pulp's shape: a list of single-entry objects, e.g. `[{"X-Token": "abc"}]`. */
  headers?: Record<string, string>[] | null;
  download_concurrency?: number | null;
  /** deb only: whitespace-separated lists, as in the API. Flat repos: a distribution ending in `/`. */
  distributions?: string | null;
  components?: string | null;
  architectures?: string | null;
}

/** Fields every content unit has. `natural_key` is unique per pulp_type (dedupe key in the store). */
interface UnitBase {
  pulp_type: string;
  natural_key: string;
}

/** A unit backed by a file (artifact), possibly not downloaded yet (on_demand/streamed). */
export interface ArtifactUnitBase extends UnitBase {
  /** Path relative to the repository root, e.g. `Packages/f/foo-1.0-1.noarch.rpm`, `pool/main/f/foo/foo_1.0_all.deb`. */
  relative_path: string;
  /** sha256 of the file; undefined only when upstream publishes no sha256 and it was not downloaded. */
  sha256?: string;
  size: number;
  /** Upstream-declared checksums by algorithm (`sha256`, `sha1`, `md5`, ...) used to verify downloads. */
  checksums: Record<string, string>;
  /** True when the artifact is in the ArtifactStore. */
  downloaded: boolean;
  /** Absolute upstream URL to fetch it from (on-demand). */
  source_url: string;
}

/** Parsed primary fields of an RPM package (names as in Pulp's rpm.package serializer). */
export interface RpmPackageFields {
  name: string;
  epoch: string;
  version: string;
  release: string;
  arch: string;
  /** Upstream checksum (pkgId) and its type. */
  pkgId: string;
  checksum_type: string;
  summary: string;
  description: string;
  url: string;
  location_href: string;
  /** `xml:base` of the location if any (packages hosted elsewhere). */
  location_base?: string;
  time_file: number;
  time_build: number;
  size_package: number;
  size_installed: number;
  size_archive: number;
  rpm_sourcerpm: string;
  is_modular: boolean;
}

export interface RpmPackageUnit extends ArtifactUnitBase {
  pulp_type: "rpm.package";
  rpm: RpmPackageFields;
  /**
   * The package's XML elements, verbatim from upstream (without namespace declarations), used to
   * regenerate metadata: `<package type="rpm">…</package>` from primary, and `<package pkgid=…>…</package>`
   * from filelists and other.
   */
  xml: { primary: string; filelists: string; other: string };
}

export interface DebPackageUnit extends ArtifactUnitBase {
  pulp_type: "deb.package";
  package: string;
  version: string;
  architecture: string;
  /**
   * The control stanza as in upstream Packages (field order kept), without the trailing blank line.
   * Publication rewrites Filename/Size/MD5sum/SHA1/SHA256.
   */
  control: string;
}

/** Which distribution/component a deb package was found in (Pulp's PackageReleaseComponent). */
export interface DebPackageReleaseComponentUnit extends UnitBase {
  pulp_type: "deb.package_release_component";
  /** natural_key of the DebPackageUnit. */
  package_key: string;
  distribution: string;
  component: string;
}

export type ArtifactUnit = RpmPackageUnit | DebPackageUnit;
export type ContentUnit = ArtifactUnit | DebPackageReleaseComponentUnit;

/**
 * A file of a publication. `sha256` names a stored artifact; `unit` means "fetch on demand" (the
 * content app calls `fetchOnDemand(unit, remote, artifacts)` and serves the result).
 */
export interface PublishedFile {
  relative_path: string;
  sha256?: string;
  unit?: ArtifactUnit;
}

/** A package in a publication: its stored artifact once downloaded, else the unit (fetched on demand). */
export function publishedPackage(relative_path: string, unit: ArtifactUnit): PublishedFile {
  return unit.downloaded && unit.sha256 ? { relative_path, sha256: unit.sha256 } : { relative_path, unit };
}

/** Upstream metadata kept by a sync (for mirror_complete / verbatim publications). */
export interface UpstreamMetadata {
  /** Changes whenever upstream metadata changes (hash of repomd.xml / of all Release files). */
  revision: string;
  /** Upstream metadata files, stored as artifacts, at their upstream relative paths. */
  files: PublishedFile[];
}

export interface SyncProgress {
  /** Pulp progress-report codes, e.g. `sync.downloading.metadata`, `sync.downloading.artifacts`, `sync.parsing.packages`, `update.release_file`. */
  code: string;
  message: string;
  done: number;
  total?: number;
}

export interface SyncContext {
  artifacts: ArtifactStore;
  /** Download package files now (policy immediate). */
  download: boolean;
  signal?: AbortSignal;
  onProgress?: (progress: SyncProgress) => void;
}

export interface SyncResult {
  units: ContentUnit[];
  metadata: UpstreamMetadata;
  /** Set (Pulp's message) when the repository cannot be synced with mirror_complete. */
  mirrorIncompatible?: string;
}

export const MIRROR_INCOMPATIBLE_MESSAGE =
  "This repository uses features which are incompatible with 'mirror' sync. Please sync without mirroring enabled.";

export type ChecksumType = "sha256" | "sha1" | "sha224" | "sha384" | "sha512" | "md5";

export interface PublishRpmOptions {
  artifacts: ArtifactStore;
  /** Metadata checksum type (default sha256). */
  checksumType?: ChecksumType;
  /** Package layout (default nested_alphabetically). */
  layout?: "nested_alphabetically" | "flat";
  /** repomd revision/timestamps in seconds since the epoch (default now). */
  timestamp?: number;
}

export interface PublishDebOptions {
  artifacts: ArtifactStore;
  /** Publish everything in dist `default`, component `all`. */
  simple?: boolean;
  /** Publish the upstream distributions/components (from deb.package_release_component units). */
  structured?: boolean;
  /** Release `Date:` (default now). */
  date?: Date;
}

export class ChecksumMismatchError extends Error {
  constructor(
    readonly what: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`checksum mismatch for ${what}: expected ${expected}, got ${actual}`);
    this.name = "ChecksumMismatchError";
  }
}

/**
 * Upstream returned a non-2xx status. Message carries the URL without credentials and, like Pulp's
 * aiohttp `ClientResponseError`, the status line's reason (e.g. a content guard's 403 reason).
 */
export class UpstreamHttpError extends Error {
  constructor(
    readonly url: string,
    readonly status: number,
    readonly reason = "",
  ) {
    super(`upstream ${url} returned HTTP ${status}${reason ? `, message='${reason}'` : ""}`);
    this.name = "UpstreamHttpError";
  }
}
