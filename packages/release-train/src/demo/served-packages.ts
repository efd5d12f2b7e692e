// What a snapshot really serves, read through the content app like dnf/apt would.
import { gunzipSync } from "node:zlib";

/** Package names of an RPM snapshot (repomd.xml → primary.xml(.gz)). */
export async function rpmPackageNames(distributionUrl: string, headers: Record<string, string> = {}): Promise<string[]> {
  return (await rpmPackages(distributionUrl, headers)).map((p) => p.name);
}

/** `name-version-release` of every package of an RPM snapshot, sorted. */
export async function rpmPackageNevrs(distributionUrl: string, headers: Record<string, string> = {}): Promise<string[]> {
  return (await rpmPackages(distributionUrl, headers)).map((p) => `${p.name}-${p.version}-${p.release}`);
}

async function rpmPackages(distributionUrl: string, headers: Record<string, string>) {
  const repomd = await fetchOk(`${distributionUrl}repodata/repomd.xml`, headers);
  const href = /<location href="([^"]*primary\.xml[^"]*)"/.exec(repomd.toString("utf8"))?.[1];
  if (!href) throw new Error(`no primary metadata listed in ${distributionUrl}repodata/repomd.xml`);
  const raw = await fetchOk(`${distributionUrl}${href}`, headers);
  const xml = (href.endsWith(".gz") ? gunzipSync(raw) : raw).toString("utf8");
  return [...xml.matchAll(/<package\b[\s\S]*?<\/package>/g)]
    .map(([block]) => ({
      name: /<name>([^<]+)<\/name>/.exec(block)?.[1] ?? "?",
      version: /<version [^>]*\bver="([^"]*)"/.exec(block)?.[1] ?? "?",
      release: /<version [^>]*\brel="([^"]*)"/.exec(block)?.[1] ?? "?",
    }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Package names of one dist/component/arch of a Deb snapshot. */
export async function debPackageNames(
  distributionUrl: string,
  dist: string,
  component: string,
  headers: Record<string, string> = {},
): Promise<string[]> {
  const text = (await fetchOk(`${distributionUrl}dists/${dist}/${component}/binary-amd64/Packages`, headers)).toString("utf8");
  return [...text.matchAll(/^Package: (.+)$/gm)].map((m) => m[1] as string).sort();
}

async function fetchOk(url: string, headers: Record<string, string>): Promise<Buffer> {
  const res = await fetch(url, { headers });
  if (!res.ok) throw new Error(`GET ${url} → ${res.status} ${res.statusText}`);
  return Buffer.from(await res.arrayBuffer());
}
