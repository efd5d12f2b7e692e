import type { ArtifactUnit } from "../content/types";
import type { ArtifactRecord, ContainerUnit, ContentRecord, FileUnit, Group, Resource, RepositoryVersion, User } from "../store/state";
import type { ApiContext } from "./context";
import type { Schema } from "./fields";
import { HIDDEN_REMOTE_FIELDS } from "./schemas";

/** Writable, non-write-only fields in schema order. */
function visible(schema: Schema, data: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, f] of Object.entries(schema)) if (!f.writeOnly) out[k] = data[k] ?? null;
  return out;
}

export function serializeResource(ctx: ApiContext, r: Resource, schema: Schema): Record<string, unknown> {
  const head = { pulp_href: r.href, pulp_created: r.created };
  switch (r.collection) {
    case "remotes": {
      const v = visible(schema, r.data);
      const { name, url, ca_cert, client_cert, tls_validation, proxy_url, pulp_labels, ...rest } = v;
      return {
        ...head,
        name,
        url,
        ca_cert,
        client_cert,
        tls_validation,
        proxy_url,
        pulp_labels,
        pulp_last_updated: r.lastUpdated,
        ...rest,
        hidden_fields: HIDDEN_REMOTE_FIELDS.map((f) => ({ name: f, is_set: r.data[f] !== null && r.data[f] !== undefined })),
      };
    }
    case "repositories": {
      const latest = ctx.latestVersion(r.href);
      const { pulp_labels, ...rest } = visible(schema, r.data);
      return {
        ...head,
        versions_href: `${r.href}versions/`,
        pulp_labels,
        latest_version_href: latest.href,
        ...rest,
      };
    }
    case "publications": {
      const v = visible(schema, r.data);
      if (r.typePath !== "file/file") return { ...head, ...v };
      const { manifest, ...rest } = v;
      const distributions = ctx.state.list("distributions").filter((d) => d.data["publication"] === r.href).map((d) => d.href);
      return { ...head, ...rest, distributions, manifest };
    }
    case "distributions": {
      const v = visible(schema, r.data);
      if (r.typePath === "container/container") {
        const basePath = String(r.data["base_path"]);
        return {
          ...head,
          ...v,
          registry_path: `${new URL(ctx.contentOrigin()).host}/${basePath}`,
          namespace: r.data["namespace"] ?? null,
        };
      }
      const { base_path, ...rest } = v;
      return { ...head, base_path, base_url: ctx.baseUrl(String(base_path)), ...rest };
    }
    case "contentguards": {
      const v = visible(schema, r.data);
      if (r.pulpType === "core.rbac") {
        const holders = rolesOn(ctx, r.href, "core.rbaccontentguard_downloader");
        return {
          ...head,
          ...v,
          users: [...holders.users].map((u) => ({ username: u, pulp_href: userByName(ctx, u)?.href ?? null })),
          groups: [...holders.groups].map((g) => {
            const grp = groupByName(ctx, g);
            return { name: g, pulp_href: grp?.href ?? null, id: grp?.id ?? null };
          }),
        };
      }
      return { ...head, ...v };
    }
  }
}

/** Base fields only, as the generic `/contentguards/`, `/remotes/`, ... lists show them. */
export function serializeGeneric(r: Resource): Record<string, unknown> {
  const base: Record<string, unknown> = { pulp_href: r.href, pulp_created: r.created, name: r.data["name"] ?? null };
  if (r.collection === "contentguards") base["description"] = r.data["description"] ?? null;
  return base;
}

export function rolesOn(ctx: ApiContext, object: string, role: string): { users: Set<string>; groups: Set<string> } {
  const users = new Set<string>();
  const groups = new Set<string>();
  for (const a of ctx.state.roles) {
    if (a.object !== object || a.role !== role) continue;
    for (const u of a.users) users.add(u);
    for (const g of a.groups) groups.add(g);
  }
  return { users, groups };
}

export const userByName = (ctx: ApiContext, name: string): User | undefined =>
  [...ctx.state.users.values()].find((u) => u.username === name);
export const groupByName = (ctx: ApiContext, name: string): Group | undefined =>
  [...ctx.state.groups.values()].find((g) => g.name === name);

export function serializeVersion(ctx: ApiContext, v: RepositoryVersion): Record<string, unknown> {
  return {
    pulp_href: v.href,
    pulp_created: v.created,
    number: v.number,
    repository: v.repository,
    base_version: v.baseVersion,
    content_summary: ctx.contentSummary(v),
  };
}

export function serializeUser(ctx: ApiContext, u: User): Record<string, unknown> {
  return {
    pulp_href: u.href,
    id: u.id,
    username: u.username,
    first_name: u.first_name,
    last_name: u.last_name,
    email: u.email,
    is_staff: u.is_staff,
    is_active: u.is_active,
    date_joined: u.date_joined,
    groups: [...ctx.state.groups.values()].filter((g) => g.users.has(u.id)).map((g) => ({ name: g.name, pulp_href: g.href, id: g.id })),
    hidden_fields: [{ name: "password", is_set: u.password !== null }],
  };
}

export function serializeGroup(g: Group): Record<string, unknown> {
  return { name: g.name, pulp_href: g.href, id: g.id };
}

/**
 * The unit's Artifact href, or null while its file was never downloaded (on_demand). Looked up by
 * sha256 like pulpcore's QueryExistingArtifacts stage, so a file already stored links in any sync.
 */
const artifactHref = (ctx: ApiContext, a: ArtifactUnit): string | null => (a.sha256 ? (ctx.state.artifactBySha256(a.sha256)?.href ?? null) : null);

/** A package's checksum fields: the upstream's, with the stored file's sha256 once known. */
const unitChecksums = (a: ArtifactUnit): Record<string, string | null> => ({
  md5: a.checksums["md5"] ?? null,
  sha1: a.checksums["sha1"] ?? null,
  sha224: a.checksums["sha224"] ?? null,
  sha256: a.sha256 ?? a.checksums["sha256"] ?? null,
  sha384: a.checksums["sha384"] ?? null,
  sha512: a.checksums["sha512"] ?? null,
});

export function serializeContent(ctx: ApiContext, rec: ContentRecord): Record<string, unknown> {
  const head = { pulp_href: rec.href, pulp_created: rec.created };
  const u = rec.unit;
  switch (u.pulp_type) {
    case "rpm.package": {
      const a = u as ArtifactUnit & { pulp_type: "rpm.package" };
      const p = a.rpm;
      return {
        ...head,
        ...unitChecksums(a),
        artifact: artifactHref(ctx, a),
        name: p.name,
        epoch: p.epoch,
        version: p.version,
        release: p.release,
        arch: p.arch,
        pkgId: p.pkgId,
        checksum_type: p.checksum_type,
        summary: p.summary,
        description: p.description,
        url: p.url,
        changelogs: [],
        files: [],
        requires: [],
        provides: [],
        conflicts: [],
        obsoletes: [],
        suggests: [],
        enhances: [],
        recommends: [],
        supplements: [],
        location_base: p.location_base ?? "",
        location_href: p.location_href,
        rpm_buildhost: "",
        rpm_group: "",
        rpm_license: "",
        rpm_packager: "",
        rpm_sourcerpm: p.rpm_sourcerpm,
        rpm_vendor: "",
        rpm_header_start: 0,
        rpm_header_end: 0,
        is_modular: p.is_modular,
        size_archive: p.size_archive,
        size_installed: p.size_installed,
        size_package: p.size_package,
        time_build: p.time_build,
        time_file: p.time_file,
      };
    }
    case "deb.package": {
      const d = u as ArtifactUnit & { pulp_type: "deb.package" };
      const field = (name: string): string | null => {
        const m = new RegExp(`^${name}:[ \\t]*(.*)$`, "mi").exec(d.control);
        return m?.[1]?.trim() ?? null;
      };
      return {
        ...head,
        artifact: artifactHref(ctx, d),
        relative_path: d.relative_path,
        ...unitChecksums(d),
        package: d.package,
        source: field("Source"),
        version: d.version,
        architecture: d.architecture,
        section: field("Section"),
        priority: field("Priority"),
        origin: field("Origin"),
        tag: field("Tag"),
        bugs: field("Bugs"),
        essential: field("Essential"),
        build_essential: field("Build-Essential"),
        installed_size: field("Installed-Size"),
        maintainer: field("Maintainer"),
        original_maintainer: field("Original-Maintainer"),
        description: field("Description"),
        description_md5: field("Description-md5"),
        homepage: field("Homepage"),
        built_using: field("Built-Using"),
        auto_built_package: field("Auto-Built-Package"),
        multi_arch: field("Multi-Arch"),
        breaks: field("Breaks"),
        conflicts: field("Conflicts"),
        depends: field("Depends"),
        recommends: field("Recommends"),
        suggests: field("Suggests"),
        enhances: field("Enhances"),
        pre_depends: field("Pre-Depends"),
        provides: field("Provides"),
        replaces: field("Replaces"),
      };
    }
    case "file.file": {
      const f = u as FileUnit;
      const artifact = ctx.state.artifactBySha256(f.sha256);
      return {
        ...head,
        artifact: artifact?.href ?? null,
        relative_path: f.relative_path,
        md5: null,
        sha1: null,
        sha224: artifact?.checksums["sha224"] ?? null,
        sha256: f.sha256,
        sha384: artifact?.checksums["sha384"] ?? null,
        sha512: artifact?.checksums["sha512"] ?? null,
      };
    }
    case "container.tag": {
      const c = u as ContainerUnit;
      return { ...head, name: c.name, tagged_manifest: c.tagged_manifest };
    }
    case "container.manifest": {
      const c = u as ContainerUnit;
      return {
        ...head,
        artifact: null,
        digest: c.digest,
        schema_version: 2,
        media_type: c.media_type,
        listed_manifests: c.listed_manifests ?? [],
        config_blob: c.config_blob ?? null,
        blobs: c.blobs ?? [],
      };
    }
    case "container.blob": {
      const c = u as ContainerUnit;
      return { ...head, artifact: null, digest: c.digest };
    }
    default: {
      const { pulp_type: _t, natural_key: _k, ...rest } = u as unknown as Record<string, unknown>;
      return { ...head, ...rest };
    }
  }
}

export function serializeArtifact(a: ArtifactRecord): Record<string, unknown> {
  return {
    pulp_href: a.href,
    pulp_created: a.created,
    file: `artifact/${a.sha256.slice(0, 2)}/${a.sha256.slice(2)}`,
    size: a.size,
    md5: null,
    sha1: null,
    sha224: a.checksums["sha224"] ?? null,
    sha256: a.sha256,
    sha384: a.checksums["sha384"] ?? null,
    sha512: a.checksums["sha512"] ?? null,
  };
}
