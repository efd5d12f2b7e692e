// Config entry + run options → what the repository should look like in the target Pulp.
// Naming follows the Ansible release train (rt: dev-pulp-repos, test-pulp-repos): remote
// `<repo>-remote`, distribution `<distribution_name><version>` at `<base_path><version>`; on test
// Pulp the repository is `<name> (ark)` and the distribution `<distribution_name><version>-ark`.
import type { PackageRepoEntry, PublicationKind, RemoteFields, RepoSpec, SyncTarget } from "./types";

export interface DesiredOptions {
  target: SyncTarget;
  /** Run version (ark); on test each repository uses the Ark snapshot version it syncs. */
  version: string;
  /** Content guard name for new distributions; empty/undefined = unguarded. */
  contentGuard?: string | undefined;
  /** TLS, proxy and credential settings applied to every remote. */
  remoteOptions?: Partial<Omit<RemoteFields, "url">>;
  /** Send remote secrets even when Pulp says they are set (Pulp never shows them: rotation). */
  refreshSecrets?: boolean;
  /** test: Ark's content app root, e.g. `https://ark.example/pulp/content/`. */
  arkContentUrl?: string;
  /** test: Ark snapshot version per short_name (latest or pinned). */
  arkVersions?: Record<string, string>;
}

/** Repositories a target handles at all: test Pulp only mirrors what Ark syncs and publishes. */
export function targetIncludes(entry: PackageRepoEntry, target: SyncTarget): boolean {
  if (target === "ark") return true;
  return entry.sync !== false && entry.publish !== false;
}

function publicationKind(entry: PackageRepoEntry): PublicationKind {
  if (entry.kind === "rpm") return "rpm";
  return entry.mode === "verbatim" ? "deb-verbatim" : "deb-apt";
}

/** pulp_deb apt publication flags for a `mode` (stackhpc.pulp pulp_publication semantics). */
function publicationBody(entry: PackageRepoEntry): Record<string, unknown> {
  if (entry.kind === "rpm" || entry.mode === "verbatim") return {};
  switch (entry.mode) {
    case "structured":
      return { structured: true };
    case "simple_and_structured":
      return { simple: true, structured: true };
    default:
      // pulp.squeezer deb_publication's default mode.
      return { simple: true };
  }
}

export function buildRepoSpec(entry: PackageRepoEntry, options: DesiredOptions): RepoSpec {
  const ark = options.target === "ark";
  const version = ark ? options.version : options.arkVersions?.[entry.short_name];
  if (!version) throw new Error(`no snapshot of ${entry.short_name} found in Ark to sync from`);
  const repositoryName = ark ? entry.name : `${entry.name} (ark)`;
  const spec: RepoSpec = { kind: entry.kind, shortName: entry.short_name, repositoryName, version };

  if (!ark || entry.sync !== false) {
    const url = ark ? entry.url : arkSnapshotUrl(options.arkContentUrl, entry.base_path, version);
    if (!url) throw new Error(`${entry.short_name}: no url to sync from`);
    const fields: RemoteFields = {
      url,
      policy: ark ? (entry.policy ?? "immediate") : "on_demand",
      ...options.remoteOptions,
    };
    if (entry.kind === "deb") {
      if (!entry.distributions) throw new Error(`${entry.short_name}: deb repository needs distributions`);
      // An Ark publication in pulp_deb's simple-only mode has a single dist `default`, component `all`.
      const simpleOnly = !ark && entry.mode !== "verbatim" && publicationBody(entry).structured !== true;
      fields.distributions = simpleOnly ? "default" : entry.distributions;
      fields.components = simpleOnly ? "all" : (entry.components ?? null);
      fields.architectures = entry.architectures ?? null;
    }
    spec.remote = { name: `${repositoryName}-remote`, fields, ...(options.refreshSecrets ? { refreshSecrets: true } : {}) };
    spec.syncOptions =
      entry.kind === "rpm"
        ? { sync_policy: ark ? (entry.sync_policy ?? "mirror_complete") : "mirror_complete" }
        : { mirror: ark ? (entry.mirror ?? true) : true };
  }

  if (entry.publish !== false) {
    spec.publish = { kind: publicationKind(entry), body: publicationBody(entry) };
    spec.distribution = {
      name: `${entry.distribution_name}${version}${ark ? "" : "-ark"}`,
      basePath: `${entry.base_path}${version}`,
    };
    if (options.contentGuard) spec.distribution.contentGuard = options.contentGuard;
  }
  return spec;
}

function arkSnapshotUrl(root: string | undefined, basePath: string, version: string): string {
  if (!root) throw new Error("the test target needs Ark's content URL");
  const prefix = root.endsWith("/") ? root : `${root}/`;
  return `${prefix}${basePath}${version}/`;
}
