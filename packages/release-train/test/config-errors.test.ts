// Every kind of configuration problem, each with its file, YAML path and line:column, all at once.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  allPackageRepos,
  checkSelected,
  type ConfigProblem,
  ConfigError,
  entryProblems,
  formatGithubAnnotations,
  formatProblems,
  loadConfig,
  VaultValue,
} from "../src/config";

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function configDir(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "rt-config-"));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), text);
  }
  return dir;
}

const RPM = `---
rpm_package_repos:
  - name: Grafana
    url: https://rpm.grafana.com
    base_path: grafana/oss/rpm/
    short_name: grafana
    sync_group: grafana
    distribution_name: grafana-
`;
const DEB = `deb_package_repos:
  - name: Ubuntu jammy
    url: http://archive.ubuntu.com/ubuntu
    architectures: amd64
    components: main   restricted
    distributions: jammy jammy-updates
    mode: verbatim
    base_path: ubuntu/jammy/
    short_name: ubuntu_jammy
    sync_group: ubuntu_jammy
    distribution_name: ubuntu-jammy-
`;

async function problemsOf(files: Record<string, string>): Promise<ConfigProblem[]> {
  const error = await loadConfig(await configDir(files)).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return (error as ConfigError).problems;
}

describe("loadConfig", () => {
  it("loads a minimal valid configuration with defaults", async () => {
    const config = await loadConfig(await configDir({ "rpm-package-repos": RPM, "deb-package-repos": DEB }));
    expect(config.rpm).toEqual([
      {
        kind: "rpm",
        name: "Grafana",
        url: "https://rpm.grafana.com",
        policy: "immediate",
        sync_policy: "mirror_complete",
        base_path: "grafana/oss/rpm/",
        short_name: "grafana",
        sync_group: "grafana",
        distribution_name: "grafana-",
        sync: true,
        publish: true,
        source: { file: "rpm-package-repos", path: "rpm_package_repos[0]", line: 3, column: 5 },
      },
    ]);
    expect(config.deb[0]).toMatchObject({ components: "main restricted", mirror: true, mode: "verbatim" });
  });

  it("reads files with no extension, .yml/.yaml and subdirectories, skipping hidden and other files", async () => {
    const config = await loadConfig(
      await configDir({
        "rpm-package-repos": RPM,
        "sub/deb.yml": DEB,
        "extra.yaml": "one: 1\n",
        ".hidden": "broken: [",
        "notes.md": "# not: yaml: [",
        "backup~": "broken: [",
      }),
    );
    expect(config.deb).toHaveLength(1);
    expect(config.variableSources["deb_package_repos"]?.file).toBe("sub/deb.yml");
    expect(config.variables["one"]).toBe(1);
  });

  it("tolerates !vault, !unsafe and unknown tags, reads YAML 1.1 booleans like Ansible", async () => {
    const config = await loadConfig(
      await configDir({
        "rpm-package-repos": RPM.replace("distribution_name: grafana-", "distribution_name: grafana-\n    publish: no"),
        "deb-package-repos": DEB,
        secrets: "pw: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  6162\nraw: !unsafe '{{ x }}'\nodd: !custom thing\n",
      }),
    );
    expect(config.rpm[0]?.publish).toBe(false);
    expect(config.variables["pw"]).toBeInstanceOf(VaultValue);
    expect(String(config.variables["pw"])).toBe("<vault>");
    expect(config.variables["raw"]).toBe("{{ x }}");
    expect(config.variables["odd"]).toBe("thing");
  });

  it("reports YAML syntax errors and duplicate keys with their position", async () => {
    const problems = await problemsOf({
      "rpm-package-repos": RPM,
      "deb-package-repos": DEB,
      broken: "a: 1\nb: [1, 2\nc: 3\n",
      twice: "x: 1\ny: 2\nx: 3\n",
    });
    expect(problems.map((p) => [p.file, p.line, p.column])).toEqual([
      ["broken", 3, 1],
      ["twice", 3, 1],
    ]);
    expect(problems[0]?.message).toMatch(/^YAML: /);
    expect(problems[1]?.message).toMatch(/unique/i);
  });

  it("reports a file that is not a mapping", async () => {
    const problems = await problemsOf({ "rpm-package-repos": RPM, "deb-package-repos": DEB, list: "# c\n- a\n- b\n" });
    expect(problems).toEqual([
      { file: "list", path: "", line: 2, column: 1, message: "a vars file must be a mapping of variable names to values" },
    ]);
  });

  it("reports a variable defined in two files at the second, naming the first", async () => {
    const problems = await problemsOf({
      "rpm-package-repos": RPM,
      "deb-package-repos": `${DEB}package_sync_group: ""\n`,
      "package-repos": "---\n# comment\npackage_sync_group: \"\"\n",
    });
    expect(problems).toEqual([
      {
        file: "package-repos",
        path: "package_sync_group",
        line: 3,
        column: 1,
        message: 'variable "package_sync_group" is also defined at deb-package-repos:12:1 package_sync_group; define it in one file only',
      },
    ]);
  });

  it("reports each invalid field of each entry at its own line, all at once", async () => {
    const rpm = `rpm_package_repos:
  - name: A
    url: ftp://example.com/a
    policy: sometimes
    sync_policy: 5
    base_path: /a/
    short_name: a-b
    sync_group: g
    distribution_name: a-
    sync_polcy: mirror_complete
  - name: B
    base_path: b/
    short_name: b
    distribution_name: b-
    sync: "yes please"
  - name: C
    base_path: c/
    short_name: c
    sync_group: g
    distribution_name: c-
    sync: false
`;
    const problems = await problemsOf({ "rpm-package-repos": rpm, "deb-package-repos": DEB });
    const summary = problems.map((p) => `${p.line}:${p.column} ${p.path}: ${p.message}`);
    expect(summary).toEqual([
      "3:10 rpm_package_repos[0].url: must be an http(s) or file URL",
      "4:13 rpm_package_repos[0].policy: must be one of immediate, on_demand, streamed, got string \"sometimes\"",
      "5:18 rpm_package_repos[0].sync_policy: must be one of additive, mirror_complete, mirror_content_only, got number 5",
      "6:16 rpm_package_repos[0].base_path: must be relative (no leading /)",
      "7:17 rpm_package_repos[0].short_name: must contain only letters, digits and underscores",
      expect.stringMatching(/^10:5 rpm_package_repos\[0\]\.sync_polcy: unknown field "sync_polcy" \(known fields: base_path, /),
      // Missing fields point at the entry that lacks them.
      "11:5 rpm_package_repos[1].sync_group: is required",
      "15:11 rpm_package_repos[1].sync: must be a boolean, got string \"yes please\"",
    ]);
    expect(problems.every((p) => p.file === "rpm-package-repos")).toBe(true);
  });

  it("requires url unless sync is false", async () => {
    const rpm = RPM.replace("    url: https://rpm.grafana.com\n", "");
    const problems = await problemsOf({ "rpm-package-repos": rpm, "deb-package-repos": DEB });
    expect(problems).toEqual([
      { file: "rpm-package-repos", path: "rpm_package_repos[0].url", line: 3, column: 5, message: "is required unless sync is false" },
    ]);
    const config = await loadConfig(
      await configDir({ "rpm-package-repos": `${rpm}    sync: false\n`, "deb-package-repos": DEB }),
    );
    expect(config.rpm[0]?.url).toBeUndefined();
  });

  it("validates Deb-specific fields", async () => {
    const deb = DEB.replace("mode: verbatim", "mode: flat").replace("components: main   restricted", "components: [main]");
    const problems = await problemsOf({ "rpm-package-repos": RPM, "deb-package-repos": deb });
    expect(problems.map((p) => `${p.path}@${p.line}: ${p.message}`)).toEqual([
      "deb_package_repos[0].components@5: must be a string, got a list",
      "deb_package_repos[0].mode@7: must be one of verbatim, simple, structured, simple_and_structured, got string \"flat\"",
    ]);
  });

  it("a synced Deb entry without distributions is that entry's problem, at its file:line (defect 6)", async () => {
    const deb = DEB.replace("    distributions: jammy jammy-updates\n", "");
    const dir = await configDir({ "rpm-package-repos": RPM, "deb-package-repos": deb });
    // The rest of the configuration stays usable; the entry carries the problem.
    const config = await loadConfig(dir);
    expect(entryProblems(allPackageRepos(config)).map((p) => `${p.file}:${p.line} ${p.path}: ${p.message}`)).toEqual([
      'deb-package-repos:2 deb_package_repos[0].distributions: is required unless sync is false (the dists to sync, e.g. "jammy jammy-updates")',
    ]);
    expect(() => checkSelected(dir, config.deb)).toThrow(ConfigError);
    expect(() => checkSelected(dir, config.rpm)).not.toThrow();
    const unsynced = await loadConfig(await configDir({ "rpm-package-repos": RPM, "deb-package-repos": `${deb}    sync: false\n` }));
    expect(unsynced.deb[0]?.problems).toBeUndefined();
  });

  it("evaluates {{ var }} and {{ var | default(...) }} from the directory's variables (defect 5)", async () => {
    const rpm = RPM.replace("url: https://rpm.grafana.com", 'url: "{{ grafana_mirror }}/oss/rpm"')
      .replace("name: Grafana", 'name: "{{ prefix | default(\'Upstream\') }} Grafana"')
      .replace("sync_group: grafana", "sync_group: \"{{ group_name | default(short, true) }}\"");
    const vars = 'grafana_mirror: "{{ mirror_root }}/grafana"\nmirror_root: https://mirror.example\nshort: grafana\ngroup_name: ""\n';
    const config = await loadConfig(await configDir({ "rpm-package-repos": rpm, "deb-package-repos": DEB, mirrors: vars }));
    expect(config.rpm[0]).toMatchObject({ url: "https://mirror.example/grafana/oss/rpm", name: "Upstream Grafana", sync_group: "grafana" });
  });

  it("reports any other Jinja in an entry field at its file:line, before anything is written (defect 5)", async () => {
    const rpm = RPM.replace("url: https://rpm.grafana.com", 'url: "{{ grafana_mirror | regex_replace(\'x\', \'y\') }}"')
      .replace("name: Grafana", 'name: "{{ undefined_prefix }} Grafana"')
      .replace("base_path: grafana/oss/rpm/", 'base_path: "{% if x %}a{% endif %}"');
    const problems = await problemsOf({ "rpm-package-repos": rpm, "deb-package-repos": DEB, mirrors: "grafana_mirror: https://m/\n" });
    expect(problems.map((p) => `${p.file}:${p.line} ${p.path}: ${p.message}`)).toEqual([
      'rpm-package-repos:3 rpm_package_repos[0].name: "{{ undefined_prefix }}": variable "undefined_prefix" is not defined in this directory',
      "rpm-package-repos:4 rpm_package_repos[0].url: \"{{ grafana_mirror | regex_replace('x', 'y') }}\" is not supported here: only {{ variable }} and {{ variable | default(...) }} are evaluated",
      'rpm-package-repos:5 rpm_package_repos[0].base_path: Jinja statements and comments ({% %}, {# #}) are not supported here: "{% if x %}a{% endif %}"',
    ]);
  });

  it("reports duplicate short_name, base_path, name and distribution_name across RPM and Deb", async () => {
    const deb = `${DEB}  - name: Grafana
    url: https://apt.grafana.com
    base_path: grafana/oss/rpm/
    short_name: grafana
    sync_group: grafana
    distribution_name: grafana-
`;
    const problems = await problemsOf({ "rpm-package-repos": RPM, "deb-package-repos": deb });
    expect(problems).toEqual([
      expect.objectContaining({ path: "deb_package_repos[1].name", line: 12, column: 11, message: 'duplicate name "Grafana" (also at rpm-package-repos:3:11 rpm_package_repos[0].name)' }),
      {
        file: "deb-package-repos",
        path: "deb_package_repos[1].base_path",
        line: 14,
        column: 16,
        message: 'duplicate base_path "grafana/oss/rpm/" (also at rpm-package-repos:5:16 rpm_package_repos[0].base_path)',
      },
      {
        file: "deb-package-repos",
        path: "deb_package_repos[1].short_name",
        line: 15,
        column: 17,
        message: 'duplicate short_name "grafana" (also at rpm-package-repos:6:17 rpm_package_repos[0].short_name)',
      },
      expect.objectContaining({ path: "deb_package_repos[1].distribution_name", line: 17, column: 24 }),
    ]);
  });

  it("ignores distribution_name of unpublished entries when checking duplicates", async () => {
    const rpm = `${RPM}  - name: Grafana old
    url: https://rpm.grafana.com/old
    base_path: grafana/old/
    short_name: grafana_old
    sync_group: grafana
    distribution_name: grafana-
    publish: false
`;
    const config = await loadConfig(await configDir({ "rpm-package-repos": rpm, "deb-package-repos": DEB }));
    expect(config.rpm.map((r) => r.short_name)).toEqual(["grafana", "grafana_old"]);
  });

  it("reports a duplicate together with the other problems of an invalid entry", async () => {
    const rpm = `${RPM}  - name: Grafana again
    url: 12
    base_path: grafana/oss/rpm/
    short_name: grafana_again
    sync_group: grafana
    distribution_name: grafana-again-
`;
    const problems = await problemsOf({ "rpm-package-repos": rpm, "deb-package-repos": DEB });
    expect(problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
      "rpm_package_repos[1].url: must be a string, got number 12",
      'rpm_package_repos[1].base_path: duplicate base_path "grafana/oss/rpm/" (also at rpm-package-repos:5:16 rpm_package_repos[0].base_path)',
    ]);
  });

  it("reports missing lists and lists that are not lists", async () => {
    const missing = await problemsOf({ "rpm-package-repos": RPM });
    expect(missing).toEqual([
      { file: "", path: "deb_package_repos", line: 1, column: 1, message: '"deb_package_repos" is not defined in any file' },
    ]);
    // Not claimed missing when a file that could define it does not parse.
    const unparsable = await problemsOf({ "rpm-package-repos": RPM, "deb-package-repos": "deb_package_repos: [\n" });
    expect(unparsable.map((p) => p.message)).toEqual([expect.stringMatching(/^YAML: /)]);
    const jinja = await problemsOf({
      "rpm-package-repos": RPM,
      "deb-package-repos": '---\ndeb_package_repos: "{{ other_list }}"\n',
    });
    expect(jinja).toEqual([
      { file: "deb-package-repos", path: "deb_package_repos", line: 2, column: 20, message: "must be a list of repositories, got string" },
    ]);
  });

  it("reports an entry that is not a mapping", async () => {
    const problems = await problemsOf({
      "rpm-package-repos": RPM,
      "deb-package-repos": "deb_package_repos:\n  - just a string\n",
    });
    expect(problems).toEqual([
      { file: "deb-package-repos", path: "deb_package_repos[0]", line: 2, column: 5, message: 'must be a mapping, got string "just a string"' },
    ]);
  });

  it("rejects a directory that does not exist", async () => {
    const error = await loadConfig("/nonexistent/release-train-config").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems[0]?.message).toBe(
      'configuration directory "/nonexistent/release-train-config" does not exist or is not a directory',
    );
  });

  it("collects problems from every file before failing", async () => {
    const problems = await problemsOf({
      "rpm-package-repos": RPM.replace("short_name: grafana", "short_name: graf ana"),
      "deb-package-repos": DEB.replace("mode: verbatim", "mode: 1"),
      broken: "x: [\n",
    });
    expect(new Set(problems.map((p) => p.file))).toEqual(new Set(["rpm-package-repos", "deb-package-repos", "broken"]));
  });
});

describe("problem formatting", () => {
  const error = new ConfigError("/cfg", [
    { file: "rpm-package-repos", path: "rpm_package_repos[3].base_path", line: 40, column: 16, message: "duplicate base_path \"a, b\"\n100%" },
    { file: "broken", path: "", line: 2, column: 1, message: "YAML: bad" },
  ]);

  it("prints file:line:column: path: message, sorted", () => {
    expect(formatProblems(error, "/")).toBe(
      [
        "cfg/broken:2:1: YAML: bad",
        'cfg/rpm-package-repos:40:16: rpm_package_repos[3].base_path: duplicate base_path "a, b"\n100%',
      ].join("\n"),
    );
    expect(formatProblems(error, "/elsewhere")).toContain("/cfg/broken:2:1: YAML: bad");
  });

  it("prints GitHub error annotations with escaped properties and data", () => {
    expect(formatGithubAnnotations(error, "/").split("\n")).toEqual([
      "::error file=cfg/broken,line=2,col=1,title=Invalid release-train configuration::YAML: bad",
      '::error file=cfg/rpm-package-repos,line=40,col=16,title=Invalid release-train configuration::rpm_package_repos[3].base_path: duplicate base_path "a, b"%0A100%25',
    ]);
  });
});
