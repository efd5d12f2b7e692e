// Job summary of a Kolla build: one row per image (failures first), then every failure.
import { summaryMarkdown } from "../engine";
import type { DistroResult } from "./run";

export function kollaBuildSummary(results: DistroResult[], extra: string[] = []): string {
  const out: string[] = [];
  for (const r of results) {
    const pushed = r.images.filter((i) => i.pushed).length;
    const skipped = r.skipped.length ? ` Skipped by kolla-build: ${r.skipped.join(", ")}.` : "";
    out.push(
      summaryMarkdown({
        title: `### Kolla images ${r.distro}, tag \`${r.tag}\``,
        counts: `${r.images.filter((i) => i.built).length} built, ${pushed} pushed, ${r.failures.length} failures.${skipped}`,
        header: ["Image", "Built", "Scan", "Pushed", "Digest"],
        items: r.images.map((i) => ({ ...i, error: i.error ?? (i.built ? undefined : "not built") })),
        compare: (a, b) => a.name.localeCompare(b.name),
        row: (i) => [
          i.error ? `❌ ${i.name}` : i.name,
          i.built ? "yes" : "no",
          i.scan + (i.vulnerabilities ? ` (${i.vulnerabilities})` : ""),
          i.pushed ? `yes${i.attempts && i.attempts > 1 ? ` (attempt ${i.attempts})` : ""}` : i.held ? `held: ${i.held}` : "no",
          i.digest ? `\`${i.digest}\`` : "",
        ],
      }),
    );
    if (r.failures.length) out.push("**Failures**", "", ...r.failures.map((f) => `- ${f.stage}${f.image ? ` ${f.image}` : ""}: ${f.message}`), "");
  }
  out.push(...extra);
  return `${out.join("\n")}\n`;
}
