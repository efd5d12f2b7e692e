import { describe, expect, it } from "vitest";
import { packageSyncSummary } from "../src/sync/summary";
import type { SyncRunResult } from "../src/sync/run";
import type { RepoResult } from "../src/sync/types";

const result = (shortName: string, extra: Partial<RepoResult>): RepoResult => ({
  shortName,
  repositoryName: shortName,
  kind: "rpm",
  changed: false,
  durationMs: 1500,
  actions: [],
  tasks: [],
  ...extra,
});

describe("package sync job summary", () => {
  it("lists failures first with Pulp's error, then repositories by name, one table row each", () => {
    const failed = result("zeta", { error: "task failed: 404 | Not Found\nfor url https://x/repomd.xml" });
    const run: SyncRunResult = {
      target: "ark",
      version: "20261125T200000",
      dryRun: false,
      planText: "",
      versions: { beta: "20261125T200000", alpha: "20261120T000000" },
      failed: [failed],
      results: [
        result("beta", {
          changed: true,
          newRepositoryVersion: "/pulp/api/v3/repositories/rpm/rpm/1/versions/7/",
          version: "20261125T200000",
          distributionUrl: "https://ark/pulp/content/beta/20261125T200000/",
          durationMs: 83_000,
        }),
        failed,
        result("alpha", { version: "20261120T000000", durationMs: 400 }),
      ],
    };
    const md = packageSyncSummary(run);
    expect(md).toContain("### Package snapshots → ark, version 20261125T200000");
    expect(md).toContain("3 repositories: 1 changed, 1 unchanged, 1 failed.");
    const rows = md.split("\n").filter((l) => l.startsWith("| ") && !l.startsWith("| Repository") && !l.startsWith("| ---"));
    expect(rows).toEqual([
      "| ❌ zeta | rpm |  |  |  |  | 1.5 s | task failed: 404 \\| Not Found<br>for url https://x/repomd.xml |",
      "| alpha | rpm | no |  | 20261120T000000 |  | 400 ms |  |",
      "| beta | rpm | yes | v7 | 20261125T200000 | [https://ark/pulp/content/beta/20261125T200000/](https://ark/pulp/content/beta/20261125T200000/) | 1 min 23 s |  |",
    ]);
  });
});
