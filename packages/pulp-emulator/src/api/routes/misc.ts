import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { API_ROOT, normalizeHref, nowIso } from "../../store/ids";
import type { ArtifactRecord, ContentRecord, Resource } from "../../store/state";
import { CONTENT_PATHS } from "../context";
import { isUpload } from "../body";
import { HttpError, notFound } from "../errors";
import { guardFilters, versionFilter } from "../filters";
import { type Schema, validate } from "../fields";
import { type FilterSet, rangeFilters, textFilters } from "../listing";
import { type ApiRequest, accepted, ok, type Route } from "../request";
import { listResponse } from "../respond";
import { FILE_CONTENT, ORPHANS_CLEANUP } from "../schemas";
import { serializeArtifact, serializeContent, serializeGeneric, serializeResource } from "../serialize";
import { typeDefOf } from "../types";
import { commitVersion } from "./publish";

const APP_VERSIONS = { core: "3.24.1", rpm: "3.20.0", deb: "2.20.2", container: "2.14.5", certguard: "1.6.4" } as const;
const PACKAGES: Record<string, string> = { core: "pulpcore", rpm: "pulp-rpm", deb: "pulp-deb", container: "pulp-container", certguard: "pulp-certguard" };

/** The real spec from `../shared` when present (walk up from this file), else undefined. */
function findSpec(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const d = join(dir, "shared", "pulp", "openapi");
    if (existsSync(d)) {
      const f = readdirSync(d).find((n) => n.startsWith("api-core3.24.1") && n.endsWith(".json"));
      if (f) return join(d, f);
    }
    dir = dirname(dir);
  }
  return undefined;
}

let specCache: string | undefined;

export function miscRoutes(): Route[] {
  const re = (p: string) => new RegExp(`^${API_ROOT}${p}$`);
  return [
    {
      method: "GET",
      pattern: re("status/"),
      handler: (req) =>
        ok({
          versions: Object.entries(APP_VERSIONS).map(([component, version]) => ({
            component,
            version,
            package: PACKAGES[component] ?? component,
            domain_compatible: component === "core",
          })),
          online_workers: req.ctx.tasks.workers().map((w) => ({
            pulp_href: w.href,
            pulp_created: w.created,
            name: w.name,
            last_heartbeat: nowIso(),
            current_task: [...req.ctx.tasks.tasks.values()].find((t) => t.worker === w.href && t.state === "running")?.href ?? null,
          })),
          online_content_apps: [{ name: "content@emulator", last_heartbeat: nowIso() }],
          database_connection: { connected: true },
          redis_connection: { connected: false },
          storage: { total: 0, used: 0, free: 0 },
          content_settings: { content_origin: req.ctx.contentOrigin(), content_path_prefix: "/pulp/content/" },
          domain_enabled: false,
        }),
    },
    {
      method: "GET",
      pattern: re("docs/api.json"),
      handler: () => {
        const path = findSpec();
        if (path) {
          specCache ??= readFileSync(path, "utf8");
          return { status: 200, body: specCache, headers: { "Content-Type": "application/json" } };
        }
        return ok({
          openapi: "3.0.3",
          info: { title: "Pulp 3 API", version: "v3", "x-pulp-app-versions": APP_VERSIONS, "x-pulp-domain-enabled": false },
          paths: {},
          components: {},
        });
      },
    },
    {
      method: "POST",
      pattern: re("orphans/cleanup/"),
      handler: async (req) => {
        const ctx = req.ctx;
        const data = validate(ORPHANS_CLEANUP, await req.body(), { partial: false, resolve: ctx.resolve });
        const only = (data["content_hrefs"] as string[] | undefined)?.map(normalizeHref);
        if (only) {
          const bad = only.filter((h) => !ctx.state.content.has(h));
          if (bad.length > 0) throw new HttpError(400, { content_hrefs: [`Could not find the following content units: ${JSON.stringify(bad)}`] });
        }
        return accepted(orphanTask(req, only).href);
      },
    },
    { method: "DELETE", pattern: re("orphans/"), handler: (req) => accepted(orphanTask(req, undefined).href) },
    ...genericLists(),
    ...contentRoutes(),
    ...fileRoutes(),
  ];
}

/** `/artifacts/` (upload, list, read) and pulp_file content creation. */
function fileRoutes(): Route[] {
  const re = (p: string) => new RegExp(`^${API_ROOT}${p}$`);
  const artifactFilters = (req: ApiRequest): FilterSet<ArtifactRecord> => ({
    ...Object.fromEntries(
      ["sha256", "sha224", "sha384", "sha512", "md5", "sha1"].map((k) => [k, (a: ArtifactRecord, v: string) => (k === "sha256" ? a.sha256 : a.checksums[k]) === v]),
    ),
    pulp_href__in: (a, v) => v.split(",").map(normalizeHref).includes(a.href),
    pulp_id__in: (a, v) => v.split(",").includes(a.id),
    repository_version: versionFilter(req.ctx, "repository_version", (a: ArtifactRecord, ver) =>
      [...ver.content].some((h) => (req.ctx.state.content.get(h)?.unit as { sha256?: string } | undefined)?.sha256 === a.sha256),
    ),
  });
  return [
    {
      method: "GET",
      pattern: re("artifacts/"),
      handler: (req) => listResponse(req, [...req.ctx.state.artifactRecords.values()], { filters: artifactFilters(req), serialize: serializeArtifact }),
    },
    {
      method: "GET",
      pattern: re("artifacts/([0-9a-f-]{36})/"),
      handler: (req) => {
        const a = req.ctx.state.artifactRecords.get(`${API_ROOT}artifacts/${req.params["0"]}/`);
        if (!a) throw notFound();
        return ok(serializeArtifact(a));
      },
    },
    {
      method: "POST",
      pattern: re("artifacts/"),
      handler: async (req) => {
        const ctx = req.ctx;
        const { upload, fields } = await uploadBody(req, ARTIFACT);
        if (!upload) throw new HttpError(400, { file: ["No file was submitted."] });
        const sha256 = createHash("sha256").update(upload.data).digest("hex");
        for (const algo of ["md5", "sha1", "sha224", "sha256", "sha384", "sha512"]) {
          const given = fields[algo];
          if (typeof given === "string" && given !== createHash(algo).update(upload.data).digest("hex")) {
            throw new HttpError(400, { [algo]: [`The uploaded artifact's ${algo} checksum does not match the one provided`] });
          }
        }
        if (ctx.state.artifactBySha256(sha256)) {
          throw new HttpError(400, { non_field_errors: [`Artifact with sha256 checksum of '${sha256}' already exists.`] });
        }
        const info = await ctx.artifacts.put(upload.data);
        const href = ctx.recordArtifact(info.sha256, info.size, upload.data);
        const record = ctx.state.artifactRecords.get(href);
        return { status: 201, body: record ? serializeArtifact(record) : {}, headers: { Location: href } };
      },
    },
    {
      method: "POST",
      pattern: re("content/file/files/"),
      handler: async (req) => {
        const ctx = req.ctx;
        const { upload, fields: data } = await uploadBody(req, FILE_CONTENT);
        let artifact = data["artifact"] === undefined ? undefined : ctx.state.artifactRecords.get(String(data["artifact"]));
        if (!artifact && !upload) throw new HttpError(400, { non_field_errors: ["An artifact or a file needs to be specified."] });
        if (artifact && upload) throw new HttpError(400, { non_field_errors: ["Only one of 'file' and 'artifact' may be specified."] });
        const repoHref = data["repository"] as string | undefined;
        const task = ctx.tasks.dispatch(
          {
            name: "pulpcore.app.tasks.base.general_create",
            kind: "general",
            exclusive: repoHref ? [repoHref] : [],
            run: async () => {
              if (upload) {
                const info = await ctx.artifacts.put(upload.data);
                artifact = ctx.state.artifactRecords.get(ctx.recordArtifact(info.sha256, info.size, upload.data));
              }
              if (!artifact) throw new Error("artifact vanished");
              const relativePath = String(data["relative_path"]);
              const href = ctx.storeUnit(
                { pulp_type: "file.file", natural_key: `${relativePath}|${artifact.sha256}`, relative_path: relativePath, sha256: artifact.sha256, size: artifact.size },
                null,
              );
              if (!repoHref) return [href];
              const repo = ctx.get(repoHref, "repositories");
              return [href, ...(await commitVersion(ctx, repo, new Set([...ctx.latestVersion(repo.href).content, href])))];
            },
          },
          req.user.href,
        );
        return accepted(task.href);
      },
    },
  ];
}

/** A multipart body's uploaded `file` (if any) and its other fields validated against `schema`. */
async function uploadBody(req: ApiRequest, schema: Schema) {
  const body = await req.body();
  const { file, ...rest } = body.value;
  const upload = (Array.isArray(file) ? file : [file]).find(isUpload);
  return { upload, fields: validate(schema, { kind: body.kind, value: rest }, { partial: false, resolve: req.ctx.resolve }) };
}

const ARTIFACT: Schema = Object.fromEntries(
  ["size", "md5", "sha1", "sha224", "sha256", "sha384", "sha512"].map((k) => [k, k === "size" ? { type: "int" } : { type: "string", nullable: true }]),
) as Schema;

function orphanTask(req: ApiRequest, only: string[] | undefined) {
  const ctx = req.ctx;
  return ctx.tasks.dispatch(
    {
      name: "pulpcore.app.tasks.orphan.orphan_cleanup",
      kind: "general",
      exclusive: ["/api/v3/orphans/cleanup/"],
      run: (tctx) => {
        const used = ctx.state.referencedContent();
        let n = 0;
        for (const rec of [...ctx.state.content.values()]) {
          if (used.has(rec.href) || (only && !only.includes(rec.href))) continue;
          ctx.state.removeContent(rec);
          n++;
        }
        tctx.progress({ message: "Clean up orphan Content", code: "clean-up.content", state: "completed", total: n, done: n });
        return [];
      },
    },
    req.user.href,
  );
}

/** Type-agnostic read-only lists (`/remotes/`, `/contentguards/`, ...). */
function genericLists(): Route[] {
  const out: Route[] = [];
  for (const collection of ["remotes", "repositories", "publications", "distributions", "contentguards"] as const) {
    out.push({
      method: "GET",
      pattern: new RegExp(`^${API_ROOT}${collection}/$`),
      handler: (req) => {
        const items = req.ctx.state.list(collection).sort((a, b) => a.seq - b.seq);
        const filters: FilterSet<Resource> =
          collection === "contentguards"
            ? guardFilters(true)
            : {
                ...textFilters<Resource>("name", (r) => r.data["name"]),
                pulp_href__in: (r, v) => v.split(",").map(normalizeHref).includes(r.href),
                pulp_type__in: (r, v) => v.split(",").includes(r.pulpType),
              };
        return listResponse(req, items, {
          filters,
          serialize: (r) => (collection === "contentguards" ? serializeGeneric(r) : serializeResource(req.ctx, r, typeDefOf(r).schema)),
        });
      },
    });
  }
  return out;
}

function contentRoutes(): Route[] {
  const out: Route[] = [];
  for (const [pulpType, path] of Object.entries(CONTENT_PATHS)) {
    const base = `${API_ROOT}content/${path}/`;
    out.push({
      method: "GET",
      pattern: new RegExp(`^${base}$`),
      handler: (req) => {
        const ctx = req.ctx;
        const items = [...ctx.state.content.values()].filter((c) => c.unit.pulp_type === pulpType).sort((a, b) => a.seq - b.seq);
        return listResponse(req, items, { filters: contentFilters(req, pulpType), serialize: (c) => serializeContent(ctx, c) });
      },
    });
    out.push({
      method: "GET",
      pattern: new RegExp(`^${base}([0-9a-f-]{36})/$`),
      handler: (req) => {
        const rec = req.ctx.state.content.get(`${base}${req.params["0"]}/`);
        if (!rec) throw notFound();
        return ok(serializeContent(req.ctx, rec));
      },
    });
  }
  return out;
}

function contentFilters(req: ApiRequest, pulpType: string): FilterSet<ContentRecord> {
  const ctx = req.ctx;
  const field = (key: string) => (c: ContentRecord) => (c.unit as unknown as Record<string, unknown>)[key];
  const rpm = (key: string) => (c: ContentRecord) => (c.unit as unknown as { rpm?: Record<string, unknown> }).rpm?.[key];
  const f: FilterSet<ContentRecord> = {
    repository_version: versionFilter(ctx, "repository_version", (c: ContentRecord, ver) => ver.content.has(c.href)),
    repository_version_added: versionFilter(ctx, "repository_version_added", (c: ContentRecord, ver) => ver.added.has(c.href)),
    repository_version_removed: versionFilter(ctx, "repository_version_removed", (c: ContentRecord, ver) => ver.removed.has(c.href)),
    pulp_href__in: (c, v) => v.split(",").map(normalizeHref).includes(c.href),
    pulp_id__in: (c, v) => v.split(",").includes(c.id),
    ...rangeFilters<ContentRecord>("pulp_created", (c) => c.created, false),
  };
  if (pulpType === "rpm.package") {
    for (const k of ["name", "epoch", "version", "release", "arch", "pkgId", "checksum_type", "location_href"]) {
      Object.assign(f, textFilters<ContentRecord>(k, rpm(k), ["", "in", "contains", "startswith"]));
    }
    f["sha256"] = (c, v) => field("sha256")(c) === v;
  } else if (pulpType === "deb.package") {
    for (const k of ["package", "version", "architecture", "relative_path"]) Object.assign(f, textFilters<ContentRecord>(k, field(k), ["", "in"]));
    f["sha256"] = (c, v) => field("sha256")(c) === v;
  } else if (pulpType === "file.file") {
    Object.assign(f, textFilters<ContentRecord>("relative_path", field("relative_path"), ["", "in", "contains", "startswith"]));
    f["sha256"] = (c, v) => field("sha256")(c) === v;
  } else if (pulpType.startsWith("container.")) {
    Object.assign(f, textFilters<ContentRecord>("digest", field("digest"), ["", "in"]));
    if (pulpType === "container.tag") {
      Object.assign(f, textFilters<ContentRecord>("name", field("name"), ["", "in"]));
      const manifestOf = (c: ContentRecord) => ctx.state.content.get(String(field("tagged_manifest")(c)))?.unit as { digest?: string; media_type?: string } | undefined;
      f["digest"] = (c, v) => manifestOf(c)?.digest === v;
      f["digest__in"] = (c, v) => v.split(",").includes(String(manifestOf(c)?.digest));
      f["media_type"] = (c, _v, all) => all.includes(String(manifestOf(c)?.media_type));
    }
    if (pulpType === "container.manifest") f["media_type"] = (c, _v, all) => all.includes(String(field("media_type")(c)));
  }
  return f;
}
