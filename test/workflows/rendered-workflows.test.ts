// What source-repo-sync renders into the forks, and the fork caller template in examples/, pass
// actionlint and the SchemaStore schema. This project's own-workflow rules (refs @main, pinning,
// alerts, …) are for this repository's workflows and are left out; the caller template is also
// linted as a caller repository by `pnpm lint:workflows`.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { formatProblem, lintWorkflows } from "../../scripts/lint-workflows";
import type { SourceRepository } from "../../packages/release-train/src/source-repos/config";
import { renderRepository } from "../../packages/release-train/src/source-repos/render";

const repoRoot = resolve(import.meta.dirname, "../..");
const PROJECT_RULES = /\[(uses|ref|pin|runtime|permissions|concurrency|alert|docs)\]$/;
const root = mkdtempSync(join(tmpdir(), "rendered-workflows-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const repo = (over: Partial<SourceRepository>): SourceRepository => ({
  name: "kolla",
  type: "openstack",
  releases: ["2025.1", "master"],
  workflows: { defaultBranchOnly: ["upstream-sync"], elsewhere: ["tox", "tag-and-release"], perReleaseIgnored: {} },
  workflowArgs: { upstream: "https://github.com/openstack/kolla", tox_python_versions: '["3.12"]' },
  copyWorkflows: true,
  communityFiles: [],
  source: { file: "source-repositories", path: "source_repositories.kolla", line: 1, column: 1 },
  ...over,
});

describe("rendered workflows", () => {
  it("lint clean, as does the upstream-sync caller template", async () => {
    const dir = join(root, ".github", "workflows");
    mkdirSync(dir, { recursive: true });
    const rendered = [
      ...renderRepository(repo({}), { workflowRef: "v1.0.0" }),
      ...renderRepository(repo({ name: "ansible-collection-x", type: "ansible", releases: [], workflows: { defaultBranchOnly: ["lint-collection", "publish-collection", "publish-role"], elsewhere: [], perReleaseIgnored: {} } }), {}),
    ];
    let n = 0;
    for (const target of rendered) {
      for (const file of target.files) {
        writeFileSync(join(dir, `${n++}-${file.path.split("/").pop()}`), file.content);
      }
    }
    copyFileSync(join(repoRoot, "examples", "fork", ".github", "workflows", "upstream-sync.yml"), join(dir, "example-upstream-sync-caller.yml"));
    expect(n).toBe(8);
    const problems = (await lintWorkflows(root)).filter((p) => !PROJECT_RULES.test(p.message));
    expect(problems.map(formatProblem)).toEqual([]);
    // The linter does look at these files: a broken one is reported.
    writeFileSync(join(dir, "broken.yml"), `on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo \${{ github.no_such_property }}\n`);
    const again = (await lintWorkflows(root)).filter((p) => !PROJECT_RULES.test(p.message));
    expect([...new Set(again.map((p) => p.file))]).toEqual([".github/workflows/broken.yml"]);
  }, 120_000);
});
