import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { field, parseDeb822 } from "../src/content/deb822";
import { parseRepomd, parsePrimaryPackage, splitPackages } from "../src/content/rpm-metadata";
import { buildDebPackage, buildDebRepo, buildRpmPackage, buildRpmRepo, serveDirectory, writeRpmMetadata } from "../src/fixtures";

const work = mkdtempSync(join(tmpdir(), "fixtures-test-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const primaryOf = (dir: string) => {
  const repomd = parseRepomd(readFileSync(join(dir, "repodata/repomd.xml"), "utf8"));
  const rec = repomd.records.find((r) => r.type === "primary")!;
  return { repomd, packages: splitPackages(gunzipSync(readFileSync(join(dir, rec.location_href))).toString()).map(parsePrimaryPackage) };
};

describe("RPM fixtures", () => {
  it("builds real packages with rpmbuild and caches them by spec", async () => {
    const spec = { name: "fixture-cache", version: "1.2", release: "3", files: ["/usr/share/fixture-cache/a.txt"] };
    const first = await buildRpmPackage(spec);
    const second = await buildRpmPackage(spec);
    expect(second).toBe(first);
    const info = execFileSync("rpm", ["-qp", "--qf", "%{NAME} %{VERSION} %{RELEASE} %{ARCH}", first]).toString();
    expect(info).toBe("fixture-cache 1.2 3 noarch");
    expect(execFileSync("rpm", ["-qlp", first]).toString().trim()).toBe("/usr/share/fixture-cache/a.txt");
  });

  it("makes a createrepo_c repository that follows the package list and revision", async () => {
    const dir = join(work, "rpm");
    await buildRpmRepo(dir, [
      { name: "alpha", version: "1.0" },
      { name: "beta", version: "2.0", release: "5", epoch: 1 },
    ]);
    let { packages } = primaryOf(dir);
    expect(packages.map((p) => `${p.name}-${p.epoch}:${p.version}-${p.release}`).sort()).toEqual(["alpha-0:1.0-1", "beta-1:2.0-5"]);
    expect(packages.every((p) => p.location_href.startsWith("Packages/"))).toBe(true);

    await buildRpmRepo(dir, [{ name: "alpha", version: "1.1" }], { revision: "42" });
    ({ packages } = primaryOf(dir));
    expect(packages.map((p) => p.version)).toEqual(["1.1"]);
    expect(readdirSync(join(dir, "Packages"))).toEqual(["alpha-1.1-1.noarch.rpm"]);

    const before = readFileSync(join(dir, "repodata/repomd.xml"), "utf8");
    await writeRpmMetadata(dir, { revision: "43" });
    const after = primaryOf(dir);
    expect(after.repomd.revision).toBe("43");
    expect(before).not.toBe(readFileSync(join(dir, "repodata/repomd.xml"), "utf8"));
    expect(after.packages.map((p) => p.pkgId)).toEqual(packages.map((p) => p.pkgId));
  });
});

describe("Deb fixtures", () => {
  it("builds .debs with dpkg-deb and an apt-ftparchive repository", async () => {
    const deb = await buildDebPackage({ name: "gamma", version: "1.0-1", arch: "amd64" });
    expect(execFileSync("dpkg-deb", ["-f", deb, "Package", "Version", "Architecture"]).toString()).toBe(
      "Package: gamma\nVersion: 1.0-1\nArchitecture: amd64\n",
    );
    const dir = join(work, "deb");
    await buildDebRepo(dir, {
      dists: [
        {
          name: "jammy",
          components: [
            { name: "main", packages: [{ name: "gamma", version: "1.0-1", arch: "amd64" }, { name: "delta", version: "2.0" }] },
            { name: "universe", packages: [{ name: "epsilon", version: "0.1" }] },
          ],
        },
        { name: "focal", components: [{ name: "main", packages: [{ name: "gamma", version: "0.9-1", arch: "amd64" }] }] },
      ],
    });
    const release = parseDeb822(readFileSync(join(dir, "dists/jammy/Release"), "utf8"))[0]!;
    expect(field(release, "Components")).toBe("main universe");
    expect(field(release, "Architectures")).toBe("amd64");
    expect(field(release, "SHA256")).toContain("main/binary-amd64/Packages.gz");
    const main = parseDeb822(readFileSync(join(dir, "dists/jammy/main/binary-amd64/Packages"), "utf8"));
    expect(main.map((s) => field(s, "Package")).sort()).toEqual(["delta", "gamma"]);
    const focal = parseDeb822(readFileSync(join(dir, "dists/focal/main/binary-amd64/Packages"), "utf8"));
    expect(focal.map((s) => `${field(s, "Package")} ${field(s, "Version")}`)).toEqual(["gamma 0.9-1"]);
    expect(field(focal[0]!, "Filename")).toBe("pool/main/g/gamma/gamma_0.9-1_amd64.deb");
  });
});

describe("serveDirectory", () => {
  it("serves files on 127.0.0.1, logs requests, refuses traversal and checks basic auth", async () => {
    const dir = join(work, "rpm");
    const server = await serveDirectory(dir, { basicAuth: { username: "u", password: "p" } });
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const auth = { authorization: `Basic ${Buffer.from("u:p").toString("base64")}` };
      const ok = await fetch(`${server.url}repodata/repomd.xml`, { headers: auth });
      expect(ok.status).toBe(200);
      expect(await ok.text()).toBe(readFileSync(join(dir, "repodata/repomd.xml"), "utf8"));
      expect((await fetch(`${server.url}repodata/repomd.xml`)).status).toBe(401);
      expect((await fetch(`${server.url}missing`, { headers: auth })).status).toBe(404);
      expect((await fetch(`${server.url}..%2f..%2fetc/passwd`, { headers: auth })).status).toBe(404);
      expect(server.requests.map((r) => [r.path, r.status])).toEqual([
        ["/repodata/repomd.xml", 200],
        ["/repodata/repomd.xml", 401],
        ["/missing", 404],
        ["/../../etc/passwd", 404],
      ]);
    } finally {
      await server.stop();
    }
  });
});
