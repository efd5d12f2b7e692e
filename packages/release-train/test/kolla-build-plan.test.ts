// kolla-build's pure parts: plan (tag, matrix, input errors), .gitreview, kolla-build's summary,
// scan classification and the kolla-image-tags.yml rewrite.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { sharedDir } from "@release-train/test-support/shared";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { containersOf, updateKollaImageTags } from "../src/kolla-build/image-tags-file";
import { parseKollaSummary } from "../src/kolla-build/kolla-summary";
import { KollaInputError, planKollaBuild } from "../src/kolla-build/plan";
import { openstackReleaseFromGitreview } from "../src/kolla-build/release";
import { classify, reportVulnerabilities } from "../src/kolla-build/scan";

const base = { regexes: "", overcloud: true, seed: false, openstackRelease: "2025.1", timestamp: "20251124T200000" };

function problems(request: Partial<typeof base> & { distros?: string }): string[] {
  try {
    planKollaBuild({ ...base, ...request });
  } catch (error) {
    expect(error).toBeInstanceOf(KollaInputError);
    return (error as KollaInputError).problems.map((p) => `${p.input}: ${p.message}`);
  }
  throw new Error("expected the plan to be rejected");
}

describe("planKollaBuild", () => {
  it("gives every distro the run's one timestamp and a matrix entry", () => {
    const plan = planKollaBuild({ ...base, distros: "rocky-9, ubuntu-noble" });
    expect(plan.distros.map((d) => d.tag)).toEqual(["2025.1-rocky-9-20251124T200000", "2025.1-ubuntu-noble-20251124T200000"]);
    expect(plan.matrix).toEqual({
      include: [
        { distro: "rocky-9", base: "rocky", version: "9", tag: "2025.1-rocky-9-20251124T200000" },
        { distro: "ubuntu-noble", base: "ubuntu", version: "noble", tag: "2025.1-ubuntu-noble-20251124T200000" },
      ],
    });
  });

  it("defaults to the three distros and the current UTC time", () => {
    const plan = planKollaBuild({ ...base, timestamp: undefined }, () => new Date("2026-01-02T03:04:05Z"));
    expect(plan.timestamp).toBe("20260102T030405");
    expect(plan.distros.map((d) => d.name)).toEqual(["rocky-9", "ubuntu-jammy", "ubuntu-noble"]);
  });

  it("names the input of each problem, all at once", () => {
    expect(problems({ distros: "" })).toEqual(["distros: selects no distro: select at least one distribution"]);
    expect(problems({ overcloud: false, seed: false })[0]).toMatch(/^overcloud: and `seed` are both false/);
    expect(problems({ regexes: "nova (keystone" })[0]).toMatch(/^regexes: has an invalid regular expression "\(keystone"/);
    expect(problems({ timestamp: "2025-11-24" })[0]).toMatch(/^timestamp: is invalid: "2025-11-24": expected YYYYMMDDTHHMMSS/);
    expect(problems({ timestamp: "20250230T000000" })[0]).toMatch(/^timestamp: .*not a real date/);
    expect(problems({ distros: "rocky-9 centos-9" })).toEqual([
      "distros: names unknown distro \"centos-9\" (known: rocky-9, rocky-10, ubuntu-jammy, ubuntu-noble)",
    ]);
    expect(problems({ distros: "", overcloud: false, seed: false, regexes: "(" })).toHaveLength(3);
  });
});

describe("openstackReleaseFromGitreview", () => {
  it("strips stable/ and unmaintained/", () => {
    const gitreview = (branch: string) => `[gerrit]\nhost=review.opendev.org\nproject=openstack/kayobe-config.git\ndefaultbranch=${branch}\n`;
    expect(openstackReleaseFromGitreview(gitreview("stable/2025.1"))).toBe("2025.1");
    expect(openstackReleaseFromGitreview(gitreview("unmaintained/zed"))).toBe("zed");
    expect(openstackReleaseFromGitreview(gitreview("master"))).toBe("master");
    expect(() => openstackReleaseFromGitreview("[gerrit]\nhost=x\n", "kc/.gitreview")).toThrow("kc/.gitreview has no defaultbranch");
  });
});

describe("parseKollaSummary", () => {
  // As kolla_worker.summary() logs it through Python's BASIC_FORMAT.
  const text = [
    "INFO:kolla.common.utils.nova-api:Building started at 2025-11-24 20:00:01",
    "INFO:kolla.common.utils:=========================",
    "INFO:kolla.common.utils:Successfully built images",
    "INFO:kolla.common.utils:=========================",
    "INFO:kolla.common.utils:base",
    "INFO:kolla.common.utils:nova-api",
    "INFO:kolla.common.utils:===========================",
    "INFO:kolla.common.utils:Images that failed to build",
    "INFO:kolla.common.utils:===========================",
    "ERROR:kolla.common.utils:nova-compute Failed with status: error",
    "ERROR:kolla.common.utils:nova-libvirt Failed with status: parent_error (allowed to fail)",
    "INFO:kolla.common.utils:===================================",
    "INFO:kolla.common.utils:Images skipped due to build options",
    "INFO:kolla.common.utils:===================================",
    "INFO:kolla.common.utils:ironic-pxe",
  ].join("\n");

  it("reads the text summary", () => {
    expect(parseKollaSummary(text)).toEqual({
      built: ["base", "nova-api"],
      failed: [
        { name: "nova-compute", status: "error" },
        { name: "nova-libvirt", status: "parent_error" },
      ],
      skipped: ["ironic-pxe"],
      unbuildable: [],
      notMatched: [],
    });
  });

  it("prefers the JSON summary line and takes the last build's", () => {
    const json = '{"built": [{"name": "keystone"}], "failed": [{"name": "cron", "status": "error"}], "not_matched": [{"name": "x"}], "skipped": [], "unbuildable": [{"name": "y"}]}';
    expect(parseKollaSummary(`${text}\n${json}\n`)).toEqual({ built: ["keystone"], failed: [{ name: "cron", status: "error" }], skipped: [], unbuildable: ["y"], notMatched: ["x"] });
    expect(parseKollaSummary("PLAY RECAP\nnothing here")).toBeUndefined();
  });
});

describe("scan classification", () => {
  it("sorts images into clean, dirty and critical as scan-images.sh", () => {
    const report = (vulns: { VulnerabilityID: string; Severity: string; PkgName: string }[] | null) => ({ Results: [{ Target: "x", Vulnerabilities: vulns }] });
    expect(classify(reportVulnerabilities(report(null)))).toBe("clean");
    expect(classify(reportVulnerabilities({ Results: null }))).toBe("clean");
    expect(classify(reportVulnerabilities(report([{ VulnerabilityID: "CVE-1", Severity: "HIGH", PkgName: "openssl" }])))).toBe("dirty");
    expect(classify(reportVulnerabilities(report([{ VulnerabilityID: "CVE-2", Severity: "CRITICAL", PkgName: "openssl" }])))).toBe("critical");
    // Critical kernel findings make an image dirty, not critical (the script drops kernel packages).
    expect(classify(reportVulnerabilities(report([{ VulnerabilityID: "CVE-3", Severity: "CRITICAL", PkgName: "kernel-headers" }])))).toBe("dirty");
    expect(() => reportVulnerabilities({ Results: "nope" })).toThrow("not an array");
  });
});

describe("updateKollaImageTags", () => {
  const source = [
    "---",
    "# Dict of Kolla image tags to deploy for each service.",
    "kolla_image_tags:",
    "  openstack:",
    "    rocky-9: 2025.1-rocky-9-20250101T000000",
    "    ubuntu-noble: 2025.1-ubuntu-noble-20250101T000000",
    "  nova:",
    "    rocky-9: 2025.1-rocky-9-20250201T000000",
    "  nova_api:",
    "    rocky-9: 2025.1-rocky-9-20250301T000000",
    "  ironic_dnsmasq:",
    "    rocky-9: 2025.1-rocky-9-20250201T000000",
    "",
  ].join("\n");

  it("pins the containers of a partial build and keeps comments", () => {
    const tag = "2025.1-rocky-9-20251124T200000";
    const update = updateKollaImageTags(source, [{ distro: "rocky-9", tag, images: ["base", "nova-base", "nova-api", "dnsmasq", "nova-conductor"], complete: false }]);
    const tags = (parse(update.text) as { kolla_image_tags: Record<string, Record<string, string>> }).kolla_image_tags;
    expect(tags["nova_api"]!["rocky-9"]).toBe(tag);
    expect(tags["ironic_dnsmasq"]!["rocky-9"]).toBe(tag);
    expect(tags["nova_conductor"]!["rocky-9"]).toBe(tag);
    expect(tags["nova_super_conductor"]!["rocky-9"]).toBe(tag);
    expect(tags["nova"]!["rocky-9"]).toBe("2025.1-rocky-9-20250201T000000");
    expect(tags["base"]).toBeUndefined();
    expect(update.text).toContain("# Dict of Kolla image tags");
    expect(Object.keys(tags)[0]).toBe("openstack");
    expect(update.changes).toContainEqual({ prefix: "nova_api", distro: "rocky-9", from: "2025.1-rocky-9-20250301T000000", to: tag });
  });

  it("moves openstack for a complete build and drops the pins it supersedes", () => {
    const tag = "2025.1-rocky-9-20251124T200000";
    const update = updateKollaImageTags(source, [{ distro: "rocky-9", tag, images: ["base", "nova-api", "nova-compute", "dnsmasq"], complete: true }]);
    const tags = (parse(update.text) as { kolla_image_tags: Record<string, Record<string, string>> }).kolla_image_tags;
    expect(tags).toEqual({ openstack: { "rocky-9": tag, "ubuntu-noble": "2025.1-ubuntu-noble-20250101T000000" } });
    // Idempotent: a second run changes nothing.
    expect(updateKollaImageTags(update.text, [{ distro: "rocky-9", tag, images: ["nova-api"], complete: true }]).changed).toBe(false);
  });

  it("maps images to containers with kayobe-config's exceptions", () => {
    expect(containersOf("haproxy")).toEqual(["glance_tls_proxy", "haproxy", "neutron_tls_proxy"]);
    expect(containersOf("nova-compute-ironic")).toEqual(["nova_compute_ironic"]);
    expect(containersOf("openstack-base")).toEqual([]);
  });

  it("keeps the real file's layout when updating it", () => {
    const dir = sharedDir();
    if (!dir) return void console.warn("skipped: ../shared is absent (kayobe-config/kolla-image-tags.yml)");
    const real = readFileSync(join(dir, "kayobe-config/kolla-image-tags.yml"), "utf8");
    const tag = "2023.1-ubuntu-jammy-20261201T120000";
    const update = updateKollaImageTags(real, [{ distro: "ubuntu-jammy", tag, images: ["keystone", "keystone-fernet"], complete: false }]);
    const before = real.split("\n");
    const after = update.text.split("\n");
    // Only the keystone value changes; one new prefix (keystone_fernet) is inserted in order.
    expect(after.length).toBe(before.length + 2);
    expect(after.filter((l) => !before.includes(l))).toEqual([`    ubuntu-jammy: ${tag}`, "  keystone_fernet:", `    ubuntu-jammy: ${tag}`]);
    // keystone has rocky-9 and ubuntu-jammy lines; keystone_fernet follows them.
    expect(after.indexOf("  keystone_fernet:")).toBe(after.indexOf("  keystone:") + 3);
  });
});
