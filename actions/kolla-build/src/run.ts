// The action's work, loaded by main.ts only once the inputs are valid: inputs → library → outputs.
// Everything else lives in @release-train/release-train, shared with `release-train kolla-build`.
import * as core from "@actions/core";
import { failuresOf, finishKollaBuild, planFromOptions, readResults, runKollaBuild, writeKollaSummary } from "@release-train/release-train";
import type { ActionInputs } from "./inputs";

export async function run(inputs: ActionInputs): Promise<void> {
  try {
    await build(inputs);
  } catch (error) {
    core.setFailed(error instanceof Error ? error.message : String(error));
  }
}

async function build(inputs: ActionInputs): Promise<void> {
  const request = {
    regexes: inputs.regexes,
    overcloud: inputs.overcloud,
    seed: inputs.seed,
    distros: inputs.distros,
    openstackRelease: inputs["openstack-release"],
    timestamp: inputs.timestamp,
    kayobeConfig: inputs["kayobe-config"],
  };
  if (inputs.mode === "plan") {
    const plan = await planFromOptions(request);
    core.setOutput("matrix", JSON.stringify(plan.matrix));
    core.setOutput("timestamp", plan.timestamp);
    core.setOutput("openstack-release", plan.openstackRelease);
    core.setOutput("tags", JSON.stringify(Object.fromEntries(plan.distros.map((d) => [d.name, d.tag]))));
    core.info(plan.distros.map((d) => `${d.name}: ${d.tag}`).join("\n"));
    return;
  }
  if (inputs.mode === "finish") return finish(inputs);

  const result = await runKollaBuild({
    ...request,
    buildCommand: inputs["build-command"],
    buildArgs: inputs["build-args"],
    kollaLog: inputs["kolla-log"],
    engine: inputs.engine,
    ociDir: inputs["oci-dir"],
    registry: inputs.registry ?? "",
    namespace: inputs.namespace,
    registryUrl: inputs["registry-url"],
    insecureRegistry: inputs["insecure-registry"],
    registryUsername: inputs["registry-username"],
    registryPassword: inputs["registry-password"],
    push: inputs.push,
    pushDirty: inputs["push-dirty"],
    pushAttempts: inputs["push-attempts"],
    pushRetryDelayMs: inputs["push-retry-delay"] * 1000,
    concurrency: inputs.concurrency,
    scan: inputs.scan,
    scanCommand: inputs["scan-command"].length ? inputs["scan-command"] : undefined,
    logDir: inputs["log-dir"],
    dryRun: inputs["check-mode"],
    actions: true,
  });
  const images = result.results.flatMap((r) =>
    r.images.map(({ name, reference, distro, tag, built, scan, pushed, digest, held, error }) => ({ name, reference, distro, tag, built, scan, pushed, digest, held, error })),
  );
  core.setOutput("tag", result.results[0]?.tag ?? "");
  core.setOutput("timestamp", result.plan.timestamp);
  core.setOutput("openstack-release", result.plan.openstackRelease);
  core.setOutput("tags", JSON.stringify(Object.fromEntries(result.plan.distros.map((d) => [d.name, d.tag]))));
  core.setOutput("images", JSON.stringify(images));
  core.setOutput("failed", JSON.stringify(result.failures));
  core.setOutput("log-dir", inputs["log-dir"]);
  const warning = await writeKollaSummary(result.results, undefined, process.env["GITHUB_STEP_SUMMARY"], (t) => process.stdout.write(t));
  if (warning) core.warning(warning);
  for (const f of result.failures) core.error(f);
  if (result.failures.length) core.setFailed(`${result.failures.length} failure(s); the images that built were still pushed and are listed above`);
}

async function finish(inputs: ActionInputs): Promise<void> {
  const results = await readResults(inputs.results!);
  const repository = inputs["container-sync-repository"];
  const out = await finishKollaBuild(results, {
    kayobeConfig: inputs["kayobe-config"],
    updateImageTags: inputs["update-image-tags"],
    githubToken: inputs["github-token"],
    apiUrl: process.env["GITHUB_API_URL"],
    branchSuffix: `${results[0]?.tag.split("-").at(-1) ?? "run"}`,
    dryRun: inputs["check-mode"],
    dispatch: repository
      ? { token: inputs["container-sync-token"]!, repository, workflow: inputs["container-sync-workflow"], ref: inputs["container-sync-ref"], inputs: inputs["container-sync-inputs"] }
      : undefined,
  });
  core.setOutput("pull-request", out.proposal?.pullRequest?.url ?? "");
  core.setOutput("sync-filter", out.dispatched?.filter ?? "");
  const failures = [...failuresOf(results), ...out.failures];
  core.setOutput("failed", JSON.stringify(failures));
  const warning = await writeKollaSummary(results, out, process.env["GITHUB_STEP_SUMMARY"], (t) => process.stdout.write(t));
  if (warning) core.warning(warning);
  for (const f of out.failures) core.error(f);
  if (out.failures.length) core.setFailed(out.failures.join("; "));
}
