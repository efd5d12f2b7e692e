import { describe, expect, it } from "vitest";
import type { ReleaseTrainConfig } from "../src/config/types";
import { compileFilter, SelectionError, selectRepos, syncGroups } from "../src/selection";

const repos = [
  { short_name: "epel", sync_group: "epel" },
  { short_name: "epel_modular", sync_group: "epel" },
  { short_name: "rocky_9_8_baseos", sync_group: "rocky_9_baseos" },
  { short_name: "rocky_9_8_baseos_aarch64", sync_group: "rocky_9_aarch64" },
  { short_name: "ubuntu_noble", sync_group: "ubuntu_noble" },
  { short_name: "docker_ce_ubuntu_noble", sync_group: "docker" },
];
const names = (list: { short_name: string }[]) => list.map((r) => r.short_name);

describe("selectRepos", () => {
  it("selects everything with no filter and no group", () => {
    expect(selectRepos(repos)).toEqual(repos);
    expect(selectRepos(repos, { filter: "  ", syncGroup: "" })).toEqual(repos);
  });

  it("searches each whitespace-separated expression unanchored and ORs them", () => {
    expect(names(selectRepos(repos, { filter: "ubuntu_noble" }))).toEqual(["ubuntu_noble", "docker_ce_ubuntu_noble"]);
    expect(names(selectRepos(repos, { filter: "^ubuntu_noble$ modular" }))).toEqual(["epel_modular", "ubuntu_noble"]);
    expect(names(selectRepos(repos, { filter: "baseos$\n^epel$" }))).toEqual(["epel", "rocky_9_8_baseos"]);
  });

  it("requires the sync group to be equal, not a match", () => {
    expect(names(selectRepos(repos, { syncGroup: "epel" }))).toEqual(["epel", "epel_modular"]);
    expect(selectRepos(repos, { syncGroup: "epe" })).toEqual([]);
    expect(names(selectRepos(repos, { filter: "rocky", syncGroup: "rocky_9_aarch64" }))).toEqual([
      "rocky_9_8_baseos_aarch64",
    ]);
  });

  it("reports an invalid expression by name", () => {
    expect(() => compileFilter("epel rocky_[")).toThrow(SelectionError);
    expect(() => selectRepos(repos, { filter: "ok (unclosed" })).toThrow(/invalid regular expression "\(unclosed"/);
  });
});

describe("syncGroups", () => {
  const config = {
    rpm: repos.slice(0, 4),
    deb: repos.slice(4),
  } as unknown as Pick<ReleaseTrainConfig, "rpm" | "deb">;

  it("lists distinct groups sorted", () => {
    expect(syncGroups(config)).toEqual(["docker", "epel", "rocky_9_aarch64", "rocky_9_baseos", "ubuntu_noble"]);
  });

  it("limits groups to repositories matching the filter", () => {
    expect(syncGroups(config, "noble")).toEqual(["docker", "ubuntu_noble"]);
    expect(syncGroups(config, "nothing-matches")).toEqual([]);
  });
});
