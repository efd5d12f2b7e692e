// `pnpm bench noop-sync [--concurrency n]`: a no-op night at release-train scale. 176 repositories
// (155 RPM, 21 Deb) against the Pulp emulator with 20 ms API latency: a first night creates
// everything, then the second night (upstreams unchanged) is measured. Every API request counts,
// task polls included (emulator request log). Target: ≤ 4 requests per repository. The same
// night is then run the way today's Ansible roles do it (bench/squeezer-baseline.ts), side by side
// in this run, for the ratio.
import { mkdtemp, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PulpClient } from "@release-train/pulp-client";
import { startEmulator } from "@release-train/pulp-emulator";
import { startUpstreams } from "../packages/release-train/src/demo/upstreams";
import { pulpPort } from "../packages/release-train/src/sync/client-adapter";
import { syncPackageRepos } from "../packages/release-train/src/sync/run";
import type { PackageRepoEntry } from "../packages/release-train/src/sync/types";
import { squeezerNight } from "./squeezer-baseline";

const RPM = 155;
const DEB = 21;
const ADMIN = { username: "admin", password: "password" };

export async function main(args: string[]): Promise<void> {
  const at = args.indexOf("--concurrency");
  const concurrency = at >= 0 ? Number(args[at + 1]) : 8;
  const dir = await mkdtemp(join(tmpdir(), "bench-noop-sync-"));
  const up = await startUpstreams(join(dir, "upstream"));
  const emu = await startEmulator({ ...ADMIN, knobs: { apiLatencyMs: 20 } });
  const client = new PulpClient({ baseUrl: emu.url, ...ADMIN });
  try {
    // One real repository of each type, exposed under 176 upstream URLs (symlinks).
    await up.rpm("rpm-src", [
      { name: "bench-a", version: "1.0" },
      { name: "bench-b", version: "1.0" },
    ]);
    await up.deb("deb-src", "stable", [{ name: "bench-c", version: "1.0" }]);
    const entries: PackageRepoEntry[] = [];
    for (let i = 0; i < RPM + DEB; i++) {
      const rpm = i < RPM;
      const name = `${rpm ? "rpm" : "deb"}-${String(i).padStart(3, "0")}`;
      await symlink(join(up.root, rpm ? "rpm-src" : "deb-src"), join(up.root, name));
      entries.push({
        kind: rpm ? "rpm" : "deb",
        name: `Bench ${name}`,
        url: up.url(name),
        base_path: `${name}/`,
        short_name: name.replace("-", "_"),
        distribution_name: `${name}-`,
        ...(rpm ? {} : { distributions: "stable", components: "main", architectures: "amd64", mode: "verbatim" }),
      });
    }
    await client.contentGuards.rbac.create({ name: "development" });
    const night = (version: string) =>
      syncPackageRepos({ pulp: pulpPort(client), entries, target: "ark", version, contentGuard: "development", concurrency });

    let t = performance.now();
    const first = await night("20261125T200000");
    if (first.failed.length) throw new Error(`first night failed: ${first.failed[0]?.error}`);
    process.stdout.write(`first night: ${entries.length} repositories created in ${((performance.now() - t) / 1000).toFixed(1)} s\n`);

    emu.requestLog.length = 0;
    t = performance.now();
    const second = await night("20261126T200000");
    const wallSeconds = (performance.now() - t) / 1000;
    if (second.failed.length) throw new Error(`no-op night failed: ${second.failed[0]?.error}`);
    const changed = second.results.filter((r) => r.changed).length;
    if (changed) throw new Error(`no-op night changed ${changed} repositories`);
    const requests = emu.requestLog.length;
    const byKind = new Map<string, number>();
    for (const e of emu.requestLog) {
      const kind = `${e.method} ${e.path.replace(/[0-9a-f-]{36}\//g, "").replace(/\/pulp\/api\/v3\//, "")}${e.query.includes("pulp_href__in") ? "?pulp_href__in" : ""}`;
      byKind.set(kind, (byKind.get(kind) ?? 0) + 1);
    }
    process.stdout.write(`no-op night (concurrency ${concurrency}): requests by kind\n`);
    for (const [kind, n] of [...byKind].sort((a, b) => b[1] - a[1])) process.stdout.write(`  ${String(n).padStart(4)}  ${kind}\n`);
    const requestsPerRepo = Math.round((requests / entries.length) * 100) / 100;

    emu.requestLog.length = 0;
    t = performance.now();
    await squeezerNight(
      client,
      entries,
      {
        remote: (e) => `${e.name}-remote`,
        repository: (e) => e.name,
        distribution: (e) => `${e.distribution_name}20261125T200000`,
      },
      concurrency,
    );
    const baselineWallSeconds = Math.round(((performance.now() - t) / 1000) * 10) / 10;
    const baselineRequests = emu.requestLog.length;
    const baselineRequestsPerRepo = Math.round((baselineRequests / entries.length) * 100) / 100;
    process.stdout.write(`Ansible-style baseline, same emulator and repositories: ${baselineRequests} requests, ${baselineWallSeconds} s\n`);
    process.stdout.write(
      `${JSON.stringify({
        repos: entries.length,
        requests,
        requestsPerRepo,
        wallSeconds: Math.round(wallSeconds * 10) / 10,
        baselineRequests,
        baselineRequestsPerRepo,
        baselineWallSeconds,
        requestRatio: Math.round((baselineRequests / requests) * 10) / 10,
      })}\n`,
    );
  } finally {
    await client.close();
    await emu.stop();
    await up.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
