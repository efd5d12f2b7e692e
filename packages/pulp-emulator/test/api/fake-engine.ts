import type { ContentEngine } from "../../src/api/engine";
import type { ArtifactStore, ContentUnit, PublishedFile, RpmPackageUnit } from "../../src/content/types";

/** A controllable upstream for API-level tests: what the next sync sees. */
export interface FakeUpstream {
  revision: string;
  packages: string[];
  mirrorIncompatible?: string;
}

function rpmUnit(name: string): RpmPackageUnit {
  const relative_path = `Packages/${name[0]}/${name}-1.0-1.noarch.rpm`;
  return {
    pulp_type: "rpm.package",
    natural_key: `${name}-0:1.0-1.noarch`,
    relative_path,
    size: 10,
    checksums: {},
    downloaded: false,
    source_url: `http://upstream.invalid/${relative_path}`,
    rpm: {
      name, epoch: "0", version: "1.0", release: "1", arch: "noarch", pkgId: name, checksum_type: "sha256", summary: name,
      description: name, url: "", location_href: relative_path, time_file: 0, time_build: 0, size_package: 10, size_installed: 10,
      size_archive: 10, rpm_sourcerpm: "", is_modular: false,
    },
    xml: { primary: "", filelists: "", other: "" },
  };
}

async function file(artifacts: ArtifactStore, relative_path: string, text: string): Promise<PublishedFile> {
  return { relative_path, sha256: (await artifacts.put(Buffer.from(text))).sha256 };
}

/**
 * Content engine whose upstream is an in-memory list: lets API tests change the upstream metadata
 * revision without changing content (pulp_rpm #2311). Publications list package names in repomd.xml.
 */
export function fakeEngine(upstream: FakeUpstream): ContentEngine & { syncs: number } {
  const engine = {
    syncs: 0,
    async syncRpm(_remote: unknown, ctx: { artifacts: ArtifactStore }) {
      engine.syncs++;
      const repomd = await file(ctx.artifacts, "repodata/repomd.xml", `<repomd revision="${upstream.revision}"/>`);
      return {
        units: upstream.packages.map(rpmUnit),
        metadata: { revision: upstream.revision, files: [repomd] },
        ...(upstream.mirrorIncompatible ? { mirrorIncompatible: upstream.mirrorIncompatible } : {}),
      };
    },
    async syncDeb(remote: never, ctx: { artifacts: ArtifactStore }) {
      return engine.syncRpm(remote, ctx);
    },
    async publishRpm(units: ContentUnit[], opts: { artifacts: ArtifactStore }) {
      const names = units.map((u) => (u.pulp_type === "rpm.package" ? u.rpm.name : u.natural_key)).sort();
      return [await file(opts.artifacts, "repodata/repomd.xml", `<repomd packages="${names.join(",")}"/>`)];
    },
    publishRpmMirror(metadata: { files: PublishedFile[] }) {
      return metadata.files;
    },
    async publishDebApt(units: ContentUnit[], opts: { artifacts: ArtifactStore }) {
      return [await file(opts.artifacts, "dists/default/Release", `Packages: ${units.length}`)];
    },
    publishDebVerbatim(metadata: { files: PublishedFile[] }) {
      return metadata.files;
    },
    async fetchOnDemand(): Promise<string> {
      throw new Error("not used");
    },
  };
  return engine as unknown as ContentEngine & { syncs: number };
}
