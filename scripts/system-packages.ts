// Reads scripts/system-packages.txt (the one list of system programs the tests use) and finds,
// installs or names what is missing. Used by the test command's global setup; .ci/run reads the
// same file with bash.
import { execFileSync, spawnSync } from "node:child_process";
import { accessSync, constants, existsSync, readFileSync } from "node:fs";
import { delimiter, dirname, isAbsolute, join } from "node:path";
import { fileURLToPath } from "node:url";

export interface SystemPackage {
  /** A program looked up on PATH, or an absolute path that must exist. */
  program: string;
  /** Debian package that provides it. */
  debian: string;
  usedBy: string;
}

export const SYSTEM_PACKAGES_FILE = join(dirname(fileURLToPath(import.meta.url)), "system-packages.txt");

export function readSystemPackages(file = SYSTEM_PACKAGES_FILE): SystemPackage[] {
  return readFileSync(file, "utf8")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith("#"))
    .map((line) => {
      const [program, debian, ...rest] = line.split(/\s+/);
      if (!program || !debian) throw new Error(`${file}: malformed line: ${line}`);
      return { program, debian, usedBy: rest.join(" ") };
    });
}

export function programAvailable(program: string, path = process.env["PATH"] ?? ""): boolean {
  if (isAbsolute(program)) return existsSync(program);
  return path.split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, program), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

export function missingSystemPackages(list = readSystemPackages()): SystemPackage[] {
  return list.filter((p) => !programAvailable(p.program));
}

const isDebian = () => existsSync("/etc/debian_version") && programAvailable("apt-get");
const isRoot = () => process.getuid?.() === 0;

export function installCommand(missing: SystemPackage[]): string {
  const names = [...new Set(missing.map((p) => p.debian))].join(" ");
  return `apt-get update && apt-get install -y --no-install-recommends ${names}`;
}

/**
 * Make sure every listed program is there: when root on Debian install the missing packages with
 * apt-get; otherwise throw one error naming them and the install command.
 */
export function ensureSystemPackages(
  options: { list?: SystemPackage[]; canInstall?: boolean; debian?: boolean; log?: (line: string) => void } = {},
): void {
  const list = options.list ?? readSystemPackages();
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const debian = options.debian ?? isDebian();
  const missing = missingSystemPackages(list);
  if (missing.length === 0) return;
  const names = missing.map((p) => `${p.program} (${p.debian})`).join(", ");
  if (debian && (options.canInstall ?? isRoot())) {
    log(`system packages: installing ${[...new Set(missing.map((p) => p.debian))].join(" ")} (scripts/system-packages.txt)`);
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    execFileSync("apt-get", ["update", "-qq"], { stdio: ["ignore", "ignore", "inherit"], env });
    const install = spawnSync(
      "apt-get",
      ["install", "-y", "-qq", "--no-install-recommends", ...new Set(missing.map((p) => p.debian))],
      { stdio: ["ignore", "ignore", "inherit"], env },
    );
    const still = missingSystemPackages(list);
    if (install.status === 0 && still.length === 0) return;
    throw new Error(
      `system packages: apt-get install failed (exit ${install.status}); still missing: ${still.map((p) => p.program).join(", ")}`,
    );
  }
  const how = debian
    ? `as root: ${installCommand(missing)}`
    : "with your system's package manager (see README, Requirements), or run on Debian as root";
  throw new Error(`the tests need system programs that are not installed: ${names}. Install them ${how}.`);
}
