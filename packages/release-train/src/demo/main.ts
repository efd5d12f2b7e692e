// `pnpm start`: the nightly package-snapshot flow on two in-process Pulp emulators ("Ark" and
// "test"), with upstream RPM and Deb repositories written on the fly. Three nights: first sync,
// a no-op night, then an upstream change that makes a new snapshot.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PulpClient } from "@release-train/pulp-client";
import { type Emulator, startEmulator } from "@release-train/pulp-emulator";
import { runSyncPackageReposCli, type SyncPackageReposCliOptions } from "../cli/sync-package-repos";
import { versionFromDate } from "../version";
import { CI_USER, containerDemo, createRegistryUsers } from "./containers";
import { kollaBuildDemo } from "./kolla-build";
import { containerPromotionDemo, promotionDemo } from "./promotion";
import { rpmPackageNevrs } from "./served-packages";
import { demoSourceRepos } from "./source-repos";
import { startUpstreams, writeConfigDir } from "./upstreams";

const ADMIN = { username: "admin", password: "password" };
const say = (text: string) => process.stdout.write(`${text}\n`);
const banner = (text: string) => say(`\n${"=".repeat(78)}\n${text}\n${"=".repeat(78)}`);

async function main(): Promise<void> {
  const started = Date.now();
  const dir = await mkdtemp(join(tmpdir(), "release-train-demo-"));
  const emulators: Emulator[] = [];
  const upstreams = await startUpstreams(join(dir, "upstream"));
  try {
    banner("Setting up: upstream RPM and Deb repositories (written in-process: no system tools)");
    await upstreams.rpm("rocky/9/BaseOS", [
      { name: "demo-tools", version: "1.0" },
      { name: "demo-libs", version: "2.1" },
    ]);
    await upstreams.deb("ubuntu", "jammy", [{ name: "demo-agent", version: "1.0" }]);
    say(`upstreams served at ${upstreams.served.url}`);

    const ark = await startEmulator(ADMIN);
    const test = await startEmulator(ADMIN);
    emulators.push(ark, test);
    say(`Ark (emulated Pulp):  ${ark.url}\ntest (emulated Pulp): ${test.url}`);
    const arkClient = new PulpClient({ baseUrl: ark.url, ...ADMIN });
    await arkClient.contentGuards.rbac.create({ name: "development", description: "development snapshots" });
    await arkClient.close();

    const config = await writeConfigDir(join(dir, "config"), {
      rpm: [
        {
          name: "Rocky Linux 9 - BaseOS (demo)",
          url: upstreams.url("rocky/9/BaseOS"),
          base_path: "rocky/9/BaseOS/x86_64/os/",
          short_name: "rocky_9_baseos",
          sync_group: "rocky_9",
          distribution_name: "rocky-9-baseos-",
        },
      ],
      deb: [
        {
          name: "Ubuntu jammy (demo)",
          url: upstreams.url("ubuntu"),
          architectures: "amd64",
          components: "main",
          distributions: "jammy",
          mode: "verbatim",
          base_path: "ubuntu/jammy/",
          short_name: "ubuntu_jammy",
          sync_group: "ubuntu_jammy",
          distribution_name: "ubuntu-jammy-",
        },
      ],
    });
    say(`config directory: ${config} (rpm-package-repos, deb-package-repos)`);

    const first = new Date();
    const night = async (n: number, title: string) => {
      const version = versionFromDate(new Date(first.getTime() + (n - 1) * 86_400_000));
      banner(`Night ${n}: ${title} — snapshot version ${version}`);
      const common = { config, username: ADMIN.username, concurrency: 4, dryRun: false };
      const env = { PULP_PASSWORD: ADMIN.password };
      say("\n--- release-train sync-package-repos --target ark ---\n");
      const arkRun = await runSyncPackageReposCli({ ...common, pulpUrl: ark.url, target: "ark", version } as SyncPackageReposCliOptions, env);
      say("\n--- release-train sync-package-repos --target test (from Ark's newest snapshots) ---\n");
      const testRun = await runSyncPackageReposCli(
        {
          ...common,
          pulpUrl: test.url,
          target: "test",
          version,
          arkUrl: ark.url,
          arkUsername: ADMIN.username,
          remoteUsername: ADMIN.username,
          remotePassword: ADMIN.password,
        } as SyncPackageReposCliOptions,
        { ...env, ARK_PASSWORD: ADMIN.password },
      );
      if (arkRun.failed.length || testRun.failed.length) throw new Error("the demo run failed (see above)");
    };

    await night(1, "first sync: everything is created");
    await night(2, "nothing changed upstream: syncs run, nothing new is created");
    await upstreams.rpm("rocky/9/BaseOS", [
      { name: "demo-tools", version: "1.1" },
      { name: "demo-libs", version: "2.1" },
    ]);
    await night(3, "demo-tools 1.1 replaced 1.0 upstream (RPM only): a new RPM snapshot, Deb unchanged");

    banner("What the snapshots serve (read through the content apps, like dnf would)");
    const auth = { authorization: `Basic ${Buffer.from(`${ADMIN.username}:${ADMIN.password}`).toString("base64")}` };
    for (const [label, root, n] of [
      ["Ark, night 1", ark.contentUrl, 1],
      ["Ark, night 3", ark.contentUrl, 3],
      ["test, night 3", test.contentUrl, 3],
    ] as const) {
      const version = versionFromDate(new Date(first.getTime() + (n - 1) * 86_400_000));
      const url = `${root}rocky/9/BaseOS/x86_64/os/${version}/`;
      say(`${label.padEnd(14)} ${url}\n${" ".repeat(15)}→ ${(await rpmPackageNevrs(url, auth)).join(", ")}`);
    }
    const guarded = await fetch(`${ark.contentUrl}rocky/9/BaseOS/x86_64/os/${versionFromDate(first)}/repodata/repomd.xml`);
    say(`without credentials Ark answers ${guarded.status} (development content guard)`);

    // One container flow: the Kolla build pushes as CI → publish and mirror → promotion of its pins.
    await createRegistryUsers(ark, ADMIN);
    banner("Kolla images: build with the kayobe double, scan, push into Ark's stackhpc-dev namespace as CI, verify");
    const kolla = await kollaBuildDemo({ dir: join(dir, "kolla"), registry: { host: ark.registryHost, url: ark.url, ...CI_USER }, timestamp: versionFromDate(first), say });
    await containerDemo({ ark, test, admin: ADMIN, config, pushed: kolla.pushed, say, banner });
    await demoSourceRepos(dir, say, banner);

    const version = (n: number) => versionFromDate(new Date(first.getTime() + (n - 1) * 86_400_000));
    await promotionDemo({ ark, admin: ADMIN, config, dir, say, banner, pinned: { rocky_9_baseos: version(1), ubuntu_jammy: version(1) }, unpromoted: version(3), rpmBasePath: "rocky/9/BaseOS/x86_64/os/", rpmUpstream: upstreams.url("rocky/9/BaseOS") });
    const keystone = kolla.pushed.find((i) => i.name === "keystone") as { name: string; tag: string };
    await containerPromotionDemo({ ark, admin: ADMIN, config, kayobeConfig: kolla.kayobeConfig, pull: keystone, dir, say, banner });

    banner(`Done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    say(
      [
        "What happened:",
        " - night 1 created remotes, repositories, publications and guarded distributions <base_path><version> in Ark,",
        "   then test Pulp synced Ark's snapshots on demand and served them at the same base paths;",
        " - night 2 dispatched a sync per repository, found no change and created nothing (versions point at night 1);",
        " - night 3 made a new RPM snapshot (mirror_complete drops demo-tools 1.0); the Deb repository kept night 1's;",
        " - promotion gave night 1's snapshots (as kayobe-config pins them) the release guard: customers get them, not night 3's;",
        " - the Kolla build (kayobe double) pushed its images into Ark's stackhpc-dev as CI and pinned their tag in its",
        "   kayobe-config's kolla-image-tags.yml; publish made the push-created distributions private and created the",
        "   release repositories, and test Pulp mirrored them (anonymous pulls refused, authorised pulls served);",
        " - container promotion copied the tags that kolla-image-tags.yml pins from stackhpc-dev into stackhpc: the customer",
        "   pulls the promoted image there and is refused it in stackhpc-dev.",
      ].join("\n"),
    );
  } finally {
    await Promise.all(emulators.map((e) => e.stop()));
    await upstreams.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
