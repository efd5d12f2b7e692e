// `pnpm start`, source repositories: a fork of "openstack/kolla" as bare git repositories on disk
// behind the GitHub stand-in. Weekly upstream sync opens a pull request, the merge is pushed,
// tag-and-release derives the downstream tag and publishes the release, and a second sync finds
// nothing to do.
import { ForkFixture } from "@release-train/test-support/git-fixtures";
import { GitHubStandIn } from "@release-train/test-support/github/index";
import { createGitHubClient } from "../github/client";
import { tagAndReleaseSummary, upstreamSyncSummary } from "../source-repos/summary";
import { tagAndRelease } from "../source-repos/tag-and-release";
import { upstreamSync } from "../source-repos/upstream-sync";

export async function demoSourceRepos(_dir: string, say: (text: string) => void, banner: (text: string) => void): Promise<void> {
  banner("Source repositories: upstream sync, merge, tag and release (real git, GitHub stand-in)");
  const fork = await ForkFixture.create("release-train-demo-fork-");
  const token = "ghp_demo";
  const github = new GitHubStandIn({ tokens: { [token]: { login: "stackhpc-ci", scopes: ["repo", "workflow"], workflows: true } } });
  await github.start();
  try {
    await fork.commit("Initial import", { branch: "master", files: { "README.rst": "kolla\n" } });
    const release = await fork.commit("Release 20.0.0", { branch: "stable/2025.1", from: "master" });
    await fork.tag("20.0.0", release, true);
    await fork.commit("Our downstream patch", { branch: "stackhpc/2025.1", from: release, files: { "patch.txt": "ours\n" } });
    await fork.commit("Fix the ironic image", { branch: "stable/2025.1", files: { "docker/ironic.j2": "fixed\n" } });
    const upstreamHead = await fork.commit("Release 20.0.1", { branch: "stable/2025.1" });
    await fork.tag("20.0.1", upstreamHead, true);
    await fork.commit("Release 18.4.0", { branch: "stable/2024.1", from: "master" });
    await fork.pushUpstream("master", "stable/2025.1", "stable/2024.1", "--tags");
    await fork.pushDownstream("master", "stackhpc/2025.1");
    await github.addRepository("openstack/kolla", { bare: fork.upstream });
    await github.addRepository("stackhpc/kolla", { bare: fork.downstream, parent: "openstack/kolla" });
    say(`GitHub stand-in at ${github.url}: openstack/kolla and its fork stackhpc/kolla (bare repositories under ${fork.root})`);

    const client = createGitHubClient({ token, apiUrl: github.url, writeIntervalMs: 0, warn: (m) => say(`warning: ${m}`) });
    const sync = () => upstreamSync({ github: client, repository: "stackhpc/kolla", upstream: "openstack/kolla", series: ["2025.1", "2024.1"] });
    say("\n--- release-train upstream-sync --repository stackhpc/kolla --series 2025.1,2024.1 ---\n");
    const first = await sync();
    say(upstreamSyncSummary({ ...first, warnings: [] }));

    const pr = github.pulls[0];
    if (!pr) throw new Error("the demo expected an upstream sync pull request");
    say(`--- a reviewer merges #${pr.number} (${pr.head} into ${pr.base}) ---\n`);
    await fork.git("fetch", "--quiet", fork.downstream, `${pr.head}:refs/remotes/fork/${pr.head}`);
    await fork.git("checkout", "--quiet", "stackhpc/2025.1");
    await fork.git("merge", "--quiet", "--no-ff", "-m", `Merge pull request #${pr.number}: ${pr.title}`, `refs/remotes/fork/${pr.head}`);
    await fork.pushDownstream("stackhpc/2025.1");
    pr.state = "closed";

    say("--- push to stackhpc/2025.1 runs tag-and-release ---\n");
    const checkout = await fork.checkout({ upstreamRemote: "upstream", downstreamRemote: "origin" });
    const tagged = await tagAndRelease({ repo: checkout, release: "2025.1", upstreamRemote: "upstream", downstreamRemote: "origin", github: client, repository: "stackhpc/kolla", log: say });
    say(`\n${tagAndReleaseSummary(tagged)}`);

    say("--- next week: upstream-sync again ---\n");
    const second = await sync();
    for (const r of second.results) say(`${r.series}: ${r.status} — ${r.reason}`);
    if (github.violations.length > 0) throw new Error(`GitHub stand-in saw requests off the spec:\n${github.violations.join("\n")}`);
  } finally {
    await github.stop();
    await fork.remove();
  }
}
