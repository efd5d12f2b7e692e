/**
 * Local stand-ins for the upstream repositories the recordings sync from
 * (fixtures.pulpproject.org, registry-1.docker.io): real RPM and Deb repositories built with the
 * emulator's fixture builders and served on 127.0.0.1, and a real registry (docker-registry) seeded
 * per recorded `upstream_name`. Built lazily, once per harness run.
 */
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  buildDebRepo,
  buildOciImage,
  buildRpmRepo,
  type Registry,
  type ServedDirectory,
  serveDirectory,
  startRegistry,
} from "@release-train/pulp-emulator/fixtures";

export type UpstreamKind = "rpm" | "deb" | "container" | "file";

/** Tags every seeded image repository has: single images and one multi-arch index (Pulp's fixtures have both). */
const CONTAINER_TAGS = ["manifest_a", "manifest_b", "manifest_c"];
const CONTAINER_INDEX_TAG = "ml_i";

export interface Upstream {
  url: string;
  /** Deb remotes must name a distribution the upstream has. */
  distributions?: string;
}

export class Upstreams {
  private dir: string | undefined;
  private readonly served: ServedDirectory[] = [];
  private readonly built = new Map<UpstreamKind, Promise<Upstream>>();
  private registry: Promise<Registry> | undefined;
  private readonly images = new Map<string, Promise<void>>();

  get(kind: UpstreamKind): Promise<Upstream> {
    let p = this.built.get(kind);
    if (!p) {
      p = this.build(kind);
      this.built.set(kind, p);
    }
    return p;
  }

  /** The local registry, with `upstreamName` (when given) seeded with the fixture tags. */
  async container(upstreamName?: string): Promise<Upstream> {
    const upstream = await this.get("container");
    if (upstreamName) {
      let seeded = this.images.get(upstreamName);
      if (!seeded) {
        seeded = this.seedImages(upstreamName);
        this.images.set(upstreamName, seeded);
      }
      await seeded;
    }
    return upstream;
  }

  private async seedImages(name: string): Promise<void> {
    const registry = await this.registry!;
    this.dir ??= await mkdtemp(join(tmpdir(), "fidelity-upstream-"));
    const layout = join(this.dir, "oci", name);
    for (const tag of CONTAINER_TAGS) {
      await buildOciImage({ dir: layout, name, tag, files: { [`etc/${tag}`]: `${name}:${tag}\n` } });
      await registry.push(layout, name, tag);
    }
    const platforms = [
      { os: "linux", architecture: "amd64" },
      { os: "linux", architecture: "arm64" },
    ];
    await buildOciImage({ dir: layout, name, tag: CONTAINER_INDEX_TAG, files: { "etc/ml": `${name}\n` }, platforms });
    await registry.push(layout, name, CONTAINER_INDEX_TAG);
  }

  private async build(kind: UpstreamKind): Promise<Upstream> {
    if (kind === "container") {
      this.registry ??= startRegistry();
      return { url: (await this.registry).url };
    }
    this.dir ??= await mkdtemp(join(tmpdir(), "fidelity-upstream-"));
    const root = join(this.dir, kind);
    if (kind === "file") {
      // pulp_file remotes name a manifest; three files like fixtures.pulpproject.org/file/.
      const server = await serveDirectory(await buildFileManifestRepo(root, ["1.iso", "2.iso", "3.iso"]));
      this.served.push(server);
      return { url: `${server.url}PULP_MANIFEST` };
    }
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
    const registry = this.registry;
    this.registry = undefined;
    this.images.clear();
    if (registry) await (await registry).stop();
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
    this.dir = undefined;
    this.built.clear();
  }
}

/** A directory with `PULP_MANIFEST` (`relative_path,sha256,size` lines) and the files it lists. */
async function buildFileManifestRepo(root: string, names: string[]): Promise<string> {
  await mkdir(root, { recursive: true });
  const lines: string[] = [];
  for (const name of names) {
    const data = Buffer.from(`fidelity file fixture ${name}\n`);
    await writeFile(join(root, name), data);
    lines.push(`${name},${createHash("sha256").update(data).digest("hex")},${data.length}`);
  }
  await writeFile(join(root, "PULP_MANIFEST"), `${lines.join("\n")}\n`);
  return root;
}
