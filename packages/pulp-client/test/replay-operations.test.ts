/**
 * Release-train operations written as the release train will call them, replayed against real
 * Pulp traffic: each test asserts the client hit the recorded endpoints with equivalent bodies
 * (the replay server answers 500 on any difference) and returned the recorded results.
 */
import { validateRequest } from "@release-train/test-support/openapi";
import { isApiSpecFetch, loadRecording, type ReplayServer, startReplay } from "@release-train/test-support/replay";
import { describeWithShared } from "@release-train/test-support/shared";
import { afterEach, expect, it } from "vitest";
import { type ContentGuardHref, createdResources, PulpClient, type RpmDistributionHref, versionHref } from "../src/index";

let replay: ReplayServer | undefined;
let client: PulpClient | undefined;
afterEach(async () => {
  await client?.close();
  await replay?.stop();
  client = replay = undefined;
});

async function replaying(name: string): Promise<PulpClient> {
  replay = await startReplay(name, { skip: isApiSpecFetch });
  client = new PulpClient({ baseUrl: replay.url, username: "admin", password: "password", retry: { retries: 0 } });
  return client;
}

const fast = { pollMinMs: 1, pollMaxMs: 5 };

function assertReplayedExactly() {
  expect(replay!.mismatches).toEqual([]);
  expect(replay!.remaining()).toEqual([]);
  for (const req of replay!.received) {
    expect(validateRequest(req.method, req.path, req.body), `${req.method} ${req.path}`).toEqual([]);
    expect(req.headers.authorization).toMatch(/^Basic /);
  }
}

/** The response body of the n-th non-api.json interaction. */
const recorded = (name: string, n: number) => loadRecording(name).filter((i) => !isApiSpecFetch(i))[n]!.responseBody;

describeWithShared("release-train operations against recorded Pulp traffic", () => {
  it("rpm_remote-0: find the remote, create it when missing", async () => {
    const c = await replaying("rpm_remote-0");
    expect(await c.remotes.rpm.findOne({ name: "test_rpm_remote" })).toBeUndefined();
    const remote = await c.remotes.rpm.create({
      name: "test_rpm_remote",
      url: "http://mirror.example.org/pub/centos/8/BaseOS/x86_64/os/",
      proxy_url: "http://proxy.int:3128",
    });
    expect(remote).toEqual(recorded("rpm_remote-0", 1));
    expect(remote.policy).toBe("immediate");
    assertReplayedExactly();
  });

  it("rpm_sync-0: sync a repository from its remote and get the new version", async () => {
    const c = await replaying("rpm_sync-0");
    const remote = await c.remotes.rpm.findOne({ name: "test_rpm_remote" });
    const repo = await c.repositories.rpm.findOne({ name: "test_rpm_repository" });
    expect(remote && repo).toBeTruthy();
    const handle = await c.repositories.rpm.sync(repo!.pulp_href, { remote: remote!.pulp_href, sync_policy: "additive" });
    const polled: string[] = [];
    const task = await handle.wait({ ...fast, onPoll: (t) => polled.push(t.state) });
    expect(polled).toEqual(["running", "running", "running", "running", "running", "completed"]);
    expect(createdResources(task)).toEqual([versionHref(repo!.pulp_href, 1)]);
    assertReplayedExactly();
  });

  it("rpm_publication-0: publish the latest version unless a publication exists", async () => {
    const c = await replaying("rpm_publication-0");
    const repo = await c.repositories.rpm.findOne({ name: "test_rpm_repository" });
    const version = repo!.latest_version_href!;
    expect(await c.publications.rpm.findOne({ repository_version: version })).toBeUndefined();
    const task = await (await c.publications.rpm.create({ repository_version: version })).wait(fast);
    const [pubHref] = createdResources(task);
    const publication = await c.publications.rpm.get(pubHref as never);
    expect(publication.repository_version).toBe(version);
    expect(publication).toEqual(recorded("rpm_publication-0", 5));
    assertReplayedExactly();
  });

  it("rpm_distribution-2: resolve a guard by name and create a guarded distribution", async () => {
    const c = await replaying("rpm_distribution-2");
    const guard = await c.contentGuards.any.findOne({ name: "test_content_guard" });
    expect(guard?.pulp_href).toMatch(/contentguards\/certguard\/x509\//);
    expect(await c.distributions.rpm.findOne({ name: "test_rpm_distribution" })).toBeUndefined();
    const publication = (loadRecording("rpm_distribution-2")[2]!.requestBody as { publication: string }).publication;
    const task = await (
      await c.distributions.rpm.create({
        name: "test_rpm_distribution",
        base_path: "test_rpm_base_path",
        generate_repo_config: true,
        publication: publication as never,
        repository: null,
        content_guard: guard!.pulp_href as ContentGuardHref,
      })
    ).wait(fast);
    const dist = await c.distributions.rpm.get(createdResources(task)[0] as RpmDistributionHref);
    expect(dist.base_url).toBe("http://localhost:8080/pulp/content/test_rpm_base_path/");
    expect(dist.content_guard).toBe(guard!.pulp_href);
    expect(replay!.mismatches).toEqual([]);
    expect(replay!.remaining()).toEqual([]);
  });

  it("rpm_distribution-5: promote by switching a distribution from publication to repository", async () => {
    const c = await replaying("rpm_distribution-5");
    const repo = await c.repositories.rpm.findOne({ name: "test_rpm_repository" });
    const dist = await c.distributions.rpm.findOne({ name: "test_rpm_distribution" });
    await (await c.distributions.rpm.update(dist!.pulp_href, { repository: repo!.pulp_href, publication: null })).wait(fast);
    const after = await c.distributions.rpm.get(dist!.pulp_href);
    expect(after.repository).toBe(repo!.pulp_href);
    expect(after.publication).toBeNull();
    assertReplayedExactly();
  });

  it("x509_cert_guard-0 and -2: create a cert guard, then update its description", async () => {
    const ca = (loadRecording("x509_cert_guard-0")[2]!.requestBody as { ca_certificate: string }).ca_certificate;
    let c = await replaying("x509_cert_guard-0");
    expect(await c.contentGuards.x509.findOne({ name: "test_x509_cert_guard" })).toBeUndefined();
    const guard = await c.contentGuards.x509.create({ name: "test_x509_cert_guard", description: null, ca_certificate: ca });
    expect(guard.ca_certificate).toBe(ca);
    assertReplayedExactly();
    await client!.close();
    await replay!.stop();

    c = await replaying("x509_cert_guard-2");
    const found = await c.contentGuards.x509.findOne({ name: "test_x509_cert_guard" });
    const updated = await c.contentGuards.x509.update(found!.pulp_href, { description: "cert guard created via ansible" });
    expect(updated.description).toBe("cert guard created via ansible");
    assertReplayedExactly();
  });

  it("container_sync-0: sync a container repository", async () => {
    const c = await replaying("container_sync-0");
    const repo = await c.repositories.container.findOne({ name: "test_container_repository" });
    const remote = await c.remotes.container.findOne({ name: "test_container_remote" });
    const task = await (await c.repositories.container.sync(repo!.pulp_href, { remote: remote!.pulp_href })).wait(fast);
    expect(createdResources(task)).toEqual([versionHref(repo!.pulp_href, 1)]);
    assertReplayedExactly();
  });

  it("container_distribution-1 and -4: distribute a container repository, then make it private", async () => {
    let c = await replaying("container_distribution-1");
    const repo = await c.repositories.container.findOne({ name: "test_container_repository" });
    expect(await c.distributions.container.findOne({ name: "test_container_distribution" })).toBeUndefined();
    const task = await (
      await c.distributions.container.create({
        base_path: "test_container_base_path",
        repository: repo!.pulp_href,
        name: "test_container_distribution",
      })
    ).wait(fast);
    const dist = await c.distributions.container.get(createdResources(task)[0] as never);
    expect(dist.registry_path).toBe("localhost:8080/test_container_base_path");
    expect(dist.private).toBe(false);
    assertReplayedExactly();
    await client!.close();
    await replay!.stop();

    c = await replaying("container_distribution-4");
    await c.repositories.container.findOne({ name: "test_container_repository" });
    const existing = await c.distributions.container.findOne({ name: "test_container_distribution" });
    await (await c.distributions.container.update(existing!.pulp_href, { private: true })).wait(fast);
    expect((await c.distributions.container.get(existing!.pulp_href)).private).toBe(true);
    assertReplayedExactly();
  });

  it("container_remote-2: update include/exclude tags and policy", async () => {
    const c = await replaying("container_remote-2");
    const patch = loadRecording("container_remote-2").find((i) => i.method === "PATCH")!.requestBody as Record<
      string,
      unknown
    >;
    const remote = await c.remotes.container.findOne({ name: "test_container_remote" });
    await (await c.remotes.container.update(remote!.pulp_href, patch)).wait(fast);
    const after = await c.remotes.container.get(remote!.pulp_href);
    expect(after).toMatchObject({ include_tags: ["bar"], exclude_tags: ["foo"], policy: "on_demand" });
    expect(after.hidden_fields?.map((f) => f.name)).toContain("client_key");
    assertReplayedExactly();
  });

  it("task-2: cancel a running task", async () => {
    const c = await replaying("task-2");
    const href = (recorded("task-2", 0) as { pulp_href: string }).pulp_href as never;
    expect((await c.tasks.get(href)).state).toBe("running");
    expect((await c.tasks.cancel(href)).state).toBe("canceling");
    expect((await c.tasks.get(href)).state).toBe("canceled");
    assertReplayedExactly();
  });
});
