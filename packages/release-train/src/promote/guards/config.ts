// Which content guards Ark's snapshots carry, from the release-train configuration:
// `dev_pulp_content_guards_type` (rbac, today's default, or x509), `dev_pulp_content_guards_rbac`
// (as today's dev-pulp-repos file defines it) or `dev_pulp_content_guards_x509` (guard name →
// the Vault PKI mounts whose CA chains form its ca_certificate), and the CA expiry window.
import { ConfigError, type ConfigProblem } from "../../config/errors";
import type { ReleaseTrainConfig } from "../../config/types";

export type GuardType = "rbac" | "x509";
export const RELEASE_GUARD = "release";
export const DEVELOPMENT_GUARD = "development";

export interface RbacGuardSpec {
  name: string;
  description?: string | undefined;
  /** role → groups that hold it on the guard. */
  roles: { role: string; groups: string[] }[];
}

export interface X509GuardSpec {
  name: string;
  description?: string | undefined;
  /** Vault PKI mounts whose CA chains (issuing CA up to the root) the guard trusts. */
  pkiMounts: string[];
}

export type GuardsSpec =
  | { type: "rbac"; guards: RbacGuardSpec[] }
  | { type: "x509"; guards: X509GuardSpec[]; expiryWindowWeeks: number };

/** Vault stand-in / today's PKI: build and test certificates come from pki_dev, client certificates from pki_client. */
export const DEFAULT_X509_GUARDS: X509GuardSpec[] = [
  { name: RELEASE_GUARD, description: "x509 content guard for released distributions", pkiMounts: ["pki_dev", "pki_client"] },
  { name: DEVELOPMENT_GUARD, description: "x509 content guard for development distributions", pkiMounts: ["pki_dev"] },
];
export const DEFAULT_EXPIRY_WINDOW_WEEKS = 52;

export interface GuardsOverrides {
  type?: GuardType | undefined;
  expiryWindowWeeks?: number | undefined;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
const stringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === "string" && x !== "");

export function guardsSpec(config: ReleaseTrainConfig, overrides: GuardsOverrides = {}): GuardsSpec {
  const problems: ConfigProblem[] = [];
  const problem = (variable: string, path: string, message: string) => {
    const at = config.variableSources[variable] ?? { file: "", line: 1, column: 1 };
    problems.push({ file: at.file, line: at.line, column: at.column, path, message });
  };
  const configured = config.variables["dev_pulp_content_guards_type"];
  if (configured !== undefined && configured !== "rbac" && configured !== "x509") {
    problem("dev_pulp_content_guards_type", "dev_pulp_content_guards_type", `must be rbac or x509, not ${JSON.stringify(configured)}`);
  }
  const type: GuardType = overrides.type ?? ((configured as GuardType | undefined) ?? "rbac");
  let spec: GuardsSpec | undefined;
  if (type === "rbac") {
    const raw = config.variables["dev_pulp_content_guards_rbac"];
    const guards: RbacGuardSpec[] = [];
    if (raw === undefined) problem("dev_pulp_content_guards_rbac", "dev_pulp_content_guards_rbac", "RBAC content guards are not configured (variable dev_pulp_content_guards_rbac)");
    else if (!Array.isArray(raw)) problem("dev_pulp_content_guards_rbac", "dev_pulp_content_guards_rbac", "must be a list of guards");
    else
      for (const [i, entry] of raw.entries()) {
        const path = `dev_pulp_content_guards_rbac[${i}]`;
        if (!isObject(entry) || typeof entry["name"] !== "string") {
          problem("dev_pulp_content_guards_rbac", path, "must be a mapping with a name");
          continue;
        }
        if (entry["state"] !== undefined && entry["state"] !== "present") continue; // absent guards are not managed here
        const rawRoles = entry["roles"] ?? [];
        if (!Array.isArray(rawRoles)) {
          problem("dev_pulp_content_guards_rbac", `${path}.roles`, "must be a list");
          continue;
        }
        const roles: RbacGuardSpec["roles"] = [];
        for (const [j, r] of rawRoles.entries()) {
          if (!isObject(r) || typeof r["role"] !== "string" || !stringList(r["groups"] ?? [])) {
            problem("dev_pulp_content_guards_rbac", `${path}.roles[${j}]`, "must be {role: <name>, groups: [<group>, …]}");
          } else roles.push({ role: r["role"], groups: (r["groups"] as string[] | undefined) ?? [] });
        }
        guards.push({ name: entry["name"], description: typeof entry["description"] === "string" ? entry["description"] : undefined, roles });
      }
    spec = { type, guards };
  } else {
    const raw = config.variables["dev_pulp_content_guards_x509"];
    let guards = DEFAULT_X509_GUARDS;
    if (raw !== undefined) {
      guards = [];
      if (!Array.isArray(raw)) problem("dev_pulp_content_guards_x509", "dev_pulp_content_guards_x509", "must be a list of guards");
      else
        raw.forEach((entry, i) => {
          const path = `dev_pulp_content_guards_x509[${i}]`;
          if (!isObject(entry) || typeof entry["name"] !== "string" || !stringList(entry["pki_mounts"]) || entry["pki_mounts"].length === 0) {
            problem("dev_pulp_content_guards_x509", path, "must be {name: <guard>, pki_mounts: [<Vault PKI mount>, …]}");
          } else
            guards.push({
              name: entry["name"],
              description: typeof entry["description"] === "string" ? entry["description"] : undefined,
              pkiMounts: entry["pki_mounts"],
            });
        });
    }
    const rawWindow = config.variables["dev_pulp_content_guards_ca_expiry_window_weeks"];
    if (rawWindow !== undefined && !(typeof rawWindow === "number" && rawWindow >= 0)) {
      problem("dev_pulp_content_guards_ca_expiry_window_weeks", "dev_pulp_content_guards_ca_expiry_window_weeks", "must be a number of weeks ≥ 0");
    }
    const expiryWindowWeeks = overrides.expiryWindowWeeks ?? (typeof rawWindow === "number" ? rawWindow : DEFAULT_EXPIRY_WINDOW_WEEKS);
    spec = { type, guards, expiryWindowWeeks };
  }
  for (const name of [RELEASE_GUARD, DEVELOPMENT_GUARD]) {
    if (!spec.guards.some((g) => g.name === name)) {
      const variable = type === "rbac" ? "dev_pulp_content_guards_rbac" : "dev_pulp_content_guards_x509";
      if (type === "x509" && config.variables[variable] === undefined) continue;
      problem(variable, variable, `no ${name} guard is configured (promotion needs both ${RELEASE_GUARD} and ${DEVELOPMENT_GUARD})`);
    }
  }
  if (problems.length) throw new ConfigError(config.dir, problems);
  return spec;
}
