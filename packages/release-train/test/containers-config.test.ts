// The Kolla image configuration read from the real release-train `kolla` file, and the image
// repository names derived as dev-pulp-containers / test-pulp-containers derive them.
import { join } from "node:path";
import { describeWithShared, sharedDir } from "@release-train/test-support/shared";
import { expect, it } from "vitest";
import type { ConfigError } from "../src/config/errors";
import { baseDistros, loadKollaConfig, selectImageRepos } from "../src/containers/config";

describeWithShared("Kolla configuration (../shared/release-train-config/kolla)", () => {
  const dir = () => join(sharedDir()!, "release-train-config");

  it("reads the images, unbuildable lists, distros and scheme switches unchanged", async () => {
    const c = await loadKollaConfig(dir());
    expect(c.images).toHaveLength(147);
    expect(c.defaultDistros).toEqual(["centos", "ubuntu", "rocky"]);
    expect(c.unbuildable.old_scheme["rocky"]).toContain("prometheus-server");
    expect(c.unbuildable.new_scheme).toContain("kibana");
    expect([c.syncOldImages, c.syncNewImages]).toEqual([true, true]);
    expect(baseDistros(c)).toEqual(["centos", "ubuntu", "rocky"]);
    expect(baseDistros(c, "rocky ubuntu")).toEqual(["rocky", "ubuntu"]);
  });

  it("old scheme <distro>-source-<image> per distro minus unbuildable, then new scheme <image>", async () => {
    const c = await loadKollaConfig(dir());
    const all = selectImageRepos(c);
    // 147 images per distro minus 5 (centos), 5 (ubuntu), 10 (rocky) unbuildable; new: 147 − 5 listed ones present.
    expect(all.filter((i) => i.scheme === "old")).toHaveLength(142 + 142 + 137);
    expect(all.filter((i) => i.scheme === "new")).toHaveLength(142);
    expect(all.map((i) => i.name)).toContain("rocky-source-nova-api");
    expect(all.map((i) => i.name)).not.toContain("rocky-source-kibana");
    expect(all.map((i) => i.name)).not.toContain("kibana");
    const nova = selectImageRepos(c, { filter: "^nova-api$ ^glance", distros: "rocky", syncOldImages: true, syncNewImages: false });
    expect(nova.map((i) => i.name)).toEqual(["rocky-source-glance-api", "rocky-source-glance-base", "rocky-source-nova-api"]);
    let problem: unknown;
    try {
      selectImageRepos(c, { distros: "debian" });
    } catch (e) {
      problem = (e as ConfigError).problems[0];
    }
    expect(problem).toMatchObject({ file: "kolla", path: "kolla_unbuildable_images.old_scheme", message: expect.stringMatching(/no entry for base distro\(s\) debian/) });
  });
});
