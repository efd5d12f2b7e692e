// Pure planning of container sync over one batched read of Pulp: per image what is created,
// made private, updated or synced. Ark (publish): development distributions private, release
// repositories and private distributions present. Test Pulp: remote → Ark's registry
// (on_demand), repository, mirror sync when Ark has a new version, private distribution.
import type { ReleaseRepositoryState } from "./release-repository";
import type { ImageRepo } from "./config";
import type { ContainerDistributionRecord, ContainerRemoteRecord, ContainerRepositoryRecord } from "./pulp-port";

export type ContainerTarget = "ark" | "test";

/** Label on a test Pulp repository: the Ark push-repository version it last mirrored. */
export const ARK_VERSION_LABEL = "release_train_ark_version";

export interface Snapshot {
  distributions: ContainerDistributionRecord[];
  repositories: ContainerRepositoryRecord[];
  remotes: ContainerRemoteRecord[];
  /** Test target: Ark's push repositories by name (undefined: Ark not read, always sync). */
  arkPush?: Map<string, ContainerRepositoryRecord>;
}

export interface Namespaces {
  /** Where CI pushes (default `stackhpc-dev`). */
  dev: string;
  /** Release repositories (default `stackhpc`). */
  release: string;
  /** Test Pulp: namespace of `upstream_name` in Ark (default: `dev`). */
  upstream: string;
}

export interface TestRemoteSettings {
  /** Ark's registry, e.g. `https://ark.stackhpc.com`. */
  url: string;
  username?: string | undefined;
  password?: string | undefined;
  includeTags?: string[] | undefined;
  tlsValidation?: boolean | undefined;
  /** Re-send the password (Pulp never shows it). */
  refreshSecrets?: boolean | undefined;
}

export type Change = { action: "none"; href: string } | { action: "create"; body: Record<string, unknown> } | { action: "update"; href: string; patch: Record<string, unknown> };

export interface ArkImagePlan {
  target: "ark";
  image: ImageRepo;
  /** `stackhpc-dev/<name>`. */
  name: string;
  /** The development distribution, or undefined: not pushed yet (reported, not an error). */
  development?: Change | undefined;
  releaseName: string;
  releaseRepository: Change;
  /** The release repository's href is known only after it is created. */
  releaseDistribution: Change;
  /** What `ensureReleaseRepository` starts from (the same reading as the two changes above). */
  release: ReleaseRepositoryState;
}

export interface TestImagePlan {
  target: "test";
  image: ImageRepo;
  name: string;
  /** Ark has no push repository for it (when Ark was read): nothing to mirror yet. */
  notPushed: boolean;
  remote: Change;
  repository: Change;
  /** Why a sync runs, or undefined. */
  sync?: string | undefined;
  /** Ark's latest version the sync mirrors (labelled on the repository afterwards). */
  arkVersion?: string | undefined;
  distribution: Change;
}

export type ImagePlan = ArkImagePlan | TestImagePlan;

const byName = <T extends { name: string }>(items: T[]) => new Map(items.map((i) => [i.name, i]));

export function planArk(images: ImageRepo[], snapshot: Snapshot, ns: Namespaces): ArkImagePlan[] {
  const dists = byName(snapshot.distributions);
  const repos = byName(snapshot.repositories);
  return images.map((image) => {
    const name = `${ns.dev}/${image.name}`;
    const releaseName = `${ns.release}/${image.name}`;
    const dev = dists.get(name);
    const repo = repos.get(releaseName);
    const rdist = dists.get(releaseName);
    const releaseRepository: Change = repo ? { action: "none", href: repo.pulp_href } : { action: "create", body: { name: releaseName } };
    let releaseDistribution: Change;
    if (!rdist) releaseDistribution = { action: "create", body: { name: releaseName, base_path: releaseName, private: true } };
    else {
      const patch: Record<string, unknown> = {};
      if (rdist.private !== true) patch["private"] = true;
      if (repo && rdist.repository !== repo.pulp_href) patch["repository"] = repo.pulp_href;
      if (!repo) patch["repository"] = null; // filled in with the created repository
      releaseDistribution = Object.keys(patch).length ? { action: "update", href: rdist.pulp_href, patch } : { action: "none", href: rdist.pulp_href };
    }
    return {
      target: "ark",
      image,
      name,
      development: dev ? (dev.private === true ? { action: "none", href: dev.pulp_href } : { action: "update", href: dev.pulp_href, patch: { private: true } }) : undefined,
      releaseName,
      releaseRepository,
      releaseDistribution,
      release: { name: releaseName, repositoryHref: repo?.pulp_href, distributionHref: rdist?.pulp_href, distributionPrivate: rdist?.private, distributionRepository: rdist?.repository },
    };
  });
}

export function planTest(images: ImageRepo[], snapshot: Snapshot, ns: Namespaces, settings: TestRemoteSettings): TestImagePlan[] {
  const dists = byName(snapshot.distributions);
  const repos = byName(snapshot.repositories);
  const remotes = byName(snapshot.remotes);
  return images.map((image) => {
    const name = `${ns.dev}/${image.name}`;
    const upstream = `${ns.upstream}/${image.name}`;
    const ark = snapshot.arkPush?.get(upstream);
    const notPushed = snapshot.arkPush !== undefined && !ark;
    const desiredRemote: Record<string, unknown> = { name, url: settings.url, upstream_name: upstream, policy: "on_demand", include_tags: settings.includeTags ?? null };
    if (settings.tlsValidation === false) desiredRemote["tls_validation"] = false;
    if (settings.username !== undefined) desiredRemote["username"] = settings.username;
    const remote = remotes.get(name);
    let remoteChange: Change;
    if (!remote) remoteChange = { action: "create", body: { ...desiredRemote, ...(settings.password !== undefined ? { password: settings.password } : {}) } };
    else {
      const patch: Record<string, unknown> = {};
      for (const key of ["url", "upstream_name", "policy"] as const) if (remote[key] !== desiredRemote[key]) patch[key] = desiredRemote[key];
      if (JSON.stringify(remote.include_tags ?? null) !== JSON.stringify(desiredRemote["include_tags"])) patch["include_tags"] = desiredRemote["include_tags"];
      const hidden = (f: string) => remote.hidden_fields?.find((h) => h.name === f)?.is_set ?? false;
      // Pulp never shows the username or password back: sent when unset there, or when asked to.
      if (settings.username !== undefined && (!hidden("username") || settings.refreshSecrets)) patch["username"] = settings.username;
      if (settings.password !== undefined && (!hidden("password") || settings.refreshSecrets)) patch["password"] = settings.password;
      if (settings.tlsValidation === false && (remote as { tls_validation?: boolean }).tls_validation !== false) patch["tls_validation"] = false;
      remoteChange = Object.keys(patch).length ? { action: "update", href: remote.pulp_href, patch } : { action: "none", href: remote.pulp_href };
    }
    const repo = repos.get(name);
    let repository: Change;
    if (!repo) repository = { action: "create", body: { name } };
    else if (remote && repo.remote !== remote.pulp_href) repository = { action: "update", href: repo.pulp_href, patch: { remote: remote.pulp_href } };
    else repository = { action: "none", href: repo.pulp_href };
    const mirrored = repo?.pulp_labels?.[ARK_VERSION_LABEL] ?? undefined;
    let sync: string | undefined;
    if (notPushed) sync = undefined;
    else if (repository.action === "create") sync = "new repository";
    else if (remoteChange.action !== "none") sync = "remote changed";
    else if (!ark) sync = "Ark not read";
    else if (mirrored !== ark.latest_version_href) sync = "new content in Ark";
    const dist = dists.get(name);
    let distribution: Change;
    if (!dist) distribution = { action: "create", body: { name, base_path: name, private: true } };
    else {
      const patch: Record<string, unknown> = {};
      if (dist.private !== true) patch["private"] = true;
      if (repo && dist.repository !== repo.pulp_href) patch["repository"] = repo.pulp_href;
      distribution = Object.keys(patch).length ? { action: "update", href: dist.pulp_href, patch } : { action: "none", href: dist.pulp_href };
    }
    return { target: "test", image, name, notPushed, remote: remoteChange, repository, sync, arkVersion: ark?.latest_version_href ?? undefined, distribution };
  });
}

/** The plan as a diff: one line per change, images with nothing to do counted. */
export function describeContainerPlan(plans: ImagePlan[], target: ContainerTarget, dryRun: boolean): string {
  const lines: string[] = [];
  let unchanged = 0;
  let notPushed = 0;
  for (const p of plans) {
    const changes = planActions(p);
    if (p.target === "ark" ? !p.development : p.notPushed) notPushed++;
    if (changes.length === 0) unchanged++;
    for (const c of changes) lines.push(`  ${c.startsWith("sync") ? "~" : "+"} ${p.name}: ${c}`);
  }
  const head = `Container plan for ${target === "ark" ? "Ark (publish)" : "test Pulp (mirror from Ark)"}${dryRun ? " (dry run: nothing will be written)" : ""}: ${plans.length} images, ${plans.length - unchanged} to change, ${unchanged} unchanged, ${notPushed} not yet pushed`;
  return [head, ...lines].join("\n");
}

/** What applying a plan would do, in order. */
export function planActions(p: ImagePlan): string[] {
  const out: string[] = [];
  const say = (c: Change | undefined, what: string, verbs: { create: string; update: string }) => {
    if (c?.action === "create") out.push(`${verbs.create} ${what}`);
    if (c?.action === "update") out.push(`${verbs.update} ${what} (${Object.keys(c.patch).join(", ")})`);
  };
  if (p.target === "ark") {
    if (p.development?.action === "update") out.push("make development distribution private");
    say(p.releaseRepository, `release repository ${p.releaseName}`, { create: "create", update: "update" });
    say(p.releaseDistribution, `release distribution ${p.releaseName}`, { create: "create private", update: "update" });
    return out;
  }
  if (p.notPushed) return out;
  say(p.remote, "remote", { create: "create", update: "update" });
  say(p.repository, "repository", { create: "create", update: "update" });
  if (p.sync) out.push(`sync (${p.sync})`);
  say(p.distribution, "distribution", { create: "create private", update: "update" });
  return out;
}
