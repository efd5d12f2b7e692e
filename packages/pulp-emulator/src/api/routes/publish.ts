import type { ChecksumType, PublishedFile, UpstreamMetadata } from "../../content/types";
import type { RepositoryVersion, Resource } from "../../store/state";
import type { ParsedBody } from "../body";
import type { ApiContext } from "../context";
import { nonFieldError } from "../errors";
import { validate } from "../fields";
import { type ApiRequest, type ApiResponse, accepted } from "../request";
import type { TypeDef } from "../types";

const TASK_NAMES: Record<string, string> = {
  "rpm/rpm": "pulp_rpm.app.tasks.publishing.publish",
  "deb/apt": "pulp_deb.app.tasks.publishing.publish",
  "deb/verbatim": "pulp_deb.app.tasks.publishing.publish_verbatim",
  "file/file": "pulp_file.app.tasks.publishing.publish",
};

/** POST /publications/<type>/: exactly one of repository / repository_version → 202 publish task. */
export async function createPublication(req: ApiRequest, def: TypeDef, body: ParsedBody): Promise<ApiResponse> {
  const ctx = req.ctx;
  const data = validate(def.schema, body, { partial: false, readOnly: ["pulp_href", "pulp_created"], resolve: ctx.resolve });
  const hasRepo = data["repository"] !== undefined && data["repository"] !== null;
  const hasVersion = data["repository_version"] !== undefined && data["repository_version"] !== null;
  if (hasRepo && hasVersion) throw nonFieldError("Either the 'repository' or 'repository_version' need to be specified but not both.");
  if (!hasRepo && !hasVersion) throw nonFieldError("Either the 'repository' or 'repository_version' need to be specified.");
  const repoHref = hasRepo ? String(data["repository"]) : String(ctx.state.versions.get(String(data["repository_version"]))?.repository);
  const repo = ctx.get(repoHref, "repositories");
  const task = ctx.tasks.dispatch(
    {
      name: TASK_NAMES[def.typePath] ?? "publish",
      kind: "publish",
      // rpm locks the repository; pulp_deb only shares it (rec:rpm_publication-0, rec:deb_publication-0).
      exclusive: def.typePath === "rpm/rpm" ? [repo.href] : [],
      shared: def.typePath === "rpm/rpm" ? [] : [repo.href],
      run: async (tctx) => {
        const version = hasVersion ? ctx.state.versions.get(String(data["repository_version"])) : ctx.latestVersion(repo.href);
        if (!version) throw new Error("The repository version was deleted.");
        tctx.progress({ message: "Generating repository metadata", code: "publish.generating_metadata", total: 1, done: 0 });
        const pub = await publishVersion(ctx, def.typePath, version, data);
        tctx.progress({ message: "Generating repository metadata", code: "publish.generating_metadata", state: "completed", total: 1, done: 1 });
        return [pub.href];
      },
    },
    req.user.href,
  );
  return accepted(task.href);
}

/**
 * Add a version with `content` (none when unchanged) and, for an `autopublish` repository, publish
 * it in the same task as Pulp's `on_new_version` does. Returns the created hrefs.
 */
export async function commitVersion(ctx: ApiContext, repo: Resource, content: Set<string>, baseVersion: string | null = null): Promise<string[]> {
  const v = ctx.addVersion(repo, content, baseVersion);
  if (!v) return [];
  const created = [v.href];
  if (repo.data["autopublish"] === true) created.push((await publishVersion(ctx, repo.typePath, v, repo.data)).href);
  return created;
}

/** Generate the files for a publication of `version` and register it. */
export async function publishVersion(
  ctx: ApiContext,
  typePath: string,
  version: RepositoryVersion,
  opts: Record<string, unknown>,
  upstreamMetadata?: UpstreamMetadata,
): Promise<Resource> {
  const units = ctx.unitsOf(version);
  let files: PublishedFile[];
  let data: Record<string, unknown>;
  if (typePath === "rpm/rpm") {
    const checksum = (opts["metadata_checksum_type"] as string | undefined) ?? "sha256";
    files = upstreamMetadata
      ? ctx.requireEngine().publishRpmMirror(upstreamMetadata, units)
      : await ctx.requireEngine().publishRpm(units, {
          artifacts: ctx.artifacts,
          ...(checksum !== "unknown" ? { checksumType: checksum as ChecksumType } : {}),
        });
    data = {
      repository_version: version.href,
      repository: version.repository,
      metadata_checksum_type: upstreamMetadata ? "unknown" : checksum,
      package_checksum_type: upstreamMetadata ? "unknown" : ((opts["package_checksum_type"] as string | undefined) ?? "sha256"),
      gpgcheck: (opts["gpgcheck"] as number | undefined) ?? 0,
      repo_gpgcheck: (opts["repo_gpgcheck"] as number | undefined) ?? 0,
      sqlite_metadata: (opts["sqlite_metadata"] as boolean | undefined) ?? false,
    };
  } else if (typePath === "deb/apt") {
    const simple = Boolean(opts["simple"]);
    const structured = Boolean(opts["structured"]);
    files = await ctx.requireEngine().publishDebApt(units, { artifacts: ctx.artifacts, simple, structured });
    data = { repository_version: version.href, repository: version.repository, simple, structured, signing_service: null };
  } else if (typePath === "file/file") {
    const manifest = (opts["manifest"] as string | null | undefined) ?? "PULP_MANIFEST";
    const fileUnits = ctx.fileUnitsOf(version).sort((a, b) => a.relative_path.localeCompare(b.relative_path));
    files = fileUnits.map((u) => ({ relative_path: u.relative_path, sha256: u.sha256 }));
    if (manifest) {
      // pulp_file's manifest: one `relative_path,sha256,size` line per file.
      const text = fileUnits.map((u) => `${u.relative_path},${u.sha256},${u.size}\n`).join("");
      files.push({ relative_path: manifest, sha256: (await ctx.artifacts.put(Buffer.from(text))).sha256 });
    }
    data = { repository_version: version.href, repository: version.repository, manifest };
  } else {
    // A verbatim publication needs the upstream metadata of a sync; none means no files yet.
    files = ctx.requireEngine().publishDebVerbatim(version.upstream ?? { revision: "", files: [] }, units);
    data = { repository_version: version.href, repository: version.repository };
  }
  const pulpType = { "rpm/rpm": "rpm.rpm", "deb/apt": "deb.apt-publication", "file/file": "file.file" }[typePath] ?? "deb.verbatim-publication";
  if (!ctx.state.versions.has(version.href)) throw new Error("The repository version was deleted during publishing.");
  const pub = ctx.create("publications", typePath, pulpType, data);
  ctx.state.publications.set(pub.href, { files, remote: null });
  return pub;
}

