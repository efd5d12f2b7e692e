// `release-train promote packages|containers` and `release-train content-guards`: the same code the
// promote action runs. Everything that can be wrong with the inputs is reported before Pulp is
// written to; the plan is printed first; --dry-run stops there; --json prints the result.
import { readFile } from "node:fs/promises";
import { PulpClient, VaultClient } from "@release-train/pulp-client";
import { Command, InvalidArgumentError, Option } from "commander";
import { loadConfig } from "../config";
import { consoleReporter, writeSummary } from "../engine";
import { type AuditRecord, type AuditSource, auditRecord, describeCheckout, writeAuditFile } from "../promote/audit";
import { guardsSpec, type GuardType } from "../promote/guards/config";
import { applyContentGuards, describeGuardsPlan, type GuardsPlan, planContentGuards } from "../promote/guards/ensure";
import { promoteContainers } from "../promote/containers";
import { explicitImageTags, explicitVersions, versionsFromKayobeConfig } from "../promote/inputs";
import { kollaImageTags } from "../promote/kolla/image-tags";
import { promotePackages } from "../promote/packages";
import { promotionSummary } from "../promote/summary";
import { type PromotionItemResult, type PromotionMode, type PromotionResult, statusLine } from "../promote/types";
import { action, UsageError } from "./errors";
import { configOption } from "./options";

export interface PulpConnectionOptions {
  pulpUrl: string;
  username: string;
  password?: string | undefined;
  clientCert?: string | undefined;
  clientKey?: string | undefined;
  caCert?: string | undefined;
}

export interface VaultConnectionOptions {
  vaultUrl?: string | undefined;
  vaultToken?: string | undefined;
  vaultRoleId?: string | undefined;
  vaultSecretId?: string | undefined;
  vaultCaCert?: string | undefined;
}

export interface GuardCliOptions extends PulpConnectionOptions, VaultConnectionOptions {
  config: string;
  guardType?: GuardType | undefined;
  caExpiryWindowWeeks?: number | undefined;
  dryRun?: boolean | undefined;
  json?: boolean | undefined;
}

export interface PromoteCliOptions extends GuardCliOptions {
  kayobeConfig?: string | undefined;
  /** packages: explicit {short_name: version}; containers: see promote-containers. */
  versions?: string | undefined;
  filter?: string | undefined;
  mode?: PromotionMode | undefined;
  allowMissing?: boolean | undefined;
  concurrency?: number | undefined;
  stateFile?: string | undefined;
  waitTimeout?: number | undefined;
  summaryFile?: string | undefined;
  auditFile?: string | undefined;
  /** containers: explicit {image: [tags]} instead of --kayobe-config. */
  tags?: string | undefined;
  /** containers: distros to resolve kolla-image-tags.yml for (default: those the checkout supports). */
  distros?: string | undefined;
  sourceNamespace?: string | undefined;
  releaseNamespace?: string | undefined;
}

type Write = (text: string) => void;

const pem = (file: string | undefined, option: string) =>
  file
    ? readFile(file, "utf8").catch((e: Error) => {
        throw new UsageError(`${option}: cannot read ${file}: ${e.message}`);
      })
    : Promise.resolve(undefined);

export async function pulpClientFrom(opts: PulpConnectionOptions, env: NodeJS.ProcessEnv): Promise<PulpClient> {
  try {
    new URL(opts.pulpUrl);
  } catch {
    throw new UsageError(`--pulp-url: not a URL: ${JSON.stringify(opts.pulpUrl)}`);
  }
  const [clientCert, clientKey, caCert] = await Promise.all([pem(opts.clientCert, "--client-cert"), pem(opts.clientKey, "--client-key"), pem(opts.caCert, "--ca-cert")]);
  return new PulpClient({
    baseUrl: opts.pulpUrl,
    username: opts.username,
    password: opts.password ?? env["PULP_PASSWORD"],
    ...(clientCert ? { clientCert } : {}),
    ...(clientKey ? { clientKey } : {}),
    ...(caCert ? { caCert } : {}),
  });
}

/** Vault for x509 guards: a token (--vault-token / VAULT_TOKEN) or an AppRole (role id + secret id). */
export async function vaultClientFrom(opts: VaultConnectionOptions, env: NodeJS.ProcessEnv): Promise<VaultClient | undefined> {
  const url = opts.vaultUrl ?? env["VAULT_ADDR"];
  if (!url) return undefined;
  const caCert = await pem(opts.vaultCaCert, "--vault-ca-cert");
  const vault = new VaultClient({ url, ...(caCert ? { caCert } : {}) });
  const token = opts.vaultToken ?? env["VAULT_TOKEN"];
  const secretId = opts.vaultSecretId ?? env["VAULT_SECRET_ID"];
  if (opts.vaultRoleId && secretId) await vault.loginAppRole(opts.vaultRoleId, secretId);
  else if (token) await vault.loginToken(token);
  // The CA chains the guards need are public; a login is only checked when credentials are given.
  return vault;
}

export async function runContentGuardsCli(opts: GuardCliOptions, env: NodeJS.ProcessEnv = process.env, write: Write = (t) => process.stdout.write(t)): Promise<GuardsPlan> {
  const config = await loadConfig(opts.config);
  const spec = guardsSpec(config, { type: opts.guardType, expiryWindowWeeks: opts.caExpiryWindowWeeks });
  const pulp = await pulpClientFrom(opts, env);
  try {
    const vault = spec.type === "x509" ? await vaultClientFrom(opts, env) : undefined;
    if (spec.type === "x509" && !vault) throw new UsageError("x509 content guards need --vault-url (or VAULT_ADDR)");
    const plan = await planContentGuards({ pulp, spec, vault });
    if (!opts.json) write(`${opts.dryRun ? "Check mode: " : ""}${describeGuardsPlan(plan)}\n`);
    if (!opts.dryRun) await applyContentGuards(pulp, plan, (line) => !opts.json && write(`${line}\n`));
    if (opts.json) write(`${JSON.stringify({ dryRun: opts.dryRun ?? false, ...plan, items: plan.items.map(({ caCertificate: _, ...i }) => i) }, null, 2)}\n`);
    return plan;
  } finally {
    await pulp.close();
  }
}

export interface PromoteCliResult {
  result: PromotionResult;
  audit: AuditRecord;
}

export async function runPromotePackagesCli(opts: PromoteCliOptions, env: NodeJS.ProcessEnv = process.env, write: Write = (t) => process.stdout.write(t)): Promise<PromoteCliResult> {
  if (!opts.kayobeConfig === !opts.versions) throw new UsageError("give either --kayobe-config <checkout> or --versions <map>, not both or neither");
  const [config, versions] = await Promise.all([
    loadConfig(opts.config),
    opts.kayobeConfig ? versionsFromKayobeConfig(opts.kayobeConfig) : explicitVersions(opts.versions as string),
  ]);
  const guards = guardsSpec(config, { type: opts.guardType, expiryWindowWeeks: opts.caExpiryWindowWeeks });
  const source: AuditSource = { ...(opts.kayobeConfig ? { kayobeConfig: await describeCheckout(opts.kayobeConfig) } : { explicit: true }), filter: opts.filter || undefined };
  const pulp = await pulpClientFrom(opts, env);
  try {
    const vault = guards.type === "x509" ? await vaultClientFrom(opts, env) : undefined;
    if (guards.type === "x509" && !vault) throw new UsageError("x509 content guards need --vault-url (or VAULT_ADDR)");
    const result = await promotePackages({
      pulp,
      config,
      versions,
      filter: opts.filter,
      mode: opts.mode,
      dryRun: opts.dryRun,
      allowMissing: opts.allowMissing,
      guards,
      vault,
      concurrency: opts.concurrency,
      stateFile: opts.stateFile,
      polling: opts.waitTimeout ? { timeoutMs: opts.waitTimeout * 60_000 } : undefined,
      reporter: opts.json ? undefined : consoleReporter<PromotionItemResult>({ actions: env["GITHUB_ACTIONS"] === "true", write, status: statusLine }),
    });
    return await report(result, opts, source, env, write);
  } finally {
    await pulp.close();
  }
}

export async function runPromoteContainersCli(opts: PromoteCliOptions, env: NodeJS.ProcessEnv = process.env, write: Write = (t) => process.stdout.write(t)): Promise<PromoteCliResult> {
  if (!opts.kayobeConfig === !opts.tags) throw new UsageError("give either --kayobe-config <checkout> or --tags <map>, not both or neither");
  const notes: string[] = [];
  let imageTags: Record<string, string[]>;
  if (opts.kayobeConfig) {
    const config = await loadConfig(opts.config);
    const distros = opts.distros?.split(/[\s,]+/).filter(Boolean);
    const resolved = await kollaImageTags({ checkout: opts.kayobeConfig, config, distros, filter: opts.filter });
    imageTags = Object.fromEntries(Object.entries(resolved.images).map(([image, r]) => [image, r.tags]));
    notes.push(`tags resolved for ${resolved.distros.join(", ")} with the tables of ${resolved.tablesSource}`);
    if (resolved.notDeployed.length) notes.push(`not deployed by this kayobe-config branch (not promoted): ${resolved.notDeployed.join(", ")}`);
  } else imageTags = await explicitImageTags(opts.tags as string);
  const source: AuditSource = { ...(opts.kayobeConfig ? { kayobeConfig: await describeCheckout(opts.kayobeConfig) } : { explicit: true }), filter: opts.filter || undefined };
  const pulp = await pulpClientFrom(opts, env);
  try {
    const result = await promoteContainers({
      pulp,
      imageTags,
      filter: opts.filter,
      mode: opts.mode,
      dryRun: opts.dryRun,
      allowMissing: opts.allowMissing,
      namespaces: { ...(opts.sourceNamespace ? { source: opts.sourceNamespace } : {}), ...(opts.releaseNamespace ? { release: opts.releaseNamespace } : {}) },
      concurrency: opts.concurrency,
      stateFile: opts.stateFile,
      notes,
      polling: opts.waitTimeout ? { timeoutMs: opts.waitTimeout * 60_000 } : undefined,
      reporter: opts.json ? undefined : consoleReporter<PromotionItemResult>({ actions: env["GITHUB_ACTIONS"] === "true", write, status: statusLine }),
    });
    return await report(result, opts, source, env, write);
  } finally {
    await pulp.close();
  }
}

/** Summary, audit file, notes and --json: the same for both kinds. */
export async function report(result: PromotionResult, opts: PromoteCliOptions, source: AuditSource, env: NodeJS.ProcessEnv, write: Write): Promise<PromoteCliResult> {
  const audit = auditRecord(result, { pulpUrl: opts.pulpUrl, source, env });
  if (opts.auditFile) await writeAuditFile(opts.auditFile, audit);
  const out: Write = opts.json ? (t) => process.stderr.write(t) : write;
  const warning = await writeSummary(promotionSummary(result, audit), { file: opts.summaryFile, env, write: out });
  if (warning) process.stderr.write(`warning: ${warning}\n`);
  // Printed summaries already carry the notes; a summary file does not reach the log.
  if (opts.summaryFile ?? env["GITHUB_STEP_SUMMARY"]) for (const note of result.notes) out(`note: ${note}\n`);
  if (result.failed.length) out(`${result.failed.length} failed: ${result.failed.map((f) => f.name).join(", ")}\n`);
  if (opts.json) write(`${JSON.stringify({ ...result, audit }, null, 2)}\n`);
  return { result, audit };
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("must be a positive integer");
  return n;
}

function weeks(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError("must be a number of weeks ≥ 0");
  return n;
}

/** Connection options and the check-mode/JSON switches every promotion command takes. */
function addConnectionOptions(command: Command): Command {
  return command
    .addOption(configOption())
    .requiredOption("--pulp-url <url>", "Ark's Pulp URL")
    .requiredOption("--username <name>", "Pulp username")
    .addOption(new Option("--password <password>", "Pulp password").env("PULP_PASSWORD"))
    .option("--client-cert <file>", "client certificate (PEM) for the Pulp API (mutual TLS)")
    .option("--client-key <file>", "its private key (PEM)")
    .option("--ca-cert <file>", "extra CA certificate (PEM) to trust for the Pulp API")
    .option("--dry-run", "check mode: print the plan and write nothing")
    .option("--json", "print the result as JSON on stdout (logs go to stderr)");
}

/** Content-guard options (content-guards, promote packages). */
function addGuardOptions(command: Command): Command {
  return command
    .addOption(new Option("--guard-type <type>", "content guard type (default: dev_pulp_content_guards_type, else rbac)").choices(["rbac", "x509"]))
    .option("--ca-expiry-window-weeks <weeks>", "x509: refuse when a guard CA expires within this many weeks (default 52)", weeks)
    .addOption(new Option("--vault-url <url>", "x509: Vault URL (CA chains of the PKI mounts)").env("VAULT_ADDR"))
    .addOption(new Option("--vault-token <token>", "x509: Vault token").env("VAULT_TOKEN"))
    .option("--vault-role-id <id>", "x509: Vault AppRole role_id (with --vault-secret-id)")
    .addOption(new Option("--vault-secret-id <id>", "x509: Vault AppRole secret_id").env("VAULT_SECRET_ID"))
    .option("--vault-ca-cert <file>", "x509: CA certificate (PEM) to trust for Vault");
}

function addPromoteOptions(command: Command): Command {
  return addConnectionOptions(command)
    .option("--kayobe-config <checkout>", "kayobe-config checkout whose pins are promoted")
    .option("--filter <regexes>", "whitespace-separated regular expressions searched in short_name / image name (OR)", "")
    .addOption(new Option("--mode <mode>", "promote (development → release) or demote (rollback)").choices(["promote", "demote"]).default("promote"))
    .option("--allow-missing", "promote what exists when some sources are missing (they are reported)")
    .option("--concurrency <n>", "items in flight (default: packages 8, containers 2 × Pulp's online workers)", positiveInt)
    .option("--state-file <file>", "JSON file recording dispatched tasks, for re-attaching on re-runs")
    .option("--wait-timeout <minutes>", "stop waiting for a task after this long (re-run to re-attach)", positiveInt)
    .option("--summary-file <file>", "append the Markdown summary here (default: $GITHUB_STEP_SUMMARY)")
    .option("--audit-file <file>", "write the audit record (JSON) here");
}

export function contentGuardsCommand(): Command {
  return addGuardOptions(addConnectionOptions(new Command("content-guards").description("ensure Ark's development and release content guards exist and are right (x509 CAs from Vault, or RBAC groups)"))).action(
    action(async (opts: GuardCliOptions) => {
      await runContentGuardsCli(opts);
    }),
  );
}

export function promoteCommand(): Command {
  const packages = addGuardOptions(addPromoteOptions(new Command("packages").description("give pinned package snapshots the release guard (demote: development)"))
  )
    .option("--versions <json|file>", "explicit {short_name: version} map instead of --kayobe-config")
    .action(
      action(async (opts: PromoteCliOptions) => {
        const { result } = await runPromotePackagesCli(opts);
        if (result.failed.length) process.exitCode = 1;
      }),
    );
  const containers = addPromoteOptions(new Command("containers").description("copy pinned image tags from stackhpc-dev/<image> into stackhpc/<image> (demote: remove them)"))
    .option("--tags <json|file>", "explicit {image: [tags]} map instead of --kayobe-config")
    .option("--distros <names>", "distros to resolve kolla-image-tags.yml for (comma/space-separated; default: those the checkout supports)")
    .option("--source-namespace <name>", "namespace of the push repositories", "stackhpc-dev")
    .option("--release-namespace <name>", "namespace of the release repositories", "stackhpc")
    .action(
      action(async (opts: PromoteCliOptions) => {
        const { result } = await runPromoteContainersCli(opts);
        if (result.failed.length) process.exitCode = 1;
      }),
    );
  return new Command("promote").description("promote package snapshots or container images to release").addCommand(packages).addCommand(containers);
}
