// The one list of system programs: parsed the same way by .ci/run (bash) and the test command.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ensureSystemPackages, installCommand, missingSystemPackages, readSystemPackages, SYSTEM_PACKAGES_FILE } from "../scripts/system-packages";

const root = join(import.meta.dirname, "..");

describe("scripts/system-packages.txt", () => {
  const list = readSystemPackages();

  it("lists each program once with its Debian package, including every tool the tests spawn", () => {
    expect(new Set(list.map((p) => p.program)).size).toBe(list.length);
    const debs = list.map((p) => p.debian);
    for (const pkg of ["docker-registry", "skopeo", "podman", "buildah", "createrepo-c", "rpm", "dpkg", "apt-utils", "nginx", "openssl", "git", "dnf", "curl", "ca-certificates", "xz-utils", "zstd", "bzip2", "tox"]) {
      expect(debs).toContain(pkg);
    }
  });

  it("is what .ci/run installs from (same file, same parsing)", () => {
    expect(readFileSync(join(root, ".ci/run"), "utf8")).toContain("done < scripts/system-packages.txt");
    // Run .ci/run's own loop against a PATH with none of the programs: it must ask for every package.
    const script = readFileSync(join(root, ".ci/run"), "utf8");
    const loop = script.slice(script.indexOf("need=()"), script.search(/^if \[ \$\{#need/m));
    const out = execFileSync("/bin/bash", ["-c", `${loop}\necho "\${need[*]}"`], {
      cwd: root,
      env: { PATH: "/nonexistent" },
      encoding: "utf8",
    });
    const expected = list.filter((p) => !p.program.startsWith("/") || missingSystemPackages([p]).length > 0).map((p) => p.debian);
    expect(out.trim().split(" ")).toEqual(expected);
  });

  it("stops at once naming what is missing and how to install it when it cannot install", () => {
    const fake = [
      { program: "definitely-not-a-program-1", debian: "pkg-one", usedBy: "x" },
      { program: "/nonexistent/file", debian: "pkg-two", usedBy: "y" },
      { program: "sh", debian: "dash", usedBy: "z" },
    ];
    expect(() => ensureSystemPackages({ list: fake, debian: true, canInstall: false })).toThrow(
      "the tests need system programs that are not installed: definitely-not-a-program-1 (pkg-one), /nonexistent/file (pkg-two). " +
        "Install them as root: apt-get update && apt-get install -y --no-install-recommends pkg-one pkg-two.",
    );
    expect(() => ensureSystemPackages({ list: fake, debian: false })).toThrow(/with your system's package manager \(see README, Requirements\)/);
    expect(installCommand(fake.slice(0, 1))).toBe("apt-get update && apt-get install -y --no-install-recommends pkg-one");
    expect(() => ensureSystemPackages({ list: fake.slice(2), debian: false })).not.toThrow();
    expect(SYSTEM_PACKAGES_FILE).toBe(join(root, "scripts/system-packages.txt"));
  });
});
