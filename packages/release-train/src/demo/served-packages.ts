// What a snapshot really serves, read through the content app like dnf/apt would.
import { gunzipSync } from "node:zlib";

/** Package names of an RPM snapshot (repomd.xml → primary.xml(.gz)). */
export async function rpmPackageNames(distributionUrl: string, headers: Record<string, string> = {}): Promise<string[]> {
  const repomd = await fetchOk(`${distributionUrl}repodata/repomd.xml`, headers);
  const href = /<location href="([^"]*primary\.xml[^"]*)"/.exec(repomd.toString("utf8"))?.[1];
  if (!href) throw new Error(`no primary metadata listed in ${distributionUrl}repodata/repomd.xml`);
  const raw = await fetchOk(`${distributionUrl}${href}`, headers);
  const xml = (href.endsWith(".gz") ? gunzipSync(raw) : raw).toString("utf8");
  return [...xml.matchAll(/<name>([^<]+)<\/name>/g)].map((m) => m[1] as string).sort();
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
