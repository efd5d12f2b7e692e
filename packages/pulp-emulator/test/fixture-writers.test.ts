// The project's own .rpm/.deb and repository-metadata writers (what `pnpm start` uses), checked
// against the real tools: rpm reads, verifies and installs the packages, createrepo_c makes the
// same metadata from them, dpkg-deb reads the debs and apt-ftparchive indexes them alike.
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { field, parseDeb822, releaseChecksums } from "../src/content/deb822";
import { digest } from "../src/content/checksum";
import { parseRepomd } from "../src/content/rpm-metadata";
import { buildDebRepo, buildFlatDebRepo, buildRpmRepo, debPoolPathFor, writeDeb, writeRpm } from "../src/fixtures";

const work = mkdtempSync(join(tmpdir(), "fixture-writers-test-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const sh = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

const SPEC = {
  name: "writer-demo",
  version: "1.2",
  release: "3.el9",
  epoch: 2,
  requires: ["bash >= 4.0", "coreutils"],
  files: ["/usr/bin/writer-demo", "/etc/writer-demo.conf", "/usr/share/doc/writer-demo/README"],
};

describe("rpm-writer", () => {
  const rpm = writeRpm(SPEC);
  const file = join(work, "writer-demo-1.2-3.el9.noarch.rpm");
  mkdirSync(work, { recursive: true });
  execFileSync("sh", ["-c", 'cat > "$0"', file], { input: rpm.data });

  it("is byte-identical for the same spec", () => {
    expect(writeRpm(SPEC).data.equals(rpm.data)).toBe(true);
    expect(writeRpm({ ...SPEC, version: "1.3" }).data.equals(rpm.data)).toBe(false);
  });

  it("is read by rpm -qp with its name, EVR, files and dependencies", () => {
    expect(sh("rpm", ["-qp", "--qf", "%{NAME} %{EPOCH}:%{VERSION}-%{RELEASE} %{ARCH} %{LICENSE} %{SOURCERPM}", file])).toBe(
      "writer-demo 2:1.2-3.el9 noarch MIT writer-demo-1.2-3.el9.src.rpm",
    );
    expect(sh("rpm", ["-qip", file])).toMatch(/Summary\s*: Fixture package writer-demo/);
    expect(sh("rpm", ["-qlp", file]).trim().split("\n")).toEqual(SPEC.files);
    expect(sh("rpm", ["-qp", "--requires", file])).toContain("bash >= 4.0\ncoreutils\n");
    expect(sh("rpm", ["-qp", "--provides", file]).trim()).toBe("writer-demo = 2:1.2-3.el9");
  });

  it("passes rpm -K --nosignature: header SHA1/SHA256, payload SHA256, MD5", () => {
    const out = sh("rpm", ["-Kv", "--nosignature", file]);
    for (const check of ["Header SHA256 digest: OK", "Header SHA1 digest: OK", "Payload SHA256 digest: OK", "MD5 digest: OK"]) {
      expect(out).toContain(check);
    }
    const corrupt = Buffer.from(rpm.data);
    corrupt[corrupt.length - 30]! ^= 0xff;
    const bad = join(work, "corrupt.rpm");
    execFileSync("sh", ["-c", 'cat > "$0"', bad], { input: corrupt });
    expect(() => sh("rpm", ["-K", "--nosignature", bad])).toThrow();
  });

  it("installs with rpm into a fresh root, files and digests verified", () => {
    const root = join(work, "root");
    sh("rpm", ["--root", root, "--initdb"]);
    sh("rpm", ["--root", root, "-i", "--nodeps", file]);
    expect(readFileSync(join(root, "usr/bin/writer-demo"), "utf8")).toBe("writer-demo /usr/bin/writer-demo\n");
    // -V checks every file's size, mode, digest and owner against the header (dependencies aside).
    sh("rpm", ["--root", root, "-V", "--nodeps", "writer-demo"]);
  });

  it("writes repodata element for element as createrepo_c does for the same packages", async () => {
    const ours = join(work, "repo-builtin");
    const theirs = join(work, "repo-createrepo");
    const packages = [SPEC, { name: "alpha", version: "1.0" }];
    await buildRpmRepo(ours, packages, { tools: "builtin", revision: "7" });
    rmSync(theirs, { recursive: true, force: true });
    cpSync(join(ours, "Packages"), join(theirs, "Packages"), { recursive: true });
    sh("createrepo_c", ["--quiet", "--no-database", theirs]);
    const doc = (dir: string, type: string) => {
      const rec = parseRepomd(readFileSync(join(dir, "repodata/repomd.xml"), "utf8")).records.find((r) => r.type === type)!;
      const xml = gunzipSync(readFileSync(join(dir, rec.location_href))).toString("utf8");
      expect(digest("sha256", readFileSync(join(dir, rec.location_href)))).toBe(rec.checksum);
      // Only <time file> differs: createrepo_c takes the file's mtime, we the build time.
      return xml.replace(/<time file="\d+"/g, '<time file="T"').trimEnd();
    };
    for (const type of ["primary", "filelists", "other"]) expect(doc(ours, type)).toBe(doc(theirs, type));
    expect(parseRepomd(readFileSync(join(ours, "repodata/repomd.xml"), "utf8")).revision).toBe("7");
  });

  it("supports checksum, location prefix and xml:base like createrepo_c", async () => {
    const dir = join(work, "repo-options");
    await buildRpmRepo(dir, [{ name: "bravo", version: "1" }], { tools: "builtin", checksum: "sha512", locationPrefix: "../x/", baseUrl: "http://example.test/" });
    const rec = parseRepomd(readFileSync(join(dir, "repodata/repomd.xml"), "utf8")).records.find((r) => r.type === "primary")!;
    expect(rec.checksum_type).toBe("sha512");
    const xml = gunzipSync(readFileSync(join(dir, rec.location_href))).toString("utf8");
    expect(xml).toContain('<location xml:base="http://example.test/" href="../x/Packages/bravo-1-1.noarch.rpm"/>');
    expect(xml).toContain(`<checksum type="sha512" pkgid="YES">${digest("sha512", readFileSync(join(dir, "Packages/bravo-1-1.noarch.rpm")))}</checksum>`);
    await expect(buildRpmRepo(dir, [], { tools: "builtin", compression: "xz" })).rejects.toThrow(/gz only/);
  });
});

describe("builtin writers on a machine with no system tools", () => {
  it("build RPM and Deb repositories with an empty PATH (what pnpm start relies on)", () => {
    const dir = join(work, "no-path");
    const script = `
      import { buildRpmRepo, buildDebRepo } from ${JSON.stringify(join(import.meta.dirname, "../src/fixtures/index.ts"))};
      await buildRpmRepo(${JSON.stringify(join(dir, "rpm"))}, [{ name: "a", version: "1" }], { tools: "builtin" });
      await buildDebRepo(${JSON.stringify(join(dir, "deb"))}, { tools: "builtin", dists: [{ name: "d", components: [{ name: "main", packages: [{ name: "b", version: "1" }] }] }] });
    `;
    execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { env: { PATH: "" }, stdio: "pipe" });
    expect(readdirSync(join(dir, "rpm/Packages"))).toEqual(["a-1-1.noarch.rpm"]);
    expect(readdirSync(join(dir, "deb/dists/d/main/binary-amd64")).sort()).toEqual(["Packages", "Packages.gz"]);
  });
});

describe("deb-writer", () => {
  const spec = { name: "writer-deb", version: "1:2.0-1", arch: "amd64", depends: "libc6 (>= 2.31)" };

  it("is read by dpkg-deb -I/-c/-x and is byte-identical for the same spec", async () => {
    const deb = await writeDeb(spec);
    expect((await writeDeb(spec)).equals(deb)).toBe(true);
    const file = join(work, "writer-deb_2.0-1_amd64.deb");
    execFileSync("sh", ["-c", 'cat > "$0"', file], { input: deb });
    expect(sh("dpkg-deb", ["-f", file, "Package", "Version", "Architecture", "Depends"])).toBe(
      "Package: writer-deb\nVersion: 1:2.0-1\nArchitecture: amd64\nDepends: libc6 (>= 2.31)\n",
    );
    expect(sh("dpkg-deb", ["-I", file])).toContain("new Debian package, version 2.0.");
    const listing = sh("dpkg-deb", ["-c", file]);
    expect(listing).toMatch(/-rw-r--r-- root\/root\s+19 2025-01-01 00:00 \.\/usr\/share\/doc\/writer-deb\/README/);
    expect(listing).toMatch(/drwxr-xr-x root\/root\s+0 2025-01-01 00:00 \.\/usr\/share\/doc\/writer-deb\//);
    const into = join(work, "deb-x");
    sh("dpkg-deb", ["-x", file, into]);
    expect(readFileSync(join(into, "usr/share/doc/writer-deb/README"), "utf8")).toBe("writer-deb 1:2.0-1\n");
  });

  it("indexes a repository as apt-ftparchive does, with a Release whose checksums hold", async () => {
    const dir = join(work, "deb-repo");
    const packages = [spec, { name: "other", version: "0.1" }];
    await buildDebRepo(dir, { tools: "builtin", revision: "9", dists: [{ name: "jammy", components: [{ name: "main", packages }] }] });
    const ours = parseDeb822(readFileSync(join(dir, "dists/jammy/main/binary-amd64/Packages"), "utf8"));
    const theirs = parseDeb822(execFileSync("apt-ftparchive", ["packages", "pool"], { cwd: dir, encoding: "utf8" }));
    const norm = (s: (typeof ours)[number]) => Object.fromEntries(s.map(([k, v]) => [k, k === "Filename" ? v.replace(/^.*pool\//, "pool/") : v]));
    const byName = (list: typeof ours) => list.map(norm).sort((a, b) => String(a["Package"]).localeCompare(String(b["Package"])));
    expect(byName(ours)).toEqual(byName(theirs));
    expect(ours.map((s) => field(s, "Filename"))).toContain(debPoolPathFor("main", spec));

    const release = parseDeb822(readFileSync(join(dir, "dists/jammy/Release"), "utf8"))[0]!;
    expect(field(release, "Description")).toBe("fixture 9");
    expect(field(release, "Architectures")).toBe("amd64");
    for (const [path, entry] of releaseChecksums(release, "SHA256")) {
      const data = readFileSync(join(dir, "dists/jammy", path));
      expect([digest("sha256", data), data.byteLength]).toEqual([entry.checksum, entry.size]);
    }
  });

  it("writes a flat repository", async () => {
    const dir = join(work, "flat");
    await buildFlatDebRepo(dir, [{ name: "kilo", version: "3.0" }], { tools: "builtin" });
    expect(readdirSync(dir).sort()).toEqual(["Packages", "Packages.gz", "Release", "kilo_3.0_all.deb"]);
    expect(field(parseDeb822(readFileSync(join(dir, "Packages"), "utf8"))[0]!, "Filename")).toBe("./kilo_3.0_all.deb");
    await expect(buildFlatDebRepo(dir, [], { tools: "builtin", index: ["xz"] })).rejects.toThrow(/not xz/);
  });
});
