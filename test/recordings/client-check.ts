/**
 * Client line: every recorded response the client models must parse with the zod schema the
 * client uses for it (`schemaForResponse` from @release-train/pulp-client).
 */
import { schemaForResponse } from "@release-train/pulp-client";
import { OMITTED_SPEC, type RecordingFile } from "./recordings";

interface SafeParser {
  safeParse(data: unknown): { success: boolean; error?: { issues: unknown[] } };
}

export type SchemaForResponse = (method: string, path: string, status: number) => SafeParser | undefined;

export interface ClientFailure {
  where: string;
  path: string;
  issues: unknown[];
}

export interface ClientReport {
  passed: number;
  failed: number;
  /** Responses the client does not model (api.json, file plugin…). */
  unmodelled: number;
  failures: ClientFailure[];
}

/** The client's `schemaForResponse`. */
export async function loadSchemaForResponse(): Promise<SchemaForResponse> {
  return schemaForResponse;
}

export function checkClient(files: RecordingFile[], schemaFor: SchemaForResponse): ClientReport {
  const report: ClientReport = { passed: 0, failed: 0, unmodelled: 0, failures: [] };
  for (const file of files) {
    file.interactions.forEach((it, index) => {
      if (it.responseBody === OMITTED_SPEC || it.invalid) {
        report.unmodelled++;
        return;
      }
      const schema = schemaFor(it.method, it.path, it.status);
      if (!schema) {
        report.unmodelled++;
        return;
      }
      const result = schema.safeParse(it.responseBody);
      if (result.success) {
        report.passed++;
      } else {
        report.failed++;
        report.failures.push({
          where: `${file.name}#${index}`,
          path: `${it.method} ${it.path}`,
          issues: result.error?.issues ?? [],
        });
      }
    });
  }
  return report;
}

export function formatClientReport(report: ClientReport, maxDetails = 20): string[] {
  const lines: string[] = [];
  for (const f of report.failures.slice(0, maxDetails)) {
    lines.push(`  ${f.where} ${f.path}`);
    for (const issue of f.issues.slice(0, 5)) lines.push(`    ${JSON.stringify(issue)}`);
  }
  if (report.failures.length > maxDetails) {
    lines.push(`  … and ${report.failures.length - maxDetails} more client failures`);
  }
  lines.push(`  (${report.unmodelled} recorded responses are not modelled by the client)`);
  lines.push(`client: ${report.passed} passed, ${report.failed} failed`);
  return lines;
}
