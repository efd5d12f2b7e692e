import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sharedDir } from "@release-train/test-support/shared";
import { afterEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { loadConfig } from "../../src/config";
import { ConfigError } from "../../src/config/errors";
import { imageTagsJson, kollaImageTags } from "../../src/promote/kolla/image-tags";
import { readPythonAssignment } from "../../src/promote/kolla/python-literal";
import { type KollaImageTags, parentTagName, resolveImageTags, tagOf } from "../../src/promote/kolla/resolve";
import { BUILT_IN_TABLES, tablesFromScript } from "../../src/promote/kolla/tables";

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});
async function tmp(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), "kolla-tags-"));
  dirs.push(d);
  return d;
}

const R = (d: string) => `2024.1-${d}-20250101T000000`;
const TAGS: KollaImageTags = {
  openstack: { "rocky-9": "2024.1-rocky-9-20240101T000000", "ubuntu-jammy": "2024.1-ubuntu-jammy-20240101T000000" },
  nova: { "rocky-9": "2024.1-rocky-9-20240202T000000" },
  nova_compute: { "ubuntu-jammy": "2024.1-ubuntu-jammy-20240303T000000" },
  haproxy: { "rocky-9": "2024.1-rocky-9-20240404T000000" },
  neutron: { "rocky-9": R("rocky-9"), "ubuntu-jammy": R("ubuntu-jammy") },
  neutron_mlnx_agent: { "ubuntu-jammy": "2024.1-ubuntu-jammy-20240505T000000" },
  mariadb: { "rocky-9": "2024.1-rocky-9-20240606T000000" },
};

describe("tag resolution (tools/kolla-images.py list-tags)", () => {
  it("a container's own key wins, then the longest prefix that pins the distro, else openstack", () => {
    expect(tagOf(TAGS, "ubuntu-jammy", "nova_compute", BUILT_IN_TABLES)).toBe("2024.1-ubuntu-jammy-20240303T000000");
    // nova_compute pins only ubuntu: on rocky the prefix nova applies.
    expect(tagOf(TAGS, "rocky-9", "nova_compute", BUILT_IN_TABLES)).toBe("2024.1-rocky-9-20240202T000000");
    // nova pins no ubuntu tag: nova_api falls back to openstack.
    expect(tagOf(TAGS, "ubuntu-jammy", "nova_api", BUILT_IN_TABLES)).toBe("2024.1-ubuntu-jammy-20240101T000000");
    expect(tagOf(TAGS, "rocky-9", "keystone", BUILT_IN_TABLES)).toBe("2024.1-rocky-9-20240101T000000");
  });

  it("a parent-variable exception applies when it pins the distro, else resolution continues along its prefixes", () => {
    // ironic_neutron_agent → neutron (exception), not ironic.
    const tags: KollaImageTags = { ...TAGS, ironic: { "rocky-9": "2024.1-rocky-9-20240707T000000" } };
    expect(tagOf(tags, "rocky-9", "ironic_neutron_agent", BUILT_IN_TABLES)).toBe(R("rocky-9"));
    // neutron_eswitchd → neutron_mlnx_agent on ubuntu; on rocky that key has no tag, so the prefixes
    // of "neutron_mlnx_agent" are searched: neutron.
    expect(tagOf(TAGS, "ubuntu-jammy", "neutron_eswitchd", BUILT_IN_TABLES)).toBe("2024.1-ubuntu-jammy-20240505T000000");
    expect(tagOf(TAGS, "rocky-9", "neutron_eswitchd", BUILT_IN_TABLES)).toBe(R("rocky-9"));
    expect(parentTagName(TAGS, undefined, "cron", BUILT_IN_TABLES)).toBe("openstack");
  });

  it("prefixes are plain string prefixes, as the script's startswith", () => {
    const tags: KollaImageTags = { openstack: { "rocky-9": "a" }, nov: { "rocky-9": "b" } };
    expect(tagOf(tags, "rocky-9", "nova_api", BUILT_IN_TABLES)).toBe("b");
  });

  it("images map to containers (dashes → underscores, plus the exceptions table) and collect their tags", () => {
    const result = resolveImageTags({
      images: ["nova-compute", "mariadb-server", "haproxy", "dnsmasq"],
      distros: ["rocky-9", "ubuntu-jammy"],
      tags: TAGS,
      tables: BUILT_IN_TABLES,
      unbuildable: { "ubuntu-jammy": ["dnsmasq"] },
    });
    expect(result["nova-compute"]?.byDistro).toEqual({ "rocky-9": ["2024.1-rocky-9-20240202T000000"], "ubuntu-jammy": ["2024.1-ubuntu-jammy-20240303T000000"] });
    // 2024.1's tables: mariabackup has no exception, so on rocky mariadb and mariabackup differ.
    expect(result["mariadb-server"]?.byDistro["rocky-9"]).toEqual(["2024.1-rocky-9-20240606T000000", "2024.1-rocky-9-20240101T000000"]);
    expect(result["haproxy"]?.byDistro["rocky-9"]).toEqual(["2024.1-rocky-9-20240404T000000"]);
    expect(result["dnsmasq"]?.byDistro).toEqual({ "rocky-9": ["2024.1-rocky-9-20240101T000000"] });
    expect(result["nova-compute"]?.tags).toEqual(["2024.1-rocky-9-20240202T000000", "2024.1-ubuntu-jammy-20240303T000000"]);
  });
});

describe("reading tools/kolla-images.py's tables", () => {
  it("parses annotated dict/list literals with comments and trailing commas", () => {
    const source = `X = 1\n# tables\nA: Dict[str, List[str]] = {\n    "a-b": [\n        "c_d",  # why\n        'e',\n    ],\n}\nB = ["x", "y",]\n`;
    expect(readPythonAssignment(source, "A")?.value).toEqual({ "a-b": ["c_d", "e"] });
    expect(readPythonAssignment(source, "B")).toEqual({ value: ["x", "y"], line: 9 });
    expect(readPythonAssignment(source, "C")).toBeUndefined();
  });

  it("names the file and table when the script changed shape", () => {
    expect(() => tablesFromScript("IMAGE_TO_CONTAINERS_EXCEPTIONS = {}\n", "/x/tools/kolla-images.py")).toThrow(
      /\/x\/tools\/kolla-images.py: no CONTAINER_TO_PREFIX_VAR_EXCEPTIONS table/,
    );
    expect(() => tablesFromScript("IMAGE_TO_CONTAINERS_EXCEPTIONS = {\n 'a': foo(),\n}\nCONTAINER_TO_PREFIX_VAR_EXCEPTIONS = {}", "f.py")).toThrow(
      /f.py: cannot read IMAGE_TO_CONTAINERS_EXCEPTIONS: line 2: expected a string, list or dict literal/,
    );
  });
});

async function writeCheckout(dir: string, files: Record<string, string>): Promise<string> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(dir, path, ".."), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  return dir;
}

async function configWithImages(images: string[]) {
  const dir = await tmp();
  await writeFile(join(dir, "kolla"), `---\nrpm_package_repos: []\ndeb_package_repos: []\nkolla_container_images:\n${images.map((i) => `  - ${i}`).join("\n")}\n`);
  return loadConfig(dir);
}

describe("kollaImageTags over a checkout", () => {
  it("reports every problem of kolla-image-tags.yml with file, YAML path and line, before anything else", async () => {
    const checkout = await writeCheckout(await tmp(), {
      ".gitreview": "[gerrit]\ndefaultbranch=stable/2024.1\n",
      "etc/kayobe/kolla-image-tags.yml": "---\nkolla_image_tags:\n  nova:\n    rocky-9: 2023.1-rocky-9-20240101T000000\n  Bad-Key:\n    rocky-9: 2024.1-rocky-9-20240101T000000\n",
    });
    const config = await configWithImages(["nova-api"]);
    const error = await kollaImageTags({ checkout, config }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    const messages = (error as ConfigError).problems.map((p) => `${p.file}:${p.line}: ${p.path}: ${p.message}`);
    expect(messages).toEqual([
      "etc/kayobe/kolla-image-tags.yml:3: kolla_image_tags: missing the default openstack tag",
      "etc/kayobe/kolla-image-tags.yml:4: kolla_image_tags.nova.rocky-9: tag 2023.1-rocky-9-20240101T000000 does not match 2024.1-rocky-9-YYYYMMDDTHHMMSS",
      "etc/kayobe/kolla-image-tags.yml:6: kolla_image_tags.Bad-Key: key Bad-Key does not match ^[a-z0-9_]+$",
    ]);
  });

  it("uses the built-in tables and the distros openstack pins when the checkout has no script", async () => {
    const shared = sharedDir();
    const tagsYaml = shared
      ? await readFile(join(shared, "kayobe-config/kolla-image-tags.yml"), "utf8")
      : "kolla_image_tags:\n  openstack:\n    rocky-9: 2023.1-rocky-9-20240709T132012\n    ubuntu-jammy: 2023.1-ubuntu-jammy-20240621T104542\n  ironic_dnsmasq:\n    rocky-9: 2023.1-rocky-9-20241022T090717\n";
    const checkout = await writeCheckout(await tmp(), { "etc/kayobe/kolla-image-tags.yml": tagsYaml });
    const result = await kollaImageTags({ checkout, config: await configWithImages(["dnsmasq", "keystone-base", "cron"]), filter: "dns cron" });
    expect(result.tablesSource).toMatch(/built-in/);
    expect(result.distros).toEqual(["rocky-9", "ubuntu-jammy"]);
    expect(Object.keys(result.images)).toEqual(["dnsmasq", "cron"]);
    expect(imageTagsJson(result)["dnsmasq"]?.["rocky-9"]).toBe("2023.1-rocky-9-20241022T090717");
  });
});

/** The real script, from a kayobe-config mirror, to check the resolution against. */
const MIRROR = process.env["KAYOBE_CONFIG_GIT_DIR"] ?? "/work/.mirror/stackhpc+stackhpc-kayobe-config/repo";
const BRANCHES = ["stackhpc/zed", "stackhpc/2023.1", "stackhpc/2024.1"];
const haveOracle = existsSync(MIRROR) && (() => {
  try {
    execFileSync("python3", ["-c", "import yaml"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

describe.skipIf(!haveOracle)(`agrees with the real tools/kolla-images.py list-tags (kayobe-config git dir ${MIRROR}; needs python3 + PyYAML)`, () => {
  for (const branch of BRANCHES) {
    it(`on ${branch}, for its own kolla-image-tags.yml and a stress set of pins`, async () => {
      const show = (path: string) => execFileSync("git", ["--git-dir", MIRROR, "show", `${branch}:${path}`], { encoding: "utf8", maxBuffer: 1 << 24 });
      const pulpYml = show("etc/kayobe/pulp.yml");
      const release = branch.split("/")[1] as string;
      const images = (parse(pulpYml) as { stackhpc_pulp_images_kolla: string[] }).stackhpc_pulp_images_kolla;
      const own = parse(show("etc/kayobe/kolla-image-tags.yml")) as { kolla_image_tags: KollaImageTags };
      // Stress: pin every service prefix on one distro only, plus exception targets, so every rule fires.
      const stress: KollaImageTags = { openstack: { "rocky-9": `${release}-rocky-9-20240101T000000`, "ubuntu-jammy": `${release}-ubuntu-jammy-20240101T000000` } };
      let n = 0;
      for (const key of ["nova", "nova_compute", "neutron", "neutron_mlnx_agent", "haproxy", "mariadb", "common", "ironic", "ironic_dnsmasq", "heat", "ovn", "prometheus", "prometheus_node", "opensearch", "openvswitch", "kolla"]) {
        n += 1;
        const distro = n % 2 ? "rocky-9" : "ubuntu-jammy";
        stress[key] = { [distro]: `${release}-${distro}-2024${String(n).padStart(2, "0")}01T000000` };
      }
      // zed's script checks an exception's parent for the key only (not the distro) and raises
      // KeyError on the stress set; its own pins are compared.
      for (const tags of branch === "stackhpc/zed" ? [own.kolla_image_tags] : [own.kolla_image_tags, stress]) {
        const checkout = await writeCheckout(await tmp(), {
          ".gitreview": `[gerrit]\ndefaultbranch=stable/${release}\n`,
          "tools/kolla-images.py": show("tools/kolla-images.py"),
          "etc/kayobe/pulp.yml": pulpYml,
          "etc/kayobe/kolla-image-tags.yml": `---\n${JSON.stringify({ kolla_image_tags: tags })}\n`,
        });
        const expected = parse(execFileSync("python3", ["tools/kolla-images.py", "list-tags"], { cwd: checkout, encoding: "utf8" })) as Record<string, string[]>;
        const result = await kollaImageTags({ checkout, config: await configWithImages(images) });
        expect(result.tablesSource).toBe(join(checkout, "tools/kolla-images.py"));
        const ours = Object.fromEntries(Object.entries(result.images).map(([image, r]) => [image, r.tags]));
        expect(ours).toEqual(expected);
      }
    });
  }
});
