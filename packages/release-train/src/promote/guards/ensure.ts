// `release-train content-guards` (and promotion's first step): the development and release guards
// exist and are right. x509 guards trust the CA chains of Vault PKI mounts; a missing CA or one that
// expires inside the window refuses the whole run before any write, naming the CA and its expiry.
// RBAC guards grant core.rbaccontentguard_downloader to the configured groups (missing groups are
// refused too: add_role would fail half-way).
import { X509Certificate } from "node:crypto";
import { DOWNLOADER_ROLE, type PulpClient, type VaultClient } from "@release-train/pulp-client";
import type { GuardsSpec, GuardType, RbacGuardSpec, X509GuardSpec } from "./config";

export interface CaCertificate {
  mount: string;
  subject: string;
  notAfter: string;
  fingerprint: string;
  pem: string;
}

export interface GuardPlanItem {
  name: string;
  type: GuardType;
  action: "create" | "update" | "none";
  href?: string | undefined;
  /** Lines of the diff (what changes and from what). */
  changes: string[];
  /** x509: the bundle to store and what it holds. */
  caCertificate?: string | undefined;
  cas?: CaCertificate[] | undefined;
  /** rbac */
  description?: string | undefined;
  addRoles?: { role: string; groups: string[] }[] | undefined;
  removeRoles?: { role: string; groups: string[] }[] | undefined;
}

export interface GuardsPlan {
  type: GuardType;
  expiryWindowWeeks?: number | undefined;
  items: GuardPlanItem[];
  /** guard name → href (undefined until created). */
  hrefs: Record<string, string | undefined>;
}

export class GuardRefusedError extends Error {
  override name = "GuardRefusedError";
  constructor(readonly problems: string[]) {
    super(`content guards: refusing to proceed (nothing was written):\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
}

const WEEK_MS = 7 * 86_400_000;
const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

export function pemCertificates(bundle: string): string[] {
  return bundle.match(PEM_BLOCK) ?? [];
}

function describeCa(pem: string, mount: string): CaCertificate {
  const cert = new X509Certificate(pem);
  const cn = /(?:^|\n)CN=([^\n]+)/.exec(cert.subject)?.[1] ?? cert.subject.replaceAll("\n", ", ");
  return { mount, subject: cn, notAfter: new Date(cert.validTo).toISOString(), fingerprint: cert.fingerprint256, pem: `${pem.trim()}\n` };
}

function fingerprints(bundle: string): Set<string> {
  const out = new Set<string>();
  for (const pem of pemCertificates(bundle)) {
    try {
      out.add(new X509Certificate(pem).fingerprint256);
    } catch {
      out.add(`unparsable:${pem.length}`);
    }
  }
  return out;
}

export interface PlanGuardsOptions {
  pulp: PulpClient;
  spec: GuardsSpec;
  /** Needed for x509 guards. */
  vault?: VaultClient | undefined;
  now?: Date | undefined;
}

export async function planContentGuards(options: PlanGuardsOptions): Promise<GuardsPlan> {
  const { spec } = options;
  if (spec.type === "x509") return planX509(options, spec.guards, spec.expiryWindowWeeks);
  return planRbac(options.pulp, spec.guards);
}

async function planX509(options: PlanGuardsOptions, guards: X509GuardSpec[], windowWeeks: number): Promise<GuardsPlan> {
  if (!options.vault) throw new Error("x509 content guards need Vault (--vault-url and a token or AppRole)");
  const vault = options.vault;
  const now = options.now ?? new Date();
  const limit = new Date(now.getTime() + windowWeeks * WEEK_MS);
  const problems: string[] = [];
  const chains = new Map<string, Promise<CaCertificate[] | undefined>>();
  const chainOf = (mount: string) => {
    let chain = chains.get(mount);
    if (!chain) {
      chain = vault.readCaChain(mount).then(
        (pems) => {
          if (!pems.length) {
            problems.push(`CA certificate of Vault PKI mount ${mount} is missing (the mount has no CA)`);
            return undefined;
          }
          return pems.map((pem) => describeCa(pem, mount));
        },
        (error: unknown) => {
          problems.push(`CA certificate of Vault PKI mount ${mount} is missing: ${(error as Error).message}`);
          return undefined;
        },
      );
      chains.set(mount, chain);
    }
    return chain;
  };
  const items: GuardPlanItem[] = [];
  const hrefs: Record<string, string | undefined> = {};
  const reported = new Set<string>();
  for (const guard of guards) {
    const cas: CaCertificate[] = [];
    for (const mount of guard.pkiMounts) {
      for (const ca of (await chainOf(mount)) ?? []) if (!cas.some((c) => c.fingerprint === ca.fingerprint)) cas.push(ca);
    }
    for (const ca of cas) {
      if (reported.has(ca.fingerprint) || new Date(ca.notAfter) > limit) continue;
      reported.add(ca.fingerprint);
      const when = new Date(ca.notAfter) <= now ? "expired on" : "expires on";
      problems.push(`CA "${ca.subject}" (Vault PKI mount ${ca.mount}, in guard ${guard.name}) ${when} ${ca.notAfter}, within the ${windowWeeks}-week window: renew it first`);
    }
    const bundle = cas.map((c) => c.pem).join("");
    const existing = await options.pulp.contentGuards.x509.findOne({ name: guard.name });
    hrefs[guard.name] = existing?.pulp_href;
    const list = (xs: CaCertificate[]) => xs.map((c) => `${c.subject} (until ${c.notAfter.slice(0, 10)})`).join(", ");
    if (!existing) {
      items.push({ name: guard.name, type: "x509", action: "create", changes: [`create, trusting ${list(cas)}`], caCertificate: bundle, cas, description: guard.description });
      continue;
    }
    const have = fingerprints(existing.ca_certificate);
    const want = new Set(cas.map((c) => c.fingerprint));
    const same = have.size === want.size && [...want].every((f) => have.has(f));
    if (same) items.push({ name: guard.name, type: "x509", action: "none", href: existing.pulp_href, changes: [], cas });
    else {
      const removed = pemCertificates(existing.ca_certificate).filter((pem) => {
        try {
          return !want.has(new X509Certificate(pem).fingerprint256);
        } catch {
          return true;
        }
      });
      const added = cas.filter((c) => !have.has(c.fingerprint));
      const changes = [
        ...removed.map((pem) => {
          try {
            const c = describeCa(pem, "");
            return `ca_certificate: - ${c.subject} (until ${c.notAfter.slice(0, 10)})`;
          } catch {
            return "ca_certificate: - an unparsable certificate";
          }
        }),
        ...added.map((c) => `ca_certificate: + ${c.subject} (until ${c.notAfter.slice(0, 10)})`),
      ];
      items.push({ name: guard.name, type: "x509", action: "update", href: existing.pulp_href, changes, caCertificate: bundle, cas });
    }
  }
  if (problems.length) throw new GuardRefusedError(problems);
  return { type: "x509", expiryWindowWeeks: windowWeeks, items, hrefs };
}

async function planRbac(pulp: PulpClient, guards: RbacGuardSpec[]): Promise<GuardsPlan> {
  const problems: string[] = [];
  const wanted = new Set(guards.flatMap((g) => g.roles.flatMap((r) => r.groups)));
  const groups = new Set((await pulp.groups.listAll({}, { pageSize: 1000 })).map((g) => g.name));
  const missing = [...wanted].filter((g) => !groups.has(g));
  if (missing.length) problems.push(`group${missing.length > 1 ? "s" : ""} ${missing.join(", ")} do${missing.length > 1 ? "" : "es"} not exist in Pulp (create ${missing.length > 1 ? "them" : "it"} first)`);
  const items: GuardPlanItem[] = [];
  const hrefs: Record<string, string | undefined> = {};
  for (const guard of guards) {
    const existing = await pulp.contentGuards.rbac.findOne({ name: guard.name });
    hrefs[guard.name] = existing?.pulp_href;
    const current = existing ? (await pulp.contentGuards.rbac.listRoles(existing.pulp_href)).roles : [];
    const addRoles: { role: string; groups: string[] }[] = [];
    const removeRoles: { role: string; groups: string[] }[] = [];
    const changes: string[] = [];
    const roleNames = new Set([...guard.roles.map((r) => r.role), ...current.filter((r) => r.role === DOWNLOADER_ROLE).map((r) => r.role)]);
    for (const role of roleNames) {
      const want = new Set(guard.roles.filter((r) => r.role === role).flatMap((r) => r.groups));
      const have = new Set(current.filter((r) => r.role === role).flatMap((r) => r.groups ?? []));
      const add = [...want].filter((g) => !have.has(g));
      const remove = [...have].filter((g) => !want.has(g));
      if (add.length) {
        addRoles.push({ role, groups: add });
        changes.push(`${role}: + groups ${add.join(", ")}`);
      }
      if (remove.length) {
        removeRoles.push({ role, groups: remove });
        changes.push(`${role}: - groups ${remove.join(", ")}`);
      }
    }
    const descriptionChanged = existing && guard.description !== undefined && (existing.description ?? undefined) !== guard.description;
    if (descriptionChanged) changes.unshift(`description: ${JSON.stringify(existing.description ?? null)} → ${JSON.stringify(guard.description)}`);
    const action = !existing ? "create" : changes.length ? "update" : "none";
    if (!existing) changes.unshift("create");
    items.push({ name: guard.name, type: "rbac", action, href: existing?.pulp_href, changes, description: guard.description, addRoles, removeRoles });
  }
  if (problems.length) throw new GuardRefusedError(problems);
  return { type: "rbac", items, hrefs };
}

export function describeGuardsPlan(plan: GuardsPlan): string {
  const head = `content guards (${plan.type}${plan.expiryWindowWeeks !== undefined ? `, CA expiry window ${plan.expiryWindowWeeks} weeks` : ""}):`;
  const lines = plan.items.map((item) => {
    if (item.action === "none") {
      const cas = item.cas?.length ? ` (trusts ${item.cas.map((c) => `${c.subject} until ${c.notAfter.slice(0, 10)}`).join(", ")})` : "";
      return `  = ${item.name}: up to date${cas}`;
    }
    const mark = item.action === "create" ? "+" : "~";
    return `  ${mark} ${item.name}: ${item.changes.join("; ")}`;
  });
  return [head, ...lines].join("\n");
}

/** Applies the plan (guards are synchronous in Pulp: no tasks). Returns guard name → href. */
export async function applyContentGuards(pulp: PulpClient, plan: GuardsPlan, log: (line: string) => void = () => {}): Promise<Record<string, string>> {
  const hrefs: Record<string, string> = {};
  for (const item of plan.items) {
    let href = item.href;
    if (item.type === "x509") {
      if (item.action === "create") {
        // The client's create looks the guard up by name when its answer was lost: never two.
        href = (await pulp.contentGuards.x509.create({ name: item.name, description: item.description ?? null, ca_certificate: item.caCertificate ?? "" })).pulp_href;
      } else if (item.action === "update" && href) {
        await pulp.contentGuards.x509.update(href as never, { ca_certificate: item.caCertificate ?? "" });
      }
    } else {
      if (item.action === "create") {
        href = (await pulp.contentGuards.rbac.create({ name: item.name, description: item.description ?? null })).pulp_href;
      } else if (item.action === "update" && href && item.changes.some((c) => c.startsWith("description:"))) {
        await pulp.contentGuards.rbac.update(href as never, { description: item.description ?? null });
      }
      for (const r of item.removeRoles ?? []) await pulp.contentGuards.rbac.removeRole(href as never, { role: r.role, groups: r.groups });
      for (const r of item.addRoles ?? []) await pulp.contentGuards.rbac.addRole(href as never, { role: r.role, groups: r.groups });
    }
    if (item.action !== "none") log(`content guard ${item.name}: ${item.changes.join("; ")}`);
    if (href) hrefs[item.name] = href;
  }
  return hrefs;
}
