// Loads the real release-train configuration (../shared/release-train-config) unchanged.
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeWithShared } from "@release-train/test-support/shared";
import { expect, it } from "vitest";
import { ConfigError, loadConfig, VaultValue } from "../src/config";

describeWithShared("loadConfig on the real release-train configuration", (shared) => {
  const dir = join(shared, "release-train-config");

  it("reads every file and validates both package lists", async () => {
    const config = await loadConfig(dir);
    // Counted in the files: rpm-package-repos holds 45 entries (trimmed), deb-package-repos 21;
    // the 12 files define 74 top-level variables between them.
    expect(config.rpm).toHaveLength(45);
    expect(config.deb).toHaveLength(21);
    expect(Object.keys(config.variables)).toHaveLength(74);
    expect(config.rpm.every((r) => r.kind === "rpm")).toBe(true);
    expect(config.deb.every((r) => r.kind === "deb")).toBe(true);
  });

  it("applies the defaults today's Ansible applies", async () => {
    const config = await loadConfig(dir);
    const rpm = (name: string) => config.rpm.find((r) => r.short_name === name)!;
    const deb = (name: string) => config.deb.find((r) => r.short_name === name)!;

    expect(rpm("epel")).toMatchObject({ policy: "immediate", sync_policy: "mirror_content_only", sync: true, publish: true });
    expect(rpm("grafana")).toMatchObject({ policy: "immediate", sync_policy: "mirror_complete" });
    expect(rpm("elasticsearch_logstash_kibana_7_x")).toMatchObject({ policy: "on_demand", sync: false });
    expect(rpm("epel").source).toEqual({ file: "rpm-package-repos", path: "rpm_package_repos[0]", line: 19, column: 5 });

    expect(deb("ubuntu_noble_treasuredata_5")).toMatchObject({ mirror: true, mode: "simple", policy: "immediate" });
    expect(deb("ubuntu_noble_treasuredata_5").distributions).toBeUndefined();
    expect(deb("ubuntu_jammy")).toMatchObject({
      mode: "verbatim",
      distributions: "jammy jammy-updates jammy-backports jammy-security",
      components: "main restricted universe",
      architectures: "amd64",
    });
    expect(deb("docker_ce_ubuntu_noble").architectures).toBe("amd64 arm64");
    expect(deb("ubuntu_noble_rabbitmq_erlang").sync_policy).toBe("mirror_content_only");
    expect(deb("ubuntu_noble_treasuredata_5").source).toMatchObject({ line: 166, column: 5 });
  });

  it("keeps Jinja strings as strings and !vault values opaque", async () => {
    const config = await loadConfig(dir);
    expect(config.variables["deb_package_repos_filtered"]).toBe(
      "{{ deb_package_repos | select_repos(deb_package_repo_filter, package_sync_group) }}",
    );
    const password = config.variables["dev_pulp_password"];
    expect(password).toBeInstanceOf(VaultValue);
    expect((password as VaultValue).ciphertext()).toMatch(/^\$ANSIBLE_VAULT;1\.1;AES256\n/);
    expect(JSON.stringify(config.variables)).not.toContain("ANSIBLE_VAULT");
    expect(config.variableSources["dev_pulp_password"]).toEqual({ file: "dev-pulp", path: "dev_pulp_password", line: 4, column: 1 });
    expect(config.variableSources["rpm_package_repos"]).toMatchObject({ file: "rpm-package-repos", line: 16 });
  });

  it("reports a duplicate introduced into a copy of the real files at both places", async () => {
    const copy = await mkdtemp(join(tmpdir(), "rt-config-"));
    try {
      await cp(dir, copy, { recursive: true });
      const file = join(copy, "deb-package-repos");
      const text = await readFile(file, "utf8");
      // TreasureData 5 (deb_package_repos[9], line 169) takes the short_name of the RPM Grafana entry (line 62).
      await writeFile(file, text.replace("short_name: ubuntu_noble_treasuredata_5", "short_name: grafana"));
      const error = await loadConfig(copy).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems).toEqual([
        {
          file: "deb-package-repos",
          path: "deb_package_repos[9].short_name",
          line: 169,
          column: 17,
          message: 'duplicate short_name "grafana" (also at rpm-package-repos:62:17 rpm_package_repos[5].short_name)',
        },
      ]);
    } finally {
      await rm(copy, { recursive: true, force: true });
    }
  });
});
