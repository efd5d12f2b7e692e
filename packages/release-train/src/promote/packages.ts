// Package promotion: each pinned snapshot's distribution `<distribution_name><version>` in Ark gets
// the release guard (demote: back to development). Reads Ark once (distributions of both kinds and
// all guards), plans every snapshot, refuses before any write when a distribution is missing (unless
// allow-missing), prints the plan, stops there in check mode, else ensures the guards and patches
// the distributions with bounded concurrency through the shared engine. Already right = no write.
import { asHref, type PulpClient, type Query, type VaultClient } from "@release-train/pulp-client";
import { allPackageRepos } from "../config";
import type { PackageRepo, ReleaseTrainConfig } from "../config/types";
import { applyItems, openPulpTasks, type Polling, type Reporter, StateFile } from "../engine";
import { compileFilter } from "../selection";
import { DEVELOPMENT_GUARD, type GuardsSpec, RELEASE_GUARD } from "./guards/config";
import { applyContentGuards, describeGuardsPlan, type GuardsPlan, planContentGuards } from "./guards/ensure";
import { MissingSourcesError, PROMOTION_RETRIES, type PromotionItemResult, type PromotionMode, type PromotionResult } from "./types";

const PAGE = { pageSize: 1000 };

export interface PackageTarget {
  shortName: string;
  kind: "rpm" | "deb";
  version: string;
  distributionName: string;
}

/** Configured, published repositories pinned in `versions` and matching `filter`. */
export function packageTargets(repos: readonly PackageRepo[], versions: Record<string, string>, filter?: string) {
  const patterns = compileFilter(filter);
  const matches = (name: string) => patterns.length === 0 || patterns.some((re) => re.test(name));
  const known = new Set(repos.map((r) => r.short_name));
  const targets: PackageTarget[] = [];
  for (const repo of repos) {
    const version = versions[repo.short_name];
    if (!repo.publish || version === undefined || !matches(repo.short_name)) continue;
    targets.push({ shortName: repo.short_name, kind: repo.kind, version, distributionName: `${repo.distribution_name}${version}` });
  }
  const unknown = Object.keys(versions).filter((s) => !known.has(s) && matches(s));
  return { targets, unknown };
}

export interface PackagePlanItem {
  target: PackageTarget;
  /** Undefined = the distribution does not exist. */
  href?: string | undefined;
  basePath?: string | undefined;
  /** Guard name now (href when the guard has no name we know; null = unguarded). */
  from: string | null;
  to: string;
  action: "patch" | "skip" | "missing";
}

interface DistributionLike {
  pulp_href: string;
  name: string;
  base_path: string;
  content_guard?: string | null | undefined;
}

export function planPackages(
  targets: readonly PackageTarget[],
  distributions: Record<"rpm" | "deb", readonly DistributionLike[]>,
  guardNames: ReadonlyMap<string, string>,
  target: { name: string; href: string | undefined },
): PackagePlanItem[] {
  const byName = { rpm: new Map(distributions.rpm.map((d) => [d.name, d])), deb: new Map(distributions.deb.map((d) => [d.name, d])) };
  return targets.map((t) => {
    const d = byName[t.kind].get(t.distributionName);
    if (!d) return { target: t, from: null, to: target.name, action: "missing" };
    const current = d.content_guard ?? null;
    const from = current === null ? null : (guardNames.get(current) ?? current);
    const right = target.href !== undefined && current === target.href;
    return { target: t, href: d.pulp_href, basePath: d.base_path, from, to: target.name, action: right ? "skip" : "patch" };
  });
}

export function describePackagePlan(items: readonly PackagePlanItem[], mode: PromotionMode, dryRun: boolean): string {
  const patch = items.filter((i) => i.action === "patch");
  const head = `${dryRun ? "Check mode: would " : ""}${mode} ${patch.length} of ${items.length} package snapshot(s):`;
  const lines = items.map((i) => {
    const d = i.target.distributionName;
    if (i.action === "missing") return `  ! ${i.target.shortName}: distribution ${d} not found`;
    if (i.action === "skip") return `  = ${i.target.shortName}: ${d} already ${i.to}`;
    return `  ~ ${i.target.shortName}: ${d}: content_guard ${i.from ?? "none"} → ${i.to}`;
  });
  return [head, ...lines].join("\n");
}

export interface PromotePackagesOptions {
  pulp: PulpClient;
  config: ReleaseTrainConfig;
  versions: Record<string, string>;
  filter?: string | undefined;
  mode?: PromotionMode | undefined;
  dryRun?: boolean | undefined;
  allowMissing?: boolean | undefined;
  guards: GuardsSpec;
  vault?: VaultClient | undefined;
  concurrency?: number | undefined;
  stateFile?: string | undefined;
  reporter?: Reporter<PromotionItemResult> | undefined;
  polling?: Polling | undefined;
  now?: Date | undefined;
}

export async function promotePackages(options: PromotePackagesOptions): Promise<PromotionResult> {
  const startedAt = new Date().toISOString();
  const mode = options.mode ?? "promote";
  const dryRun = options.dryRun ?? false;
  const { targets, unknown } = packageTargets(allPackageRepos(options.config), options.versions, options.filter);
  const notes = unknown.length ? [`pinned but not in the release-train configuration (ignored): ${unknown.join(", ")}`] : [];
  if (!targets.length) throw new Error(`nothing to ${mode}: no configured repository is pinned${options.filter ? ` and matches filter ${JSON.stringify(options.filter)}` : ""}`);

  // Guards first: a missing or expiring CA refuses the run before anything is written.
  const guards = await planContentGuards({ pulp: options.pulp, spec: options.guards, vault: options.vault, now: options.now });
  const [rpm, deb, allGuards] = await Promise.all([
    options.pulp.distributions.rpm.listAll({ name__in: targets.filter((t) => t.kind === "rpm").map((t) => t.distributionName) } as Query, PAGE),
    options.pulp.distributions.deb.listAll({ name__in: targets.filter((t) => t.kind === "deb").map((t) => t.distributionName) } as Query, PAGE),
    options.pulp.contentGuards.any.listAll({}, PAGE),
  ]);
  const guardNames = new Map(allGuards.map((g) => [g.pulp_href as string, g.name]));
  const targetName = mode === "promote" ? RELEASE_GUARD : DEVELOPMENT_GUARD;
  const plan = planPackages(targets, { rpm, deb }, guardNames, { name: targetName, href: guards.hrefs[targetName] });
  const missing = plan.filter((i) => i.action === "missing");
  if (missing.length && !options.allowMissing) {
    throw new MissingSourcesError("distribution(s)", missing.map((i) => `${i.target.shortName}: ${i.target.kind} distribution ${i.target.distributionName}`));
  }
  const planText = `${describeGuardsPlan(guards)}\n${describePackagePlan(plan, mode, dryRun)}`;
  options.reporter?.plan?.(planText);

  const base = { kind: "packages" as const, mode, dryRun, planText, guards, notes, startedAt };
  if (dryRun) {
    const items = plan.map((i) => planned(i, mode));
    return finish({ ...base, items });
  }

  const hrefs = await applyContentGuards(options.pulp, guards);
  const guardHref = hrefs[targetName];
  if (!guardHref) throw new Error(`content guard ${targetName} does not exist after ensuring the guards`);
  const stateKey = (i: PackagePlanItem) => StateFile.key("promote-packages", i.target.distributionName);
  const { watcher, tasks } = await openPulpTasks(options.pulp, {
    stateFile: options.stateFile,
    scope: "ark",
    keys: plan.map(stateKey),
    polling: options.polling,
    retries: PROMOTION_RETRIES,
  });
  try {
    const items = await applyItems(plan, {
      concurrency: options.concurrency ?? 8,
      key: (i) => i.target.shortName,
      stateKey,
      tasks,
      reporter: options.reporter,
      init: (i) => ({ ...planned(i, mode), status: i.action === "patch" ? mode === "promote" ? "promoted" : "demoted" : planned(i, mode).status, moves: [] }),
      apply: async (i, result, ctx) => {
        if (i.action !== "patch" || !i.href) return;
        const href = i.href;
        // A PATCH of one field: the same effect when repeated after a lost answer or a failed task.
        await ctx.task(mode, async () => (await options.pulp.distributions[i.target.kind].update(asHref(href), { content_guard: guardHref } as never)).href, {
          repeatable: true,
        });
        result.moves.push({ object: i.target.distributionName, from: i.from, to: i.to });
        ctx.did(`${i.target.distributionName}: content_guard ${i.from ?? "none"} → ${i.to}`);
      },
    });
    for (const r of items) if (r.error) r.status = "failed";
    return finish({ ...base, items });
  } finally {
    watcher.close();
    options.reporter?.close?.();
  }
}

function planned(i: PackagePlanItem, mode: PromotionMode): PromotionItemResult {
  const status = i.action === "missing" ? "missing" : i.action === "skip" ? "skipped" : "planned";
  const note = i.action === "missing" ? `distribution ${i.target.distributionName} not found` : i.action === "skip" ? `already ${i.to}` : undefined;
  const moves = i.action === "patch" ? [{ object: i.target.distributionName, from: i.from, to: i.to }] : [];
  return { name: i.target.shortName, status, moves, note, changed: false, actions: i.action === "patch" ? [`${mode} ${i.target.distributionName}`] : [], tasks: [], durationMs: 0 };
}

function finish(r: Omit<PromotionResult, "failed" | "missing" | "finishedAt">): PromotionResult {
  return { ...r, failed: r.items.filter((i) => i.error), missing: r.items.filter((i) => i.status === "missing"), finishedAt: new Date().toISOString() };
}

export type { GuardsPlan };
