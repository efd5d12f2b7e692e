// Vulnerability scan of each built image, sorted into clean / dirty / critical as kayobe-config's
// tools/scan-images.sh does: HIGH and CRITICAL fixed vulnerabilities count, the allow-list in
// etc/kayobe/trivy/allowed-vulnerabilities.yml (`global_allowed_vulnerabilities`,
// `<image_with_underscores>_allowed_vulnerabilities`) is ignored, and a CRITICAL finding in a
// package whose name contains "kernel" does not make an image critical (only dirty).
//
// Scanner contract: the scan command (default Trivy, below) is run with the image reference as its
// last argument and prints a Trivy JSON report on stdout:
//   {"Results": [{"Target": "…", "Vulnerabilities": [{"VulnerabilityID": "CVE-…",
//     "PkgName": "openssl", "Severity": "CRITICAL", …}]}]}
// Results without Vulnerabilities (or `null`) mean none. Any other scanner can honour this.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parse } from "yaml";
import type { Runner } from "./exec";

export const DEFAULT_SCAN_COMMAND = [
  "trivy",
  "image",
  "--quiet",
  "--format",
  "json",
  "--scanners",
  "vuln",
  "--severity",
  "HIGH,CRITICAL",
  "--ignore-unfixed",
];

export const ALLOWED_VULNERABILITIES_FILE = "etc/kayobe/trivy/allowed-vulnerabilities.yml";

export type ScanClass = "clean" | "dirty" | "critical";

export interface Vulnerability {
  id: string;
  severity: string;
  pkg: string;
}

export interface ScanResult {
  class?: ScanClass;
  /** Findings that count (allow-listed ones removed). */
  vulnerabilities: Vulnerability[];
  /** The scanner's report, kept for upload. */
  reportFile?: string;
  /** The scanner failed or printed no report. */
  error?: string;
}

export type AllowList = (image: string) => Set<string>;

export async function loadAllowList(kayobeConfigDir: string | undefined): Promise<AllowList> {
  if (!kayobeConfigDir) return () => new Set();
  const file = join(kayobeConfigDir, ALLOWED_VULNERABILITIES_FILE);
  const text = await readFile(file, "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return "";
    throw error;
  });
  const data = (parse(text) ?? {}) as Record<string, unknown>;
  if (typeof data !== "object" || Array.isArray(data)) throw new Error(`${file} is not a mapping`);
  const list = (key: string) => (Array.isArray(data[key]) ? (data[key] as unknown[]).map(String) : []);
  const global = list("global_allowed_vulnerabilities");
  return (image) => new Set([...global, ...list(`${image.replace(/-/g, "_")}_allowed_vulnerabilities`)]);
}

export function classify(vulnerabilities: Vulnerability[]): ScanClass {
  if (vulnerabilities.length === 0) return "clean";
  return vulnerabilities.some((v) => v.severity === "CRITICAL" && !v.pkg.includes("kernel")) ? "critical" : "dirty";
}

/** Findings of a Trivy JSON report; throws when it is not one. */
export function reportVulnerabilities(report: unknown): Vulnerability[] {
  const results = (report as { Results?: unknown } | null)?.Results;
  if (results === undefined || results === null) return [];
  if (!Array.isArray(results)) throw new Error("report `Results` is not an array");
  return results.flatMap((r) =>
    ((r as { Vulnerabilities?: unknown[] | null }).Vulnerabilities ?? []).map((v) => {
      const item = v as { VulnerabilityID?: unknown; Severity?: unknown; PkgName?: unknown };
      return { id: String(item.VulnerabilityID ?? "?"), severity: String(item.Severity ?? "UNKNOWN").toUpperCase(), pkg: String(item.PkgName ?? "") };
    }),
  );
}

export interface ScanOptions {
  command: string[];
  run: Runner;
  allowList: AllowList;
  /** Directory for the reports. */
  reportDir: string;
  env?: Record<string, string> | undefined;
}

export async function scanImage(image: { name: string; reference: string }, options: ScanOptions): Promise<ScanResult & { missing?: boolean }> {
  const [command, ...args] = options.command;
  const result = await options.run(command!, [...args, image.reference], { env: options.env, keep: 64 * 1024 * 1024 });
  if (result.exitCode === 127) return { vulnerabilities: [], missing: true, error: `scanner ${command} not found` };
  let report: unknown;
  try {
    report = JSON.parse(result.stdout);
  } catch {
    return { vulnerabilities: [], error: `scanner exited ${result.exitCode} without a JSON report: ${result.stderr.trim().slice(-500)}` };
  }
  const reportFile = join(options.reportDir, `${image.name}.json`);
  await writeFile(reportFile, `${JSON.stringify(report, null, 2)}\n`);
  try {
    const allowed = options.allowList(image.name);
    const vulnerabilities = reportVulnerabilities(report).filter((v) => !allowed.has(v.id));
    return { class: classify(vulnerabilities), vulnerabilities, reportFile };
  } catch (error) {
    return { vulnerabilities: [], reportFile, error: `scanner report: ${(error as Error).message}` };
  }
}
