import { readFileSync } from "node:fs";
import { describeWithShared, openapiSpecPath } from "@release-train/test-support";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Emulator } from "../../src/index";
import { fakeEngine } from "./fake-engine";
import { type Api, startApi } from "./helpers";

type Schemas = Record<string, { properties?: Record<string, unknown> }>;

describeWithShared("API field sets equal the pulpcore 3.24.1 response schemas", () => {
  let emu: Emulator;
  let api: Api;
  let schemas: Schemas;
  const objects: Record<string, Record<string, unknown>> = {};

  beforeAll(async () => {
    schemas = JSON.parse(readFileSync(openapiSpecPath()!, "utf8")).components.schemas;
    ({ emu, api } = await startApi({ engine: fakeEngine({ revision: "1", packages: ["a"] }) }));
    const rpmRemote = await api.create("/pulp/api/v3/remotes/rpm/rpm/", { name: "r", url: "http://u/" });
    objects["rpm.RpmRemoteResponse"] = rpmRemote;
    objects["deb.AptRemoteResponse"] = await api.create("/pulp/api/v3/remotes/deb/apt/", { name: "d", url: "http://u/", distributions: "x" });
    objects["container.ContainerRemoteResponse"] = await api.create("/pulp/api/v3/remotes/container/container/", { name: "c", url: "http://u/", upstream_name: "x" });
    const rpmRepo = await api.create("/pulp/api/v3/repositories/rpm/rpm/", { name: "r", remote: rpmRemote.pulp_href });
    objects["rpm.RpmRepositoryResponse"] = rpmRepo;
    const debRepo = await api.create("/pulp/api/v3/repositories/deb/apt/", { name: "d" });
    objects["deb.AptRepositoryResponse"] = debRepo;
    const ctrRepo = await api.create("/pulp/api/v3/repositories/container/container/", { name: "c" });
    objects["container.ContainerRepositoryResponse"] = ctrRepo;
    const sync = await api.task("POST", `${rpmRepo.pulp_href}sync/`, {});
    objects["TaskResponse"] = sync;
    objects["RepositoryVersionResponse"] = (await api.get(sync.created_resources[0])).body;
    objects["rpm.PackageResponse"] = (await api.get("/pulp/api/v3/content/rpm/packages/")).body.results[0];
    const rpmPub = (await api.task("POST", "/pulp/api/v3/publications/rpm/rpm/", { repository: rpmRepo.pulp_href })).created_resources[0];
    objects["rpm.RpmPublicationResponse"] = (await api.get(rpmPub)).body;
    const aptPub = (await api.task("POST", "/pulp/api/v3/publications/deb/apt/", { repository: debRepo.pulp_href })).created_resources[0];
    objects["deb.AptPublicationResponse"] = (await api.get(aptPub)).body;
    const verbatim = (await api.task("POST", "/pulp/api/v3/publications/deb/verbatim/", { repository: debRepo.pulp_href })).created_resources[0];
    objects["deb.VerbatimPublicationResponse"] = (await api.get(verbatim)).body;
    objects["rpm.RpmDistributionResponse"] = await api.create("/pulp/api/v3/distributions/rpm/rpm/", { name: "r", base_path: "r", publication: rpmPub });
    objects["deb.AptDistributionResponse"] = await api.create("/pulp/api/v3/distributions/deb/apt/", { name: "d", base_path: "d", publication: aptPub });
    objects["container.ContainerDistributionResponse"] = await api.create("/pulp/api/v3/distributions/container/container/", { name: "c", base_path: "c", repository: ctrRepo.pulp_href });
    objects["RBACContentGuardResponse"] = await api.create("/pulp/api/v3/contentguards/core/rbac/", { name: "g" });
    objects["UserResponse"] = await api.create("/pulp/api/v3/users/", { username: "u" });
    objects["GroupResponse"] = await api.create("/pulp/api/v3/groups/", { name: "g" });
    objects["StatusResponse"] = (await api.get("/pulp/api/v3/status/")).body;
    const fileRepo = await api.create("/pulp/api/v3/repositories/file/file/", { name: "f" });
    objects["file.FileRepositoryResponse"] = fileRepo;
    objects["file.FileRemoteResponse"] = await api.create("/pulp/api/v3/remotes/file/file/", { name: "f", url: "http://u/PULP_MANIFEST" });
    const filePub = (await api.task("POST", "/pulp/api/v3/publications/file/file/", { repository: fileRepo.pulp_href })).created_resources[0];
    objects["file.FilePublicationResponse"] = (await api.get(filePub)).body;
    objects["file.FileDistributionResponse"] = await api.create("/pulp/api/v3/distributions/file/file/", { name: "f", base_path: "f", publication: filePub });
  });
  afterAll(async () => {
    expect(api.violations).toEqual([]);
    await emu.stop();
  });

  it("returns exactly the schema's properties for every object kind", () => {
    const mismatches: string[] = [];
    for (const [schema, body] of Object.entries(objects)) {
      const want = Object.keys(schemas[schema]?.properties ?? {}).sort();
      expect(want.length, schema).toBeGreaterThan(0);
      const have = Object.keys(body).sort();
      const missing = want.filter((k) => !have.includes(k));
      const extra = have.filter((k) => !want.includes(k));
      if (missing.length || extra.length) mismatches.push(`${schema}: missing ${missing.join(",") || "-"}; extra ${extra.join(",") || "-"}`);
    }
    expect(mismatches).toEqual([]);
  });
});
