// The same no-op night done the way today's Ansible roles do it (stackhpc.pulp roles over
// pulp.squeezer modules): per repository and per module, look objects up one at a time by name,
// dispatch the sync, poll its task every second (pulp-glue's wait), then look up the publication
// and the distribution. The request pattern follows the recordings rpm_remote-1, rpm_repository-2,
// rpm_sync-1, rpm_publication-1 and rpm_distribution-3 (../shared/pulp/recordings). It is the
// baseline `noop-sync` measures itself against in the same run.
import type { PulpClient } from "@release-train/pulp-client";
import pLimit from "p-limit";
import { FINAL_STATES } from "../packages/release-train/src/engine/task-watcher";
import type { PackageRepoEntry } from "../packages/release-train/src/sync/types";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function squeezerNight(
  client: PulpClient,
  entries: PackageRepoEntry[],
  names: { remote(e: PackageRepoEntry): string; repository(e: PackageRepoEntry): string; distribution(e: PackageRepoEntry): string },
  concurrency: number,
): Promise<void> {
  const limit = pLimit(concurrency);
  await Promise.all(
    entries.map((e) =>
      limit(async () => {
        const remotes = e.kind === "rpm" ? client.remotes.rpm : client.remotes.deb;
        const repos = e.kind === "rpm" ? client.repositories.rpm : client.repositories.deb;
        // pulp_repository role: remote, then repository.
        await remotes.findOne({ name: names.remote(e) });
        await repos.findOne({ name: names.repository(e) });
        // rpm_sync / deb_sync module: looks both up again, dispatches, waits.
        const remote = await remotes.findOne({ name: names.remote(e) });
        const repo = await repos.findOne({ name: names.repository(e) });
        if (!remote || !repo) throw new Error(`baseline: ${e.short_name} not found`);
        const task =
          e.kind === "rpm"
            ? await client.repositories.rpm.sync(repo.pulp_href as never, { remote: remote.pulp_href, sync_policy: "mirror_complete" } as never)
            : await client.repositories.deb.sync(repo.pulp_href as never, { remote: remote.pulp_href, mirror: true } as never);
        for (;;) {
          await sleep(1000);
          if (FINAL_STATES.has((await client.tasks.get(task.href)).state)) break;
        }
        // pulp_publication role: repository, then the publication of its latest version.
        const again = await repos.findOne({ name: names.repository(e) });
        const publications = e.kind === "rpm" ? client.publications.rpm : client.publications.debVerbatim;
        for await (const _ of publications.list({ repository_version: again?.latest_version_href ?? "" }, { pageSize: 1 })) break;
        // pulp_distribution role: content guard, then the distribution.
        await client.contentGuards.any.findOne({ name: "development" });
        const dists = e.kind === "rpm" ? client.distributions.rpm : client.distributions.deb;
        await dists.findOne({ name: names.distribution(e) });
      }),
    ),
  );
}
