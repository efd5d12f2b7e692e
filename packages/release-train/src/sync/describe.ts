// Human-readable plan, printed before anything is written (and all a dry run does).
import type { ObjectStep, RepoPlan } from "./plan";
import type { SyncTarget } from "./types";

export function describePlan(plans: RepoPlan[], target: SyncTarget, dryRun: boolean): string {
  const lines = [`Plan for ${target} (${plans.length} repositories)${dryRun ? " — dry run, nothing will be written" : ""}:`];
  for (const plan of plans) lines.push(...describeRepo(plan).map((l, i) => (i === 0 ? l : `    ${l}`)));
  return lines.join("\n");
}

function describeRepo(plan: RepoPlan): string[] {
  const { spec } = plan;
  const lines = [`  ${spec.shortName} [${spec.kind}] "${spec.repositoryName}"`];
  if (plan.repository.action === "none" && (!plan.remote || plan.remote.action === "none")) {
    lines.push(plan.remote ? "remote, repository: unchanged" : "repository: unchanged");
  } else {
    if (plan.remote) lines.push(`remote: ${step(plan.remote, spec.remote?.name ?? "")}`);
    lines.push(`repository: ${step(plan.repository, spec.repositoryName)}`);
  }
  if (plan.cleanup.length) lines.push(`cleanup: delete ${plan.cleanup.length} duplicate publication(s)`);
  lines.push(plan.sync ? `sync: ${JSON.stringify(plan.sync)}` : "sync: skipped (sync: false)");
  if (!spec.publish || !spec.distribution) lines.push("publish/distribute: skipped (publish: false)");
  else {
    const guard = spec.distribution.contentGuard ? ` guard=${spec.distribution.contentGuard}` : "";
    const unchanged = !plan.expect.publish && !plan.expect.distribute;
    lines.push(
      `publish: ${spec.publish.kind} of the new version${plan.expect.publish ? " (the latest version has no such publication)" : " if the sync creates one"}`,
      `distribute: ${spec.distribution.name} at ${spec.distribution.basePath}${guard}${unchanged ? " if the sync creates a new version" : ""}`,
    );
  }
  for (const problem of plan.problems) lines.push(`ERROR: ${problem}`);
  return lines;
}

function step(s: ObjectStep, name: string): string {
  if (s.action === "create") return `create ${name}`;
  if (s.action === "update") return `update ${name} (${Object.keys(s.patch).join(", ")})`;
  return "unchanged";
}
