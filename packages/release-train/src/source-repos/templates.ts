// Workflow files rendered into the forked repositories. The OpenStack ones call this project's
// reusable workflows at a pinned ref; the Ansible ones keep calling stackhpc/.github's, as the
// source-repo-sync role's templates do (this project has no Ansible Galaxy workflows).

export interface TemplateContext {
  /** Repository name. */
  repository: string;
  /** Branch the file is rendered for. */
  branch: string;
  /** Release series of a `stackhpc/<release>` branch, or the branch name on the default branch. */
  release: string;
  /** All release series of the repository (upstream-sync has one job each). */
  releases: string[];
  workflowArgs: Record<string, unknown>;
  /** `owner/name` of this project, e.g. stackhpc/release-train. */
  workflowRepository: string;
  /** Pinned ref of this project's reusable workflows, e.g. v1.2.0. */
  workflowRef: string;
  /** Where the Ansible workflows live (stackhpc/.github). */
  ansibleWorkflowRepository: string;
}

const HEADER = "---\n# Managed by release-train source-repo-sync from the source-repositories configuration.\n# Edit the configuration, not this file: changes here are replaced by the next sync.\n";
const q = (value: unknown) => JSON.stringify(String(value));
const uses = (c: TemplateContext, file: string) => `${c.workflowRepository}/.github/workflows/${file}@${c.workflowRef}`;
const jobId = (release: string) => `synchronise-${release.replace(/[^A-Za-z0-9_-]/g, "-")}`;

/** `https://github.com/openstack/kayobe-config` or `openstack/kayobe-config` → owner/name. */
export function upstreamRepository(c: Pick<TemplateContext, "repository" | "workflowArgs">): string {
  const given = c.workflowArgs["upstream"];
  if (typeof given !== "string" || given === "") return `openstack/${c.repository}`;
  return given.replace(/^https?:\/\/github\.com\//, "").replace(/\.git$/, "").replace(/\/+$/, "");
}

function withLines(inputs: Record<string, unknown>, indent: string): string {
  const entries = Object.entries(inputs).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return "";
  return `${indent}with:\n${entries.map(([k, v]) => `${indent}  ${k}: ${q(v)}\n`).join("")}`;
}

export const TEMPLATES: Record<string, (c: TemplateContext) => string | undefined> = {
  "upstream-sync": (c) => {
    // A workflow without jobs is invalid, so a repository with no synced release gets none.
    if (c.releases.length === 0) return undefined;
    const jobs = c.releases
      .map(
        (release) =>
          `  ${jobId(release)}:\n    name: Synchronise ${release}\n    permissions:\n      contents: write\n      pull-requests: write\n      actions: read\n    uses: ${uses(c, "upstream-sync.yml")}\n` +
          withLines({ release_series: release, upstream_repository: upstreamRepository(c) }, "    ") +
          "      slack_alert: false\n    secrets: inherit\n",
      )
      .join("");
    // One alert for the run, naming the series that failed (the called workflows' own are off).
    const alert =
      `  alert:\n    name: Alert on failure\n    runs-on: ubuntu-latest\n    needs: [${c.releases.map(jobId).join(", ")}]\n    if: failure()\n    timeout-minutes: 5\n` +
      `    steps:\n      - name: Send a Slack alert\n        uses: ${c.workflowRepository}/actions/slack-alert@${c.workflowRef}\n` +
      `        with:\n          webhook-url: \${{ secrets.SLACK_WEBHOOK_URL }}\n          needs: \${{ toJSON(needs) }}\n`;
    return (
      `${HEADER}name: Upstream Sync\n"on":\n  schedule:\n    - cron: "15 6 * * 1"\n  workflow_dispatch:\n` +
      "permissions:\n  contents: read\n" +
      `concurrency:\n  group: release-train-upstream-sync\n  cancel-in-progress: false\njobs:\n${jobs}${alert}`
    );
  },
  tox: (c) =>
    `${HEADER}name: Tox Continuous Integration\n"on":\n  pull_request:\npermissions:\n  contents: read\njobs:\n  tox:\n    uses: ${uses(c, "tox.yml")}\n` +
    withLines({ python_versions: c.workflowArgs["tox_python_versions"], tox_envs: c.workflowArgs["tox_envs"] }, "    "),
  "tag-and-release": (c) =>
    `${HEADER}name: Tag & Release\n"on":\n  push:\n    branches:\n      - ${q(`stackhpc/${c.release}`)}\npermissions:\n  contents: read\n` +
    `concurrency:\n  group: release-train-tag-and-release-\${{ github.ref }}\n  cancel-in-progress: false\njobs:\n  tag-and-release:\n    permissions:\n      contents: write\n    uses: ${uses(c, "tag-and-release.yml")}\n` +
    withLines({ release_series: c.release, upstream_repository: c.workflowArgs["upstream"] === undefined ? undefined : upstreamRepository(c) }, "    ") +
    "    secrets: inherit\n",
  "lint-collection": (c) =>
    `${HEADER}name: Ansible collection linters\n"on":\n  pull_request:\npermissions:\n  contents: read\njobs:\n  lint:\n    uses: ${c.ansibleWorkflowRepository}/.github/workflows/lint-collection.yml@main\n` +
    withLines({ lint_pip_dependencies: c.workflowArgs["lint_pip_dependencies"] }, "    "),
  "publish-collection": (c) =>
    `${HEADER}name: Publish Ansible Collection\n"on":\n  push:\n    tags:\n      - "v?[0-9]+.[0-9]+.[0-9]+"\n  workflow_dispatch:\npermissions:\n  contents: read\njobs:\n  publish_collection:\n` +
    `    uses: ${c.ansibleWorkflowRepository}/.github/workflows/publish-collection.yml@main\n    secrets:\n      GALAXY_API_KEY: \${{ secrets.GALAXY_API_KEY }}\n`,
  "publish-role": (c) =>
    `${HEADER}name: Publish Ansible Role\n"on":\n  push:\n    tags:\n      - "v?[0-9]+.[0-9]+.[0-9]+"\n  workflow_dispatch:\npermissions:\n  contents: read\njobs:\n  publish_role:\n` +
    `    uses: ${c.ansibleWorkflowRepository}/.github/workflows/publish-role.yml@main\n    secrets:\n      GALAXY_API_KEY: \${{ secrets.GALAXY_API_KEY }}\n`,
};

export const KNOWN_WORKFLOWS = Object.keys(TEMPLATES);
