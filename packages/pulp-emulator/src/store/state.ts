import type { ContentUnit, PublishedFile, UpstreamMetadata } from "../content/types";
import { nextSeq, nowIso } from "./ids";

/** Top-level API collections that hold typed, href-addressed objects. */
export type Collection = "remotes" | "repositories" | "publications" | "distributions" | "contentguards";

/** A remote, repository, publication, distribution or content guard. */
export interface Resource {
  href: string;
  id: string;
  collection: Collection;
  /** Plugin path, e.g. `rpm/rpm`, `deb/apt`, `certguard/x509`. */
  typePath: string;
  /** e.g. `rpm.rpm`, `certguard.x509`, `core.rbac`. */
  pulpType: string;
  created: string;
  lastUpdated: string;
  seq: number;
  /** Stored field values (writable fields incl. write-only secrets). */
  data: Record<string, unknown>;
}

export interface RepositoryVersion {
  href: string;
  number: number;
  repository: string;
  created: string;
  seq: number;
  content: Set<string>;
  baseVersion: string | null;
  added: Set<string>;
  removed: Set<string>;
  /** Upstream metadata of the sync that produced this version (mirror/verbatim publishing). */
  upstream?: UpstreamMetadata;
}

export interface RepositoryExtra {
  versions: RepositoryVersion[];
  nextNumber: number;
  /** Last successful sync, for Pulp's "Skipping Sync" optimisation and the #2311 bug. */
  lastSync?: { remote: string; revision: string; policy: string; remoteUpdated: string };
}

export interface PublicationExtra {
  files: PublishedFile[];
  /** Remote used to fetch on-demand units served by this publication. */
  remote: string | null;
}

/** Container content, API-level only. */
export interface ContainerUnit {
  pulp_type: "container.tag" | "container.manifest" | "container.blob";
  natural_key: string;
  name?: string;
  digest?: string;
  media_type?: string;
  tagged_manifest?: string;
  blobs?: string[];
  config_blob?: string | null;
  listed_manifests?: string[];
}

/** pulp_file content: a file at a relative path. */
export interface FileUnit {
  pulp_type: "file.file";
  natural_key: string;
  relative_path: string;
  sha256: string;
  size: number;
}

/** An uploaded or synced artifact as the `/artifacts/` API shows it. */
export interface ArtifactRecord {
  href: string;
  id: string;
  created: string;
  sha256: string;
  size: number;
  checksums: Record<string, string>;
}

export interface ContentRecord {
  href: string;
  id: string;
  created: string;
  seq: number;
  unit: ContentUnit | ContainerUnit | FileUnit;
  /** Remote that provided it (for on-demand fetches). */
  remote: string | null;
}

export interface User {
  id: number;
  href: string;
  username: string;
  password: string | null;
  first_name: string;
  last_name: string;
  email: string;
  is_staff: boolean;
  is_active: boolean;
  date_joined: string;
}

export interface Group {
  id: number;
  href: string;
  name: string;
  users: Set<number>;
}

/** A role assignment on one object (`object` = its href), or model-wide when `object` is "". */
export interface RoleAssignment {
  role: string;
  object: string;
  users: Set<string>;
  groups: Set<string>;
  /** Set when made through `/users/<id>/roles/` or `/groups/<id>/roles/` (one holder each). */
  href?: string;
  created?: string;
}

/** A pulp_container namespace: the first segment of container distributions' base paths. */
export interface Namespace {
  href: string;
  id: string;
  name: string;
  created: string;
  seq: number;
}

type UnitIdentity = { pulp_type: string; natural_key: string };
const unitKey = (unit: UnitIdentity): string => `${unit.pulp_type}|${unit.natural_key}`;

/** All in-memory Pulp objects. Hrefs are the keys everywhere. */
export class State {
  readonly resources = new Map<string, Resource>();
  readonly repos = new Map<string, RepositoryExtra>();
  readonly versions = new Map<string, RepositoryVersion>();
  readonly publications = new Map<string, PublicationExtra>();
  readonly content = new Map<string, ContentRecord>();
  /** `<pulp_type>|<natural_key>` → content href (dedupe). */
  private readonly contentByKey = new Map<string, string>();
  readonly users = new Map<string, User>();
  readonly groups = new Map<string, Group>();
  readonly roles: RoleAssignment[] = [];
  readonly namespaces = new Map<string, Namespace>();
  readonly artifactRecords = new Map<string, ArtifactRecord>();
  private nextUserId = 1;
  private nextGroupId = 1;

  list(collection: Collection, typePath?: string): Resource[] {
    return [...this.resources.values()].filter(
      (r) => r.collection === collection && (typePath === undefined || r.typePath === typePath),
    );
  }

  newUserId(): number {
    return this.nextUserId++;
  }

  newGroupId(): number {
    return this.nextGroupId++;
  }

  /** Store a content unit once per natural key; returns its href. */
  addContent(unit: ContentUnit | ContainerUnit | FileUnit, remote: string | null, hrefFor: (id: string) => string, id: string): string {
    const key = unitKey(unit);
    const existing = this.contentByKey.get(key);
    if (existing) {
      const rec = this.content.get(existing);
      // Keep the freshest view of the unit (e.g. it has been downloaded since).
      if (rec) {
        rec.unit = unit;
        if (remote) rec.remote = remote;
      }
      return existing;
    }
    const href = hrefFor(id);
    this.content.set(href, { href, id, created: nowIso(), seq: nextSeq(), unit, remote });
    this.contentByKey.set(key, href);
    return href;
  }

  /** The stored record of the unit with this type and natural key. */
  findContent(unit: UnitIdentity): ContentRecord | undefined {
    const href = this.contentByKey.get(unitKey(unit));
    return href ? this.content.get(href) : undefined;
  }

  removeContent(rec: ContentRecord): void {
    this.content.delete(rec.href);
    this.contentByKey.delete(unitKey(rec.unit));
  }

  /** The `/artifacts/` record of a file, if one was registered. */
  artifactBySha256(sha256: string): ArtifactRecord | undefined {
    for (const a of this.artifactRecords.values()) if (a.sha256 === sha256) return a;
    return undefined;
  }

  /** Content hrefs referenced by any repository version. */
  referencedContent(): Set<string> {
    const used = new Set<string>();
    for (const v of this.versions.values()) for (const c of v.content) used.add(c);
    return used;
  }
}
