import { describe, expect, it } from "vitest";
import { buildRepoSpec } from "../src/sync/desired";
import { describePlan } from "../src/sync/describe";
import {
  choosePublication,
  duplicatePublications,
  latestSnapshotVersions,
  planDistribution,
  planRepo,
  remotePatch,
} from "../src/sync/plan";
import { SnapshotIndex } from "../src/sync/snapshot-index";
import type { PackageRepoEntry, PulpSnapshot } from "../src/sync/types";

const V = "20261125T120000";
const rpmEntry: PackageRepoEntry = {
  kind: "rpm",
  name: "Rocky 9 BaseOS",
  url: "https://upstream.example/rocky/9/BaseOS/x86_64/os/",
  base_path: "rocky/9/BaseOS/x86_64/os/",
  short_name: "rocky_9_baseos",
  distribution_name: "rocky-9-baseos-",
};
const debEntry: PackageRepoEntry = {
  kind: "deb",
  name: "Ubuntu jammy",
  url: "http://archive.example/ubuntu",
  distributions: "jammy jammy-updates",
  components: "main",
  architectures: "amd64",
  mode: "verbatim",
  base_path: "ubuntu/jammy/",
  short_name: "ubuntu_jammy",
  distribution_name: "ubuntu-jammy-",
};

const REPO = "/pulp/api/v3/repositories/rpm/rpm/0001/";
const REMOTE = "/pulp/api/v3/remotes/rpm/rpm/0002/";
const GUARD = "/pulp/api/v3/contentguards/core/rbac/0003/";
const pub = (id: string, version: number, created: string) => ({
  pulp_href: `/pulp/api/v3/publications/rpm/rpm/${id}/`,
  pulp_created: created,
  repository_version: `${REPO}versions/${version}/`,
  repository: REPO,
});
const dist = (name: string, basePath: string, publication: string | null) => ({
  pulp_href: `/pulp/api/v3/distributions/rpm/rpm/${name}/`,
  name,
  base_path: basePath,
  base_url: `http://ark.example/pulp/content/${basePath}/`,
  publication,
});

function synced(overrides: Partial<PulpSnapshot> = {}): PulpSnapshot {
  return {
    remotes: [
      {
        pulp_href: REMOTE,
        name: "Rocky 9 BaseOS-remote",
        url: rpmEntry.url as string,
        policy: "immediate",
        hidden_fields: [{ name: "password", is_set: false }],
      },
    ],
    repositories: [{ pulp_href: REPO, name: "Rocky 9 BaseOS", latest_version_href: `${REPO}versions/2/` }],
    publications: [pub("p2", 2, "2026-11-24T12:00:00Z")],
    distributions: [dist("rocky-9-baseos-20261124T120000", "rocky/9/BaseOS/x86_64/os/20261124T120000", pub("p2", 2, "").pulp_href)],
    contentGuards: [{ pulp_href: GUARD, name: "development" }],
    ...overrides,
  };
}

describe("desired state", () => {
  it("applies the Ansible defaults and naming on Ark", () => {
    const spec = buildRepoSpec(rpmEntry, { target: "ark", version: V, contentGuard: "development" });
    expect(spec.remote).toEqual({
      name: "Rocky 9 BaseOS-remote",
      fields: { url: rpmEntry.url, policy: "immediate" },
    });
    expect(spec.syncOptions).toEqual({ sync_policy: "mirror_complete" });
    expect(spec.distribution).toEqual({
      name: `rocky-9-baseos-${V}`,
      basePath: `rocky/9/BaseOS/x86_64/os/${V}`,
      contentGuard: "development",
    });
    const deb = buildRepoSpec({ ...debEntry, mirror: false }, { target: "ark", version: V });
    expect(deb.syncOptions).toEqual({ mirror: false });
    expect(deb.publish?.kind).toBe("deb-verbatim");
    expect(deb.remote?.fields).toMatchObject({ distributions: "jammy jammy-updates", components: "main" });
    expect(buildRepoSpec({ ...debEntry, mode: "structured" }, { target: "ark", version: V }).publish).toEqual({
      kind: "deb-apt",
      body: { structured: true },
    });
  });

  it("honours per-repository overrides and sync/publish switches", () => {
    const spec = buildRepoSpec(
      { ...rpmEntry, sync_policy: "mirror_content_only", policy: "on_demand", publish: false },
      { target: "ark", version: V },
    );
    expect(spec.syncOptions).toEqual({ sync_policy: "mirror_content_only" });
    expect(spec.remote?.fields.policy).toBe("on_demand");
    expect(spec.publish).toBeUndefined();
    expect(spec.distribution).toBeUndefined();
    const noSync = buildRepoSpec({ ...rpmEntry, sync: false, url: undefined }, { target: "ark", version: V });
    expect(noSync.remote).toBeUndefined();
    expect(noSync.syncOptions).toBeUndefined();
  });

  it("points test Pulp at Ark's snapshot, on demand, at the same base path and version", () => {
    const spec = buildRepoSpec(rpmEntry, {
      target: "test",
      version: V,
      arkContentUrl: "https://ark.example/pulp/content",
      arkVersions: { rocky_9_baseos: "20261120T010203" },
      remoteOptions: { username: "ci", password: "secret" },
    });
    expect(spec.repositoryName).toBe("Rocky 9 BaseOS (ark)");
    expect(spec.remote?.fields).toEqual({
      url: "https://ark.example/pulp/content/rocky/9/BaseOS/x86_64/os/20261120T010203/",
      policy: "on_demand",
      username: "ci",
      password: "secret",
    });
    expect(spec.distribution?.basePath).toBe("rocky/9/BaseOS/x86_64/os/20261120T010203");
    expect(spec.distribution?.name).toBe("rocky-9-baseos-20261120T010203-ark");
    // Ark's simple-mode apt publication only has dist `default`, component `all`.
    const simple = buildRepoSpec(
      { ...debEntry, mode: "simple" },
      { target: "test", version: V, arkContentUrl: "https://ark/pulp/content/", arkVersions: { ubuntu_jammy: V } },
    );
    expect(simple.remote?.fields).toMatchObject({ distributions: "default", components: "all", url: `https://ark/pulp/content/ubuntu/jammy/${V}/` });
    expect(buildRepoSpec(debEntry, { target: "test", version: V, arkContentUrl: "x", arkVersions: { ubuntu_jammy: V } }).remote?.fields.distributions).toBe(
      "jammy jammy-updates",
    );
    expect(() => buildRepoSpec(rpmEntry, { target: "test", version: V, arkContentUrl: "x", arkVersions: {} })).toThrow(
      /no snapshot of rocky_9_baseos/,
    );
  });
});

describe("planning against a state snapshot", () => {
  const spec = buildRepoSpec(rpmEntry, { target: "ark", version: V, contentGuard: "development" });

  it("creates everything on an empty Pulp", () => {
    const plan = planRepo(spec, new SnapshotIndex({ remotes: [], repositories: [], publications: [], distributions: [], contentGuards: [{ pulp_href: GUARD, name: "development" }] }));
    expect(plan.remote).toEqual({ action: "create", body: { name: "Rocky 9 BaseOS-remote", url: rpmEntry.url, policy: "immediate" } });
    expect(plan.repository).toEqual({ action: "create", body: { name: "Rocky 9 BaseOS" } });
    expect(plan.sync).toEqual({ sync_policy: "mirror_complete" });
    expect(plan.expect).toEqual({ publish: true, distribute: true });
    expect(plan.problems).toEqual([]);
  });

  it("changes nothing but the sync when the latest version is published and distributed", () => {
    const plan = planRepo(spec, new SnapshotIndex(synced()));
    expect(plan.remote).toEqual({ action: "none", href: REMOTE });
    expect(plan.repository).toEqual({ action: "none", href: REPO });
    expect(plan.cleanup).toEqual([]);
    expect(plan.expect).toEqual({ publish: false, distribute: false });
    expect(describePlan([plan], "ark", true)).toContain("dry run");
  });

  it("updates only the remote fields that differ, never echoing secrets", () => {
    const state = synced();
    const remote = state.remotes[0]!;
    expect(remotePatch({ url: "https://new.example/", policy: "immediate", password: "pw", proxy_url: null }, remote)).toEqual({
      url: "https://new.example/",
      password: "pw",
    });
    remote.hidden_fields = [{ name: "password", is_set: true }];
    expect(remotePatch({ url: remote.url, policy: "immediate", password: "pw" }, remote)).toEqual({});
    expect(remotePatch({ url: remote.url, policy: "immediate", password: null }, remote)).toEqual({ password: null });
    // Rotation: Pulp cannot tell whether a set secret changed, so it is re-sent on request.
    expect(remotePatch({ url: remote.url, policy: "immediate", password: "new" }, remote, true)).toEqual({ password: "new" });
  });

  it("reports an unknown content guard as a problem", () => {
    const plan = planRepo(spec, new SnapshotIndex(synced({ contentGuards: [] })));
    expect(plan.problems).toEqual(["content guard 'development' does not exist"]);
  });

  it("keeps the distributed or oldest duplicate publication and deletes the rest", () => {
    const distributed = pub("p2", 2, "2026-11-24T12:00:00Z");
    const newer = pub("p2b", 2, "2026-11-24T13:00:00Z");
    const older = pub("p1", 1, "2026-11-23T12:00:00Z");
    const oldest = pub("p1a", 1, "2026-11-22T12:00:00Z");
    const index = new SnapshotIndex(synced({ publications: [newer, distributed, older, oldest] }));
    expect(choosePublication(index, `${REPO}versions/2/`, [])).toEqual({ keep: distributed.pulp_href, remove: [newer.pulp_href] });
    expect(choosePublication(index, `${REPO}versions/1/`, [])).toEqual({ keep: oldest.pulp_href, remove: [older.pulp_href] });
    expect(duplicatePublications(index, REPO).sort()).toEqual([newer.pulp_href, older.pulp_href].sort());
    // A publication a sync just created on an already published version (pulp_rpm#2311) goes.
    const fresh = "/pulp/api/v3/publications/rpm/rpm/new/";
    expect(choosePublication(index, `${REPO}versions/2/`, [fresh]).remove).toContain(fresh);
    // Two distributed publications of one version: both kept.
    const both = new SnapshotIndex(
      synced({
        publications: [distributed, newer],
        distributions: [dist("a", "x/20261124T120000", distributed.pulp_href), dist("b", "x/20261124T130000", newer.pulp_href)],
      }),
    );
    expect(choosePublication(both, `${REPO}versions/2/`, []).remove).toEqual([]);
  });

  it("distributes a publication once, re-pointing a same-named distribution on re-runs", () => {
    const index = new SnapshotIndex(synced());
    const served = planDistribution(spec, index, pub("p2", 2, "").pulp_href);
    expect(served).toMatchObject({ action: "exists", distribution: { name: "rocky-9-baseos-20261124T120000" } });
    const fresh = "/pulp/api/v3/publications/rpm/rpm/p3/";
    expect(planDistribution(spec, index, fresh)).toEqual({
      action: "create",
      body: { name: `rocky-9-baseos-${V}`, base_path: `rocky/9/BaseOS/x86_64/os/${V}`, publication: fresh, content_guard: GUARD },
    });
    const rerun = new SnapshotIndex(synced({ distributions: [dist(`rocky-9-baseos-${V}`, `rocky/9/BaseOS/x86_64/os/${V}`, null)] }));
    expect(planDistribution(spec, rerun, fresh)).toMatchObject({ action: "update", patch: { publication: fresh, content_guard: GUARD } });
  });

  it("finds the newest Ark snapshot of each repository for test Pulp", () => {
    const dists = [
      dist("a", "rocky/9/BaseOS/x86_64/os/20261120T010203", "p"),
      dist("b", "rocky/9/BaseOS/x86_64/os/20261124T120000", "p"),
      dist("c", "rocky/9/BaseOS/x86_64/os/extra/20261130T000000", "p"),
      dist("d", "rocky/9/BaseOS/x86_64/os/20261201T000000", null),
    ];
    expect(latestSnapshotVersions(dists, [rpmEntry, debEntry])).toEqual({ rocky_9_baseos: "20261124T120000" });
  });
});
