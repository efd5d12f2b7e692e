// Real package clients (curl, dnf, apt-get) fetching guarded snapshots from the emulator through
// real nginx terminating TLS and forwarding the client certificate as pulp-certguard expects.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { debFileName, debPoolPathFor, rpmFileName } from "@release-train/pulp-emulator/fixtures";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Access, type Credential, DEB_DIST, DEB_PACKAGES, type GuardedContent, RPM_PACKAGES, startGuardedContent } from "./clients-fixture";

const execFileP = promisify(execFile);
const MISSING = "A client certificate was not received via the `X-CLIENT-CERT` header.";
const NOT_SIGNED = "Client certificate is not signed by the stored 'ca_certificate'.";

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a tool and returns its exit code and output instead of throwing. */
async function run(cmd: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<Run> {
  try {
    const { stdout, stderr } = await execFileP(cmd, args, { ...options, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number | string; stdout?: string; stderr?: string };
    if (typeof e.code !== "number") throw error;
    return { code: e.code, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

async function available(cmd: string): Promise<boolean> {
  return (await run("sh", ["-c", `command -v ${cmd}`])).code === 0;
}

const sha256 = async (path: string) => createHash("sha256").update(await readFile(path)).digest("hex");

const [hasDnf, hasApt] = await Promise.all([available("dnf"), available("apt-get")]);
const skipNote = (tool: string, ok: boolean) => (ok ? tool : `${tool} — SKIPPED: ${tool} is not installed here (.ci/run installs it)`);
// dnf refuses transactions (even --downloadonly) unless run as root; makecache works for anyone.
const isRoot = process.getuid?.() === 0;
const rootNote = (name: string) => (isRoot ? name : `${name} — SKIPPED: dnf install needs root`);

describe("package clients through real nginx against guarded emulator content", () => {
  let g: GuardedContent;
  beforeAll(async () => {
    g = await startGuardedContent();
  }, 180_000);
  afterAll(async () => {
    await g?.stop();
  });

  const cred = (who: "none" | "build" | "client"): Credential | undefined => (who === "none" ? undefined : g[who]);
  const upstreamRpm = (name: string) => {
    const spec = RPM_PACKAGES.find((p) => p.name === name)!;
    return join(g.upstreams.root, "rocky", "Packages", rpmFileName(spec));
  };
  const upstreamDeb = (name: string) => {
    const spec = DEB_PACKAGES.find((p) => p.name === name)!;
    return join(g.upstreams.root, "ubuntu", debPoolPathFor("main", spec));
  };

  describe("curl", () => {
    /** status, the status line's reason and the body, verifying the proxy against the release CA. */
    async function curl(url: string, who: "none" | "build" | "client") {
      const c = cred(who);
      const args = ["-sS", "-i", "--cacert", g.caFile, ...(c ? ["--cert", c.cert, "--key", c.key] : []), url];
      const { stdout, code } = await run("curl", args);
      expect(code).toBe(0);
      const split = stdout.indexOf("\r\n\r\n");
      const statusLine = /^HTTP\/[\d.]+ (\d{3}) ?(.*)$/m.exec(stdout.slice(0, split))!;
      return { status: Number(statusLine[1]), reason: statusLine[2]!.trim(), body: stdout.slice(split + 4) };
    }

    const expected: Record<Access, Record<"none" | "build" | "client", string | null>> = {
      open: { none: null, build: null, client: null },
      development: { none: MISSING, build: null, client: NOT_SIGNED },
      release: { none: MISSING, build: null, client: null },
    };
    const cases = (Object.keys(expected) as Access[]).flatMap((access) =>
      (["none", "build", "client"] as const).map((who) => {
        const denied = expected[access][who];
        return { access, who, denied, outcome: denied ? `403 ${denied}` : "200" };
      }),
    );

    it.each(cases)("$access distribution, $who certificate → $outcome", async ({ access, who, denied }) => {
      for (const [kind, path, marker] of [
        ["rpm", "repodata/repomd.xml", "<repomd"],
        ["deb", `dists/${DEB_DIST}/Release`, `Codename: ${DEB_DIST}`],
      ] as const) {
        const res = await curl(`${g.url(kind, access)}${path}`, who);
        if (denied) {
          // Pulp's reason survives the proxy in both the status line and aiohttp's body.
          expect({ status: res.status, reason: res.reason, body: res.body }).toEqual({ status: 403, reason: denied, body: `403: ${denied}` });
        } else {
          expect(res.status).toBe(200);
          expect(res.body).toContain(marker);
        }
      }
    });

    it("downloads packages bit-for-bit through the proxy", async () => {
      const out = join(g.dir, "curl");
      await mkdir(out, { recursive: true });
      const rpm = rpmFileName(RPM_PACKAGES[0]!);
      const deb = DEB_PACKAGES[0]!;
      const fetched = [
        [`${g.url("rpm", "release")}Packages/${rpm[0]}/${rpm}`, upstreamRpm(RPM_PACKAGES[0]!.name)],
        [`${g.url("deb", "release")}${debPoolPathFor("main", deb)}`, upstreamDeb(deb.name)],
      ];
      for (const [url, original] of fetched) {
        const file = join(out, url!.split("/").pop()!);
        const res = await run("curl", ["-sS", "--fail", "--cacert", g.caFile, "--cert", g.client.cert, "--key", g.client.key, "-o", file, url!]);
        expect(res.stderr).toBe("");
        expect(await sha256(file)).toBe(await sha256(original!));
      }
      // Served through nginx, not around it.
      expect(g.proxy.logs().access).toMatch(/GET \/pulp\/content\/rpm-release\/Packages\/a\/alpha-1\.0-1\.noarch\.rpm HTTP\/1\.1" 200/);
    });

    it("a client's own X-CLIENT-CERT header is replaced by the proxy's", async () => {
      const forged = encodeURIComponent(await readFile(g.build.cert, "utf8"));
      const res = await run("curl", ["-sS", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", g.caFile, "-H", `X-CLIENT-CERT: ${forged}`, `${g.url("rpm", "development")}repodata/repomd.xml`]);
      expect(res.stdout).toBe("403");
    });
  });

  describe.skipIf(!hasDnf)(skipNote("dnf", hasDnf), () => {
    /** dnf on a private installroot with only `repo` configured (no host repos or cache). */
    async function dnf(repo: { name: string; url: string; who: Credential | undefined }, args: string[]): Promise<Run & { root: string }> {
      const base = await mkdtemp(join(g.dir, "dnf-"));
      const options = [
        `--installroot=${join(base, "root")}`,
        "--releasever=9",
        `--setopt=reposdir=${join(base, "repos.d")}`,
        `--setopt=cachedir=${join(base, "cache")}`,
        "--setopt=skip_if_unavailable=False",
        "--setopt=install_weak_deps=False",
        `--repofrompath=${repo.name},${repo.url}`,
        `--setopt=${repo.name}.sslcacert=${g.caFile}`,
        `--setopt=${repo.name}.gpgcheck=0`,
        ...(repo.who ? [`--setopt=${repo.name}.sslclientcert=${repo.who.cert}`, `--setopt=${repo.name}.sslclientkey=${repo.who.key}`] : []),
        "-y",
      ];
      return { ...(await run("dnf", [...options, ...args])), root: join(base, "root") };
    }

    it.skipIf(!isRoot)(rootNote("installs packages from the release snapshot with a client certificate"), async () => {
      const res = await dnf({ name: "release", url: g.url("rpm", "release"), who: g.client }, ["install", "alpha", "beta"]);
      expect(res.stderr + res.stdout).toMatch(/Complete!/);
      expect(res.code).toBe(0);
      for (const p of RPM_PACKAGES) expect(await readFile(join(res.root, "usr", "share", p.name, "README"), "utf8")).toContain(p.name);
      const rpmdb = await run("rpm", ["--root", res.root, "-qa", "--qf", "%{NAME}-%{VERSION}-%{RELEASE}\\n"]);
      expect(rpmdb.stdout.trim().split("\n").sort()).toEqual(["alpha-1.0-1", "beta-2.0-3"]);
    });

    it.skipIf(!isRoot)(rootNote("downloads from the development snapshot with a build certificate, identical to upstream"), async () => {
      const dest = await mkdtemp(join(g.dir, "dnf-dl-"));
      const res = await dnf({ name: "dev", url: g.url("rpm", "development"), who: g.build }, ["install", "--downloadonly", `--destdir=${dest}`, "beta"]);
      expect(res.code).toBe(0);
      const file = rpmFileName(RPM_PACKAGES[1]!);
      expect(await sha256(join(dest, file))).toBe(await sha256(upstreamRpm("beta")));
    });

    it("cannot read the development snapshot with a client certificate or none (403)", async () => {
      for (const who of [g.client, undefined]) {
        const res = await dnf({ name: "dev", url: g.url("rpm", "development"), who }, ["makecache"]);
        expect(res.code).not.toBe(0);
        expect(res.stderr).toMatch(/Status code: 403 for https:\/\/127\.0\.0\.1:\d+\/pulp\/content\/rpm-development\/repodata\/repomd\.xml/);
      }
    });
  });

  describe.skipIf(!hasApt)(skipNote("apt-get", hasApt), () => {
    /** apt-get with a private configuration tree (APT_CONFIG): one source, certificates for 127.0.0.1. */
    async function apt(url: string, who: Credential | undefined, args: string[], cwd?: string): Promise<Run> {
      const base = await mkdtemp(join(g.dir, "apt-"));
      for (const d of ["etc/apt.conf.d", "etc/preferences.d", "etc/sources.list.d", "etc/trusted.gpg.d", "state/lists/partial", "cache/archives/partial", "log"]) {
        await mkdir(join(base, d), { recursive: true });
      }
      await writeFile(join(base, "state", "status"), "");
      // The emulator publishes unsigned (no signing service): trusted=yes.
      await writeFile(join(base, "etc", "sources.list"), `deb [trusted=yes] ${url} ${DEB_DIST} main\n`);
      const q = (v: string) => JSON.stringify(v);
      const conf = [
        `Dir::Etc ${q(`${base}/etc/`)};`,
        `Dir::State ${q(`${base}/state/`)};`,
        `Dir::State::status ${q(`${base}/state/status`)};`,
        `Dir::Cache ${q(`${base}/cache/`)};`,
        `Dir::Log ${q(`${base}/log/`)};`,
        'APT::Architecture "amd64";',
        'APT::Architectures { "amd64"; };',
        // Root would hand the download methods to _apt, which cannot read the test's key files.
        'APT::Sandbox::User "root";',
        'Debug::NoLocking "true";',
        'Acquire::Languages "none";',
        'Acquire::Retries "0";',
        `Acquire::https::127.0.0.1::CaInfo ${q(g.caFile)};`,
        ...(who ? [`Acquire::https::127.0.0.1::SslCert ${q(who.cert)};`, `Acquire::https::127.0.0.1::SslKey ${q(who.key)};`] : []),
      ];
      await writeFile(join(base, "apt.conf"), `${conf.join("\n")}\n`);
      const env = { ...process.env, APT_CONFIG: join(base, "apt.conf"), LC_ALL: "C" };
      const update = await run("apt-get", ["update"], { env });
      if (update.code !== 0 || args.length === 0) return update;
      return run("apt-get", args, { env, ...(cwd ? { cwd } : {}) });
    }

    it("updates from the release snapshot with a client certificate and downloads packages identical to upstream", async () => {
      const dest = await mkdtemp(join(g.dir, "apt-dl-"));
      const res = await apt(g.url("deb", "release"), g.client, ["download", ...DEB_PACKAGES.map((p) => p.name)], dest);
      expect(res.code).toBe(0);
      for (const p of DEB_PACKAGES) expect(await sha256(join(dest, debFileName(p)))).toBe(await sha256(upstreamDeb(p.name)));
    });

    it("updates from the development snapshot with a build certificate and reads its package list", async () => {
      const res = await apt(g.url("deb", "development"), g.build, ["-q", "--print-uris", "download", "delta"]);
      expect(res.code).toBe(0);
      expect(res.stdout).toContain(`${g.url("deb", "development")}${debPoolPathFor("main", DEB_PACKAGES[1]!)}`);
    });

    it("fails to update from the development snapshot with a client certificate or none, showing Pulp's reason", async () => {
      for (const [who, reason] of [
        [g.client, NOT_SIGNED],
        [undefined, MISSING],
      ] as const) {
        const res = await apt(g.url("deb", "development"), who, []);
        expect(res.code).toBe(100);
        expect(res.stdout + res.stderr).toContain(`403  ${reason}`);
      }
    });
  });
});
