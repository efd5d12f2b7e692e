/**
 * Local stand-ins for the upstream repositories the recordings sync from
 * (fixtures.pulpproject.org): real RPM and Deb repositories built with the emulator's fixture
 * builders and served on 127.0.0.1. Built lazily, once per harness run.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildDebRepo, buildRpmRepo, type ServedDirectory, serveDirectory } from "../../packages/pulp-emulator/src/fixtures";

export type UpstreamKind = "rpm" | "deb";

export interface Upstream {
  url: string;
  /** Deb remotes must name a distribution the upstream has. */
  distributions?: string;
}

export class Upstreams {
  private dir: string | undefined;
  private readonly served: ServedDirectory[] = [];
  private readonly built = new Map<UpstreamKind, Promise<Upstream>>();

  get(kind: UpstreamKind): Promise<Upstream> {
    let p = this.built.get(kind);
    if (!p) {
      p = this.build(kind);
      this.built.set(kind, p);
    }
    return p;
  }

  private async build(kind: UpstreamKind): Promise<Upstream> {
    this.dir ??= await mkdtemp(join(tmpdir(), "fidelity-upstream-"));
    const root = join(this.dir, kind);
    if (kind === "rpm") {
      await buildRpmRepo(root, [
        { name: "bear", version: "4.1" },
        { name: "camel", version: "0.1" },
        { name: "duck", version: "0.6" },
      ]);
    } else {
      // Same names as the pulp fixture the deb recordings use (dist "ragnarok").
      await buildDebRepo(root, {
        dists: [
          {
            name: "ragnarok",
            components: [
              { name: "asgard", packages: [{ name: "odin", version: "1.0" }, { name: "thor", version: "1.0" }] },
              { name: "jotunheimr", packages: [{ name: "loki", version: "1.0" }] },
            ],
          },
        ],
      });
    }
    const server = await serveDirectory(root);
    this.served.push(server);
    return kind === "deb" ? { url: server.url, distributions: "ragnarok" } : { url: server.url };
  }

  async stop(): Promise<void> {
    await Promise.all(this.served.splice(0).map((s) => s.stop()));
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
    this.dir = undefined;
    this.built.clear();
  }
}
