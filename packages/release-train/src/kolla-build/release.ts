// The OpenStack release a kayobe-config branch builds: `.gitreview`'s `defaultbranch` without its
// `stable/` or `unmaintained/` prefix (as kayobe-config's workflow and tools/kolla-images.py read it).
import { readFile } from "node:fs/promises";
import { join } from "node:path";

export class ReleaseError extends Error {
  override name = "ReleaseError";
}

export function openstackReleaseFromGitreview(text: string, file = ".gitreview"): string {
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*defaultbranch\s*=\s*(\S+)\s*$/.exec(line);
    if (!m) continue;
    const release = m[1]!.replace(/^(stable|unmaintained)\//, "");
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(release)) {
      throw new ReleaseError(`${file}: defaultbranch ${JSON.stringify(m[1])} does not name an OpenStack release`);
    }
    return release;
  }
  throw new ReleaseError(`${file} has no defaultbranch: give the OpenStack release explicitly`);
}

export async function openstackReleaseOf(checkoutDir: string): Promise<string> {
  const file = join(checkoutDir, ".gitreview");
  const text = await readFile(file, "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") throw new ReleaseError(`${file} does not exist: give the OpenStack release explicitly`);
    throw error;
  });
  return openstackReleaseFromGitreview(text, file);
}
