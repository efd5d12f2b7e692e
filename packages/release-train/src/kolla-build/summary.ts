// Job summary of a Kolla build: one row per image (failures first), then every failure.
import { table } from "../summary/markdown";
import type { DistroResult } from "./run";

export function kollaBuildSummary(results: DistroResult[], extra: string[] = []): string {
  const out: string[] = [];
  for (const r of results) {
    const pushed = r.images.filter((i) => i.pushed).length;
    out.push(`### Kolla images ${r.distro}, tag \`${r.tag}\``, "");
    out.push(`${r.images.filter((i) => i.built).length} built, ${pushed} pushed, ${r.failures.length} failures.${r.skipped.length ? ` Skipped by kolla-build: ${r.skipped.join(", ")}.` : ""}`, "");
    const rows = [...r.images]
      .sort((a, b) => Number(Boolean(b.error || !b.built)) - Number(Boolean(a.error || !a.built)) || a.name.localeCompare(b.name))
      .map((i) => [
        i.error || !i.built ? `❌ ${i.name}` : i.name,
        i.built ? "yes" : "no",
        i.scan + (i.vulnerabilities ? ` (${i.vulnerabilities})` : ""),
        i.pushed ? `yes${i.attempts && i.attempts > 1 ? ` (attempt ${i.attempts})` : ""}` : i.held ? `held: ${i.held}` : "no",
        i.digest ? `\`${i.digest}\`` : "",
      ]);
    if (rows.length) out.push(table(["Image", "Built", "Scan", "Pushed", "Digest"], rows), "");
    if (r.failures.length) {
      out.push("**Failures**", "");
      for (const f of r.failures) out.push(`- ${f.stage}${f.image ? ` ${f.image}` : ""}: ${f.message}`);
      out.push("");
    }
  }
  out.push(...extra);
  return `${out.join("\n")}\n`;
}
