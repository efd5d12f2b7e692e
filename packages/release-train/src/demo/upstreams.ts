// Upstream package repositories served over HTTP, plus a release-train config directory pointing
// at them. Used by the demo, the no-op benchmark and the end-to-end tests. Packages and metadata
// are written by the project's own code (tools: "builtin", the default: no system package needed,
// so `pnpm start` runs on a bare machine) or by rpmbuild + createrepo_c, dpkg-deb + apt-ftparchive
// (tools: "system").
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  buildDebRepo,
  buildRpmRepo,
  type DebPackageSpec,
  type FixtureTools,
  type RpmPackageSpec,
  type ServedDirectory,
  serveDirectory,
} from "@release-train/pulp-emulator/fixtures";
import { stringify } from "yaml";

export interface Upstreams {
  /** Directory served at `served.url` (each repository a subdirectory). */
  root: string;
  served: ServedDirectory;
  url(name: string): string;
  /** (Re)build an RPM repository with exactly these packages. */
  rpm(name: string, packages: RpmPackageSpec[], revision?: string): Promise<void>;
  /** (Re)build an APT repository: one dist, component `main`, these packages. */
  deb(name: string, dist: string, packages: DebPackageSpec[], revision?: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startUpstreams(root: string, options: { tools?: FixtureTools } = {}): Promise<Upstreams> {
  const tools = options.tools ?? "builtin";
  await mkdir(root, { recursive: true });
  const served = await serveDirectory(root);
  return {
    root,
    served,
    url: (name) => `${served.url}${name}/`,
    async rpm(name, packages, revision) {
      await buildRpmRepo(join(root, name), packages, { tools, ...(revision ? { revision } : {}) });
    },
    async deb(name, dist, packages, revision) {
      await buildDebRepo(join(root, name), {
        dists: [{ name: dist, architectures: ["amd64"], components: [{ name: "main", packages }] }],
        tools,
        ...(revision ? { revision } : {}),
      });
    },
    stop: () => served.stop(),
  };
}

/** A config entry as written to rpm-package-repos / deb-package-repos (YAML field names). */
export type ConfigEntry = Record<string, string | boolean>;

/** Write a minimal release-train config directory (the two package-repos vars files). */
export async function writeConfigDir(dir: string, repos: { rpm: ConfigEntry[]; deb: ConfigEntry[] }): Promise<string> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "rpm-package-repos"), `---\n${stringify({ rpm_package_repos: repos.rpm })}`);
  await writeFile(join(dir, "deb-package-repos"), `---\n${stringify({ deb_package_repos: repos.deb })}`);
  return dir;
}
