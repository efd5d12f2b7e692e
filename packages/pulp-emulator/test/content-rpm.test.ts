import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ChecksumMismatchError,
  createArtifactStore,
  fetchOnDemand,
  MIRROR_INCOMPATIBLE_MESSAGE,
  materializePublication,
  publishRpm,
  publishRpmMirror,
  type RpmPackageUnit,
  syncRpm,
} from "../src/content";
import { decompressByName } from "../src/content/compression";
import { parsePrimaryPackage, parseRepomd, pkgidOf, splitPackages } from "../src/content/rpm-metadata";
import { buildRpmRepo, type ServedDirectory, serveDirectory, writeRpmMetadata } from "../src/fixtures";
import { run } from "../src/run-tool";

const work = mkdtempSync(join(tmpdir(), "content-rpm-test-"));
const upstreamDir = join(work, "upstream");
let server: ServedDirectory;
const sha256File = (p: string) => createHash("sha256").update(readFileSync(p)).digest("hex");
const newStore = (name: string) => createArtifactStore(join(work, name));
const packageRequests = () => server.requests.filter((r) => r.path.endsWith(".rpm"));

const PACKAGES = [
  { name: "Alpha", version: "1.0", files: ["/usr/share/alpha/a.txt", "/usr/share/alpha/b.txt"] },
  { name: "bravo", version: "2.1", release: "3" },
  { name: "charlie", version: "0.9", epoch: 2 },
];

beforeAll(async () => {
  await buildRpmRepo(upstreamDir, PACKAGES, { revision: "100" });
  server = await serveDirectory(upstreamDir);
});
afterAll(async () => {
  await server?.stop();
  rmSync(work, { recursive: true, force: true });
});

/** Parse a repository's repodata the way a client would, checking every checksum and size. */
function readRepo(dir: string) {
  const repomd = parseRepomd(readFileSync(join(dir, "repodata/repomd.xml"), "utf8"));
  const docs: Record<string, string> = {};
  for (const r of repomd.records) {
    const packed = readFileSync(join(dir, r.location_href));
    expect(createHash(r.checksum_type).update(packed).digest("hex")).toBe(r.checksum);
    expect(packed.byteLength).toBe(r.size);
    const open = gunzipSync(packed);
    expect(createHash(r.open_checksum_type!).update(open).digest("hex")).toBe(r.open_checksum);
    expect(open.byteLength).toBe(r.open_size);
    docs[r.type] = open.toString("utf8");
  }
  const primary = splitPackages(docs["primary"]!).map(parsePrimaryPackage);
  const idsOf = (xml: string) => splitPackages(xml).map((f) => pkgidOf(f)).sort();
  return { repomd, primary, filelists: idsOf(docs["filelists"]!), other: idsOf(docs["other"]!), docs };
}

describe("syncRpm", () => {
  it("immediate: parses the repository and stores verified packages and metadata", async () => {
    const artifacts = newStore("immediate");
    const progress: string[] = [];
    const result = await syncRpm(
      { url: server.url, policy: "immediate" },
      { artifacts, download: true, onProgress: (p) => progress.push(p.code) },
    );
    const units = result.units as RpmPackageUnit[];
    expect(units.map((u) => u.rpm.name).sort()).toEqual(["Alpha", "bravo", "charlie"]);
    expect(result.mirrorIncompatible).toBeUndefined();
    for (const unit of units) {
      const file = join(upstreamDir, unit.relative_path);
      expect(unit.sha256).toBe(sha256File(file));
      expect(unit.downloaded).toBe(true);
      expect(artifacts.has(unit.sha256!)).toBe(true);
      expect(unit.xml.primary).toContain(`<name>${unit.rpm.name}</name>`);
      expect(pkgidOf(unit.xml.filelists)).toBe(unit.rpm.pkgId);
      expect(pkgidOf(unit.xml.other)).toBe(unit.rpm.pkgId);
    }
    expect(units.find((u) => u.rpm.name === "charlie")!.rpm.epoch).toBe("2");
    expect(units.find((u) => u.rpm.name === "Alpha")!.xml.filelists).toContain("/usr/share/alpha/b.txt");
    expect(result.metadata.revision).toBe(sha256File(join(upstreamDir, "repodata/repomd.xml")));
    const repomd = result.metadata.files.find((f) => f.relative_path === "repodata/repomd.xml")!;
    expect(readFileSync(artifacts.path(repomd.sha256!))).toEqual(readFileSync(join(upstreamDir, "repodata/repomd.xml")));
    expect(result.metadata.files).toHaveLength(4); // repomd + primary/filelists/other
    expect(progress).toContain("sync.downloading.artifacts");
  });

  it("on_demand: downloads no packages until fetchOnDemand, which verifies them", async () => {
    const artifacts = newStore("on-demand");
    const before = packageRequests().length;
    const result = await syncRpm({ url: server.url, policy: "on_demand" }, { artifacts, download: false });
    expect(packageRequests().length).toBe(before);
    const units = result.units as RpmPackageUnit[];
    expect(units.every((u) => !u.downloaded && !artifacts.has(u.sha256!))).toBe(true);
    const bravo = units.find((u) => u.rpm.name === "bravo")!;
    const sha = await fetchOnDemand(bravo, { url: server.url }, artifacts);
    expect(sha).toBe(sha256File(join(upstreamDir, bravo.relative_path)));
    expect(artifacts.has(sha)).toBe(true);
    expect(packageRequests().length).toBe(before + 1);
    await fetchOnDemand(bravo, { url: server.url }, artifacts); // now served from the store
    expect(packageRequests().length).toBe(before + 1);
  });

  it("rejects a package whose bytes do not match the metadata", async () => {
    const dir = join(work, "corrupt");
    const built = await buildRpmRepo(dir, [{ name: "delta", version: "1" }]);
    writeFileSync(join(dir, built[0]!.relative_path), "not an rpm");
    const corrupt = await serveDirectory(dir);
    try {
      const artifacts = newStore("corrupt-store");
      await expect(syncRpm({ url: corrupt.url }, { artifacts, download: true })).rejects.toBeInstanceOf(ChecksumMismatchError);
      const lazy = await syncRpm({ url: corrupt.url }, { artifacts, download: false });
      await expect(fetchOnDemand(lazy.units[0] as RpmPackageUnit, { url: corrupt.url }, artifacts)).rejects.toThrow(/mismatch/);
    } finally {
      await corrupt.stop();
    }
  });

  it("revision changes with the metadata while content stays the same", async () => {
    const dir = join(work, "retouch");
    await buildRpmRepo(dir, [{ name: "echo", version: "1" }], { revision: "1" });
    const srv = await serveDirectory(dir);
    try {
      const artifacts = newStore("retouch-store");
      const a = await syncRpm({ url: srv.url }, { artifacts, download: false });
      const same = await syncRpm({ url: srv.url }, { artifacts, download: false });
      await writeRpmMetadata(dir, { revision: "2" });
      const b = await syncRpm({ url: srv.url }, { artifacts, download: false });
      expect(same.metadata.revision).toBe(a.metadata.revision);
      expect(b.metadata.revision).not.toBe(a.metadata.revision);
      expect(b.units.map((u) => u.natural_key)).toEqual(a.units.map((u) => u.natural_key));
    } finally {
      await srv.stop();
    }
  });

  it("flags repositories that mirror_complete cannot mirror (xml:base locations)", async () => {
    const dir = join(work, "xmlbase");
    await buildRpmRepo(dir, [{ name: "foxtrot", version: "1" }], { baseUrl: server.url });
    const srv = await serveDirectory(dir);
    try {
      const result = await syncRpm({ url: srv.url }, { artifacts: newStore("xmlbase-store"), download: false });
      expect(result.mirrorIncompatible).toBe(MIRROR_INCOMPATIBLE_MESSAGE);
      const unit = result.units[0] as RpmPackageUnit;
      expect(unit.rpm.location_base).toBe(server.url);
      expect(unit.source_url).toBe(`${server.url}${unit.relative_path}`);
    } finally {
      await srv.stop();
    }
  });

  it("handles sha1 repositories: verifies with sha1, publishes with sha256 pkgids", async () => {
    const dir = join(work, "sha1");
    await buildRpmRepo(dir, PACKAGES.slice(0, 2), { checksum: "sha1" });
    const srv = await serveDirectory(dir);
    try {
      const artifacts = newStore("sha1-store");
      const lazy = await syncRpm({ url: srv.url }, { artifacts, download: false });
      const unit = lazy.units[0] as RpmPackageUnit;
      expect(unit.rpm.checksum_type).toBe("sha1");
      expect(unit.sha256).toBeUndefined();
      expect(await fetchOnDemand(unit, { url: srv.url }, artifacts)).toBe(sha256File(join(dir, unit.relative_path)));

      const result = await syncRpm({ url: srv.url }, { artifacts, download: true });
      const files = await publishRpm(result.units, { artifacts });
      const out = join(work, "sha1-published");
      await materializePublication(files, artifacts, out);
      const repo = readRepo(out);
      for (const p of repo.primary) {
        expect(p.checksum_type).toBe("sha256");
        expect(p.pkgId).toBe(sha256File(join(out, p.location_href)));
      }
      expect(repo.filelists).toEqual(repo.primary.map((p) => p.pkgId).sort());
      expect(repo.other).toEqual(repo.filelists);
    } finally {
      await srv.stop();
    }
  });

  it("flags delta RPM metadata (prestodelta) and still mirrors the other files", async () => {
    const dir = join(work, "presto");
    await buildRpmRepo(dir, [{ name: "hotel", version: "1" }]);
    const delta = gzipSync('<?xml version="1.0" encoding="UTF-8"?>\n<prestodelta>\n</prestodelta>\n');
    const sum = createHash("sha256").update(delta).digest("hex");
    writeFileSync(join(dir, `repodata/${sum}-prestodelta.xml.gz`), delta);
    const repomdPath = join(dir, "repodata/repomd.xml");
    const record = `  <data type="prestodelta">\n    <checksum type="sha256">${sum}</checksum>\n    <location href="repodata/${sum}-prestodelta.xml.gz"/>\n    <size>${delta.byteLength}</size>\n  </data>\n</repomd>`;
    writeFileSync(repomdPath, readFileSync(repomdPath, "utf8").replace("</repomd>", record));
    const srv = await serveDirectory(dir);
    try {
      const result = await syncRpm({ url: srv.url }, { artifacts: newStore("presto-store"), download: false });
      expect(result.mirrorIncompatible).toBe(MIRROR_INCOMPATIBLE_MESSAGE);
      expect(result.units).toHaveLength(1);
      expect(result.metadata.files.map((f) => f.relative_path)).toContain(`repodata/${sum}-prestodelta.xml.gz`);
    } finally {
      await srv.stop();
    }
  });

  it("flags package locations outside the repository", async () => {
    const dir = join(work, "outside", "repo");
    await buildRpmRepo(dir, [{ name: "golf", version: "1" }], { locationPrefix: "../elsewhere/" });
    const srv = await serveDirectory(join(work, "outside"));
    try {
      const result = await syncRpm({ url: `${srv.url}repo/` }, { artifacts: newStore("outside-store"), download: false });
      expect(result.mirrorIncompatible).toBe(MIRROR_INCOMPATIBLE_MESSAGE);
      expect((result.units[0] as RpmPackageUnit).source_url).toBe(`${srv.url}elsewhere/Packages/golf-1-1.noarch.rpm`);
    } finally {
      await srv.stop();
    }
  });

  it("decompresses zstd metadata (createrepo_c here cannot write it)", async () => {
    const xml = readFileSync(join(upstreamDir, "repodata/repomd.xml"));
    const packed = await run("zstd", ["-q", "-c", join(upstreamDir, "repodata/repomd.xml")]);
    expect(packed.equals(xml)).toBe(false);
    expect((await decompressByName("x-primary.xml.zst", packed)).equals(xml)).toBe(true);
  });

  it.each(["xz", "bz2"] as const)("reads %s-compressed metadata", async (compression) => {
    const dir = join(work, `compressed-${compression}`);
    await buildRpmRepo(dir, PACKAGES.slice(0, 2), { compression });
    const srv = await serveDirectory(dir);
    try {
      const result = await syncRpm({ url: srv.url }, { artifacts: newStore(`${compression}-store`), download: true });
      const units = result.units as RpmPackageUnit[];
      expect(units.map((u) => u.rpm.name).sort()).toEqual(["Alpha", "bravo"]);
      expect(units.every((u) => u.sha256 === sha256File(join(dir, u.relative_path)))).toBe(true);
      expect(result.metadata.files.some((f) => f.relative_path.endsWith(`primary.xml.${compression}`))).toBe(true);
    } finally {
      await srv.stop();
    }
  });

  it("syncs over TLS with a client certificate, CA and basic auth", async () => {
    const pki = join(work, "pki");
    execFileSync("mkdir", ["-p", pki]);
    const ssl = (...args: string[]) => execFileSync("openssl", args, { cwd: pki, stdio: "pipe" });
    ssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-subj", "/CN=Fixture CA", "-days", "2");
    for (const [name, ext] of [
      ["server", "subjectAltName=IP:127.0.0.1"],
      ["client", "extendedKeyUsage=clientAuth"],
    ] as const) {
      ssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", `/CN=${name}`);
      writeFileSync(join(pki, `${name}.ext`), `${ext}\n`);
      ssl("x509", "-req", "-in", `${name}.csr`, "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", `${name}.pem`, "-days", "2", "-extfile", `${name}.ext`);
    }
    const pem = (f: string) => readFileSync(join(pki, f), "utf8");
    const srv = await serveDirectory(upstreamDir, {
      tls: { cert: pem("server.pem"), key: pem("server.key"), ca: pem("ca.pem"), requireClientCert: true },
      basicAuth: { username: "ark", password: "s3cret" },
    });
    try {
      const remote = {
        url: srv.url,
        ca_cert: pem("ca.pem"),
        client_cert: pem("client.pem"),
        client_key: pem("client.key"),
        username: "ark",
        password: "s3cret",
      };
      const result = await syncRpm(remote, { artifacts: newStore("tls-store"), download: true });
      expect(result.units).toHaveLength(3);
      expect(srv.requests.every((r) => r.clientCertSubject === "client")).toBe(true);
      // Only the optional signature files are missing upstream.
      expect(srv.requests.filter((r) => r.status !== 200).map((r) => r.path)).toEqual([
        "/repodata/repomd.xml.asc",
        "/repodata/repomd.xml.key",
      ]);
      const noCert = syncRpm({ ...remote, client_cert: null, client_key: null }, { artifacts: newStore("tls-2"), download: false });
      await expect(noCert).rejects.toThrow();
      const badPassword = syncRpm({ ...remote, password: "wrong" }, { artifacts: newStore("tls-3"), download: false });
      await expect(badPassword).rejects.toThrow(/401/);
      await expect(badPassword).rejects.not.toThrow(/wrong/);
    } finally {
      await srv.stop();
    }
  });
});

describe("publishRpm", () => {
  it("generates repodata equivalent to createrepo_c's, with Packages/<letter>/ layout", async () => {
    const artifacts = newStore("publish");
    const result = await syncRpm({ url: server.url }, { artifacts, download: true });
    const files = await publishRpm(result.units, { artifacts, timestamp: 1_700_000_000 });
    const out = join(work, "published");
    await materializePublication(files, artifacts, out);
    const ours = readRepo(out);
    expect(ours.repomd.revision).toBe("1700000000");
    expect(ours.primary.map((p) => p.location_href).sort()).toEqual([
      "Packages/a/Alpha-1.0-1.noarch.rpm",
      "Packages/b/bravo-2.1-3.noarch.rpm",
      "Packages/c/charlie-0.9-1.noarch.rpm",
    ]);
    // Every listed package is a real RPM at its location with the listed checksum.
    for (const p of ours.primary) {
      const path = join(out, p.location_href);
      expect(sha256File(path)).toBe(p.pkgId);
      const nevra = execFileSync("rpm", ["-qp", "--qf", "%{NAME}-%{EPOCHNUM}:%{VERSION}-%{RELEASE}", path]).toString();
      expect(nevra).toBe(`${p.name}-${p.epoch}:${p.version}-${p.release}`);
    }
    expect(ours.filelists).toEqual(ours.primary.map((p) => p.pkgId).sort());
    expect(ours.other).toEqual(ours.filelists);

    // createrepo_c over the same published packages must describe them identically.
    const reference = join(work, "reference");
    await materializePublication(files.filter((f) => f.relative_path.endsWith(".rpm")), artifacts, reference);
    await run("createrepo_c", ["--quiet", "--no-database", reference]);
    const theirs = readRepo(reference);
    const strip = (p: ReturnType<typeof parsePrimaryPackage>) => ({ ...p, time_file: 0 });
    const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
    expect(ours.primary.map(strip).sort(byName)).toEqual(theirs.primary.map(strip).sort(byName));
    expect(ours.filelists).toEqual(theirs.filelists);
  });

  it("publishes on-demand packages as units and is deterministic for a fixed timestamp", async () => {
    const artifacts = newStore("publish-lazy");
    const result = await syncRpm({ url: server.url, policy: "on_demand" }, { artifacts, download: false });
    const a = await publishRpm(result.units, { artifacts, timestamp: 5 });
    const b = await publishRpm(result.units, { artifacts, timestamp: 5 });
    expect(a).toEqual(b);
    const pkgs = a.filter((f) => f.relative_path.startsWith("Packages/"));
    expect(pkgs).toHaveLength(3);
    expect(pkgs.every((f) => f.unit && !f.sha256)).toBe(true);
    const out = join(work, "published-lazy");
    await materializePublication(a, artifacts, out, { url: server.url });
    expect(readRepo(out).primary).toHaveLength(3);
  });

  it("mirror publication serves upstream metadata bit-for-bit at upstream paths", async () => {
    const artifacts = newStore("mirror");
    const result = await syncRpm({ url: server.url }, { artifacts, download: true });
    const files = publishRpmMirror(result.metadata, result.units);
    const out = join(work, "mirror");
    const written = await materializePublication(files, artifacts, out);
    expect(written.sort()).toEqual(
      execFileSync("find", [".", "-type", "f"], { cwd: upstreamDir }).toString().trim().split("\n").map((p) => p.slice(2)).sort(),
    );
    for (const rel of written) expect(sha256File(join(out, rel))).toBe(sha256File(join(upstreamDir, rel)));
  });
});
