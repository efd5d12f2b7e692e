// A sample run for the README's "Example job summary" (`pnpm docs:actions`), rendered by the
// library's own summary code.
import { packageSyncSummary, type RepoResult } from "@release-train/release-train";

export function exampleSummary(): string {
  const version = "20261201T231700";
  const ok = (shortName: string, kind: "rpm" | "deb", base: string, n: number, ms: number): RepoResult => ({
    shortName,
    repositoryName: shortName.replace(/_/g, "-"),
    kind,
    changed: true,
    newRepositoryVersion: `/pulp/api/v3/repositories/${kind}/${kind}/0190/versions/${n}/`,
    version,
    distributionUrl: `https://ark.example.com/pulp/content/${base}/${version}/`,
    durationMs: ms,
    actions: [],
    tasks: [],
  });
  const results: RepoResult[] = [
    ok("rocky_9_baseos", "rpm", "rocky/9/BaseOS/x86_64/os", 42, 185_000),
    ok("ubuntu_jammy", "deb", "ubuntu/jammy", 17, 412_000),
    {
      ...ok("epel_9", "rpm", "epel/9/Everything/x86_64", 0, 61_000),
      changed: false,
      newRepositoryVersion: undefined,
      distributionUrl: undefined,
      error: "sync: task failed: Cannot connect to host dl.fedoraproject.org:443",
    },
  ];
  return packageSyncSummary({
    target: "ark",
    version,
    dryRun: false,
    planText: "",
    results,
    versions: { rocky_9_baseos: version, ubuntu_jammy: version },
    failed: results.filter((r) => r.error),
  });
}
