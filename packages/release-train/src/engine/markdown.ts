// Small Markdown helpers for GitHub job summaries.

/** A table cell: pipes escaped, newlines flattened (a cell is one line in GFM). */
export function cell(value: string | number | undefined): string {
  if (value === undefined || value === "") return "";
  return String(value).replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, "<br>");
}

export function table(header: string[], rows: (string | number | undefined)[][]): string {
  const line = (cells: (string | number | undefined)[]) => `| ${cells.map(cell).join(" | ")} |`;
  return [line(header), `|${header.map(() => " --- ").join("|")}|`, ...rows.map(line)].join("\n");
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}
