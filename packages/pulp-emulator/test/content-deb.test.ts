import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createArtifactStore,
  type DebPackageReleaseComponentUnit,
  type DebPackageUnit,
  fetchOnDemand,
  materializePublication,
  publishDebApt,
  publishDebVerbatim,
  syncDeb,
} from "../src/content";
import { field, parseDeb822 } from "../src/content/deb822";
import { run } from "../src/run-tool";
import { buildDebRepo, buildFlatDebRepo, type DebRepoSpec, type ServedDirectory, serveDirectory } from "../src/fixtures";

const work = mkdtempSync(join(tmpdir(), "content-deb-test-"));
const upstreamDir = join(work, "upstream");
let server: ServedDirectory;
const sha256File = (p: string) => createHash("sha256").update(readFileSync(p)).digest("hex");
const newStore = (name: string) => createArtifactStore(join(work, name));
const debs = (units: { pulp_type: string }[]) => units.filter((u): u is DebPackageUnit => u.pulp_type === "deb.package");
const prcs = (units: { pulp_type: string }[]) =>
  units.filter((u): u is DebPackageReleaseComponentUnit => u.pulp_type === "deb.package_release_component");

const SPEC: DebRepoSpec = {
  dists: [
    {
      name: "jammy",
      components: [
        {
          name: "main",
          packages: [
            { name: "golf", version: "1.0-1", arch: "amd64" },
            { name: "hotel", version: "2.0" },
          ],
        },
        { name: "universe", packages: [{ name: "india", version: "0.1-2", arch: "amd64" }] },
      ],
    },
    {
      name: "noble",
      components: [{ name: "main", packages: [{ name: "golf", version: "1.1-1", arch: "amd64" }, { name: "hotel", version: "2.0" }] }],
    },
  ],
};

beforeAll(async () => {
  await buildDebRepo(upstreamDir, SPEC);
  server = await serveDirectory(upstreamDir);
});
afterAll(async () => {
  await server?.stop();
  rmSync(work, { recursive: true, force: true });
});

/**
 * Run apt-get with a private config/state dir (no system files touched). Async: the upstream
 * server runs in this process, so a blocking exec would deadlock.
 */
async function aptGet(name: string, sourcesLine: string, ...args: string[]): Promise<{ out: string; dir: string }> {
  const root = join(work, `apt-${name}`);
  for (const d of ["state/lists/partial", "cache/archives/partial", "parts", "download"]) mkdirSync(join(root, d), { recursive: true });
  writeFileSync(join(root, "sources.list"), `${sourcesLine}\n`);
  writeFileSync(join(root, "status"), "");
  const opts = {
    "Dir::Etc::sourcelist": join(root, "sources.list"),
    "Dir::Etc::sourceparts": join(root, "parts"),
    "Dir::Etc::preferencesparts": join(root, "parts"),
    "Dir::State": join(root, "state"),
    "Dir::State::status": join(root, "status"),
    "Dir::Cache": join(root, "cache"),
    "APT::Architecture": "amd64",
    "APT::Architectures": "amd64",
    "APT::Sandbox::User": "root",
    "Acquire::Languages": "none",
    "Debug::NoLocking": "1",
  };
  const flags = Object.entries(opts).flatMap(([k, v]) => ["-o", `${k}=${v}`]);
  const out = (await run("apt-get", [...flags, "-q", ...args], { cwd: join(root, "download") })).toString();
  return { out, dir: join(root, "download") };
}

describe("syncDeb", () => {
  it("immediate: reads Release and Packages per dist/component/arch and stores verified debs", async () => {
    const artifacts = newStore("immediate");
    const codes = new Set<string>();
    const result = await syncDeb(
      { url: server.url, distributions: "jammy noble", policy: "immediate" },
      { artifacts, download: true, onProgress: (p) => codes.add(p.code) },
    );
    const packages = debs(result.units);
    expect(packages.map((u) => `${u.package}_${u.version}`).sort()).toEqual(["golf_1.0-1", "golf_1.1-1", "hotel_2.0", "india_0.1-2"]);
    for (const u of packages) {
      expect(u.sha256).toBe(sha256File(join(upstreamDir, u.relative_path)));
      expect(artifacts.has(u.sha256!)).toBe(true);
      expect(u.control).toMatch(new RegExp(`^Package: ${u.package}\\n`));
    }
    // hotel is in two dists: one package, two placements.
    expect(prcs(result.units).map((p) => `${p.distribution}/${p.component}/${p.package_key.split("/")[3]}`).sort()).toEqual([
      "jammy/main/golf",
      "jammy/main/hotel",
      "jammy/universe/india",
      "noble/main/golf",
      "noble/main/hotel",
    ]);
    const paths = result.metadata.files.map((f) => f.relative_path);
    expect(paths).toContain("dists/jammy/Release");
    expect(paths).toContain("dists/noble/main/binary-amd64/Packages.gz");
    expect(codes).toEqual(new Set(["update.release_file", "update.packageindex", "sync.downloading.artifacts"]));
  });

  it("honours remote components/architectures and on_demand", async () => {
    const artifacts = newStore("on-demand");
    const before = server.requests.filter((r) => r.path.endsWith(".deb")).length;
    const result = await syncDeb(
      { url: server.url, distributions: "jammy", components: "universe", architectures: "amd64", policy: "on_demand" },
      { artifacts, download: false },
    );
    const [india] = debs(result.units);
    expect(debs(result.units)).toHaveLength(1);
    expect(india!.downloaded).toBe(false);
    expect(server.requests.filter((r) => r.path.endsWith(".deb")).length).toBe(before);
    const sha = await fetchOnDemand(india!, { url: server.url }, artifacts);
    expect(sha).toBe(sha256File(join(upstreamDir, india!.relative_path)));
  });

  it("revision follows the Release files", async () => {
    const dir = join(work, "retouch");
    const spec: DebRepoSpec = { dists: [{ name: "stable", components: [{ name: "main", packages: [{ name: "juliet", version: "1" }] }] }] };
    await buildDebRepo(dir, { ...spec, revision: "1" });
    const srv = await serveDirectory(dir);
    try {
      const sync = () => syncDeb({ url: srv.url, distributions: "stable" }, { artifacts: newStore("retouch-store"), download: false });
      const a = await sync();
      expect((await sync()).metadata.revision).toBe(a.metadata.revision);
      await buildDebRepo(dir, { ...spec, revision: "2" });
      const b = await sync();
      expect(b.metadata.revision).not.toBe(a.metadata.revision);
      expect(b.units.map((u) => u.natural_key)).toEqual(a.units.map((u) => u.natural_key));
    } finally {
      await srv.stop();
    }
  });
});

describe("upstream quirks", () => {
  it("skips index variants that Release lists but the server lacks, and reads InRelease-only dists", async () => {
    const dir = join(work, "quirks");
    await buildDebRepo(dir, { dists: [{ name: "stable", components: [{ name: "main", packages: [{ name: "mike", version: "1" }] }] }] });
    rmSync(join(dir, "dists/stable/main/binary-amd64/Packages")); // as archive.ubuntu.com does
    const release = readFileSync(join(dir, "dists/stable/Release"), "utf8");
    writeFileSync(
      join(dir, "dists/stable/InRelease"),
      `-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\n${release.trimEnd()}\n-----BEGIN PGP SIGNATURE-----\n\nfake\n-----END PGP SIGNATURE-----\n`,
    );
    rmSync(join(dir, "dists/stable/Release"));
    const srv = await serveDirectory(dir);
    try {
      const result = await syncDeb({ url: srv.url, distributions: "stable" }, { artifacts: newStore("quirks-store"), download: true });
      expect(debs(result.units).map((u) => u.package)).toEqual(["mike"]);
      expect(result.metadata.files.map((f) => f.relative_path)).toEqual([
        "dists/stable/InRelease",
        "dists/stable/main/binary-amd64/Packages.gz",
      ]);
    } finally {
      await srv.stop();
    }
  });
});

describe("flat repositories", () => {
  it("syncs a flat repository (parsing Packages.xz) and publishes it verbatim and as apt", async () => {
    const dir = join(work, "flat");
    await buildFlatDebRepo(dir, [{ name: "kilo", version: "3.0" }, { name: "lima", version: "1.0", arch: "amd64" }], { index: ["plain", "xz"] });
    const srv = await serveDirectory(dir);
    try {
      const artifacts = newStore("flat-store");
      const result = await syncDeb({ url: srv.url, distributions: "/" }, { artifacts, download: true });
      expect(debs(result.units).map((u) => u.relative_path).sort()).toEqual(["kilo_3.0_all.deb", "lima_1.0_amd64.deb"]);
      expect(result.metadata.files.map((f) => f.relative_path)).toEqual(["Packages", "Packages.xz", "Release"]);
      const verbatim = join(work, "flat-verbatim");
      await materializePublication(publishDebVerbatim(result.metadata, result.units), artifacts, verbatim);
      const out = await serveDirectory(verbatim);
      try {
        await aptGet("flat", `deb [trusted=yes] ${out.url} ./`, "update");
        const { dir: got } = await aptGet("flat", `deb [trusted=yes] ${out.url} ./`, "download", "kilo", "lima");
        expect(readdirSync(got).sort()).toEqual(["kilo_3.0_all.deb", "lima_1.0_amd64.deb"]);
      } finally {
        await out.stop();
      }
      const apt = await publishDebApt(result.units, { artifacts, simple: true });
      expect(apt.map((f) => f.relative_path)).toContain("dists/default/all/binary-amd64/Packages.gz");
    } finally {
      await srv.stop();
    }
  });
});

describe("deb publications", () => {
  it("structured apt publication works with apt-get update/download", async () => {
    const artifacts = newStore("apt");
    const result = await syncDeb({ url: server.url, distributions: "jammy noble" }, { artifacts, download: true });
    const files = await publishDebApt(result.units, { artifacts, structured: true });
    const out = join(work, "published-structured");
    await materializePublication(files, artifacts, out);
    const release = parseDeb822(readFileSync(join(out, "dists/jammy/Release"), "utf8"))[0]!;
    expect(field(release, "Components")).toBe("main universe");
    expect(files.map((f) => f.relative_path)).toContain("pool/universe/i/india/india_0.1-2_amd64.deb");
    const srv = await serveDirectory(out);
    try {
      const { out: update } = await aptGet("structured", `deb [trusted=yes] ${srv.url} jammy main universe`, "update");
      expect(update).not.toMatch(/^(W|E):/m);
      const { dir } = await aptGet("structured", `deb [trusted=yes] ${srv.url} jammy main universe`, "download", "golf", "india", "hotel");
      const got = readdirSync(dir).sort();
      expect(got).toEqual(["golf_1.0-1_amd64.deb", "hotel_2.0_all.deb", "india_0.1-2_amd64.deb"]);
      expect(execFileSync("dpkg-deb", ["-f", join(dir, "india_0.1-2_amd64.deb"), "Package", "Version"]).toString()).toBe("Package: india\nVersion: 0.1-2\n");
    } finally {
      await srv.stop();
    }
  });

  it("simple apt publication (dist default, component all) from on-demand units", async () => {
    const artifacts = newStore("apt-simple");
    const result = await syncDeb({ url: server.url, distributions: "noble", policy: "on_demand" }, { artifacts, download: false });
    const files = await publishDebApt(result.units, { artifacts, simple: true, date: new Date(0) });
    expect(files.filter((f) => f.unit).map((f) => f.relative_path)).toEqual([
      "pool/all/g/golf/golf_1.1-1_amd64.deb",
      "pool/all/h/hotel/hotel_2.0_all.deb",
    ]);
    const out = join(work, "published-simple");
    await materializePublication(files, artifacts, out, { url: server.url });
    const srv = await serveDirectory(out);
    try {
      await aptGet("simple", `deb [trusted=yes] ${srv.url} default all`, "update");
      const { dir } = await aptGet("simple", `deb [trusted=yes] ${srv.url} default all`, "download", "golf");
      expect(readdirSync(dir)).toEqual(["golf_1.1-1_amd64.deb"]);
    } finally {
      await srv.stop();
    }
  });

  it("verbatim publication serves upstream files as-is", async () => {
    const artifacts = newStore("verbatim");
    const result = await syncDeb({ url: server.url, distributions: "jammy noble" }, { artifacts, download: true });
    const files = publishDebVerbatim(result.metadata, result.units);
    const out = join(work, "published-verbatim");
    const written = await materializePublication(files, artifacts, out);
    for (const rel of written) expect(sha256File(join(out, rel))).toBe(sha256File(join(upstreamDir, rel)));
    expect(written).toContain("dists/noble/Release");
    const srv = await serveDirectory(out);
    try {
      await aptGet("verbatim", `deb [trusted=yes] ${srv.url} noble main`, "update");
      const { dir } = await aptGet("verbatim", `deb [trusted=yes] ${srv.url} noble main`, "download", "golf");
      expect(readdirSync(dir)).toEqual(["golf_1.1-1_amd64.deb"]);
    } finally {
      await srv.stop();
    }
  });
});
