// A sample run for the README's "Example job summary" (`pnpm docs:actions`), rendered by the
// library's own summary code.
import { type DistroResult, kollaBuildSummary } from "@release-train/release-train";

export function exampleSummary(): string {
  const tag = "2025.1-rocky-9-20251124T200000";
  const image = (name: string, extra: Partial<DistroResult["images"][number]> = {}) => ({
    name,
    reference: `ark.example.com/stackhpc-dev/${name}:${tag}`,
    distro: "rocky-9",
    tag,
    built: true,
    scan: "clean" as const,
    pushed: true,
    attempts: 1,
    digest: `sha256:${name.length.toString(16).padStart(2, "0").repeat(32)}`,
    ...extra,
  });
  const result: DistroResult = {
    distro: "rocky-9",
    tag,
    steps: [],
    skipped: [],
    logDir: "image-build-logs",
    complete: false,
    images: [
      image("base"),
      image("nova-api", { scan: "dirty", vulnerabilities: 2, attempts: 2 }),
      image("keystone", { scan: "critical", vulnerabilities: 1, pushed: false, held: "critical vulnerabilities (push-dirty not set)", digest: undefined }),
      image("nova-compute", { built: false, scan: "not scanned", pushed: false, digest: undefined }),
    ],
    failures: [
      { distro: "rocky-9", image: "nova-compute", stage: "build", message: "kolla-build: overcloud image failed with status error" },
      { distro: "rocky-9", image: "keystone", stage: "scan", message: "critical vulnerabilities: CVE-2025-0001" },
    ],
  };
  return kollaBuildSummary([result]);
}
