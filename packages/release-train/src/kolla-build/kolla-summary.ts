// kolla-build's own account of a build, read from its log: the one-line JSON summary it prints
// with `--format json` (its default), else the text summary it logs at the end
// (kolla/image/kolla_worker.py `summary()`: "Successfully built images", "Images that failed to
// build" with "<name> Failed with status: <status>", "Images skipped due to build options",
// "Images not buildable due to build options"). Log lines use Python's BASIC_FORMAT
// `LEVEL:logger:message`.

export interface KollaSummary {
  built: string[];
  failed: { name: string; status: string }[];
  skipped: string[];
  unbuildable: string[];
  notMatched: string[];
}

const SECTIONS: Record<string, keyof KollaSummary> = {
  "Successfully built images": "built",
  "Images that failed to build": "failed",
  "Images skipped due to build options": "skipped",
  "Images not buildable due to build options": "unbuildable",
  "Images not matched for build by regex": "notMatched",
};

const names = (value: unknown): string[] =>
  Array.isArray(value) ? value.map((v) => (v as { name?: unknown }).name).filter((n): n is string => typeof n === "string") : [];

function fromJson(line: string): KollaSummary | undefined {
  if (!line.startsWith("{") || !line.includes('"built"')) return undefined;
  try {
    const data = JSON.parse(line) as Record<string, unknown>;
    if (!Array.isArray(data["built"]) || !Array.isArray(data["failed"])) return undefined;
    return {
      built: names(data["built"]),
      failed: (data["failed"] as { name?: unknown; status?: unknown }[])
        .filter((f) => typeof f.name === "string")
        .map((f) => ({ name: f.name as string, status: String(f.status ?? "error") })),
      skipped: names(data["skipped"]),
      unbuildable: names(data["unbuildable"]),
      notMatched: names(data["not_matched"]),
    };
  } catch {
    return undefined;
  }
}

/** The last summary in `log` (a log may hold several builds: kayobe appends), or undefined. */
export function parseKollaSummary(log: string): KollaSummary | undefined {
  let json: KollaSummary | undefined;
  let text: KollaSummary | undefined;
  let section: keyof KollaSummary | undefined;
  for (const raw of log.split(/\r?\n/)) {
    const line = raw.trim();
    const parsed = fromJson(line);
    if (parsed) {
      json = parsed;
      section = undefined;
      continue;
    }
    const m = /^(DEBUG|INFO|WARNING|ERROR|CRITICAL):[\w.-]+:(.*)$/.exec(line);
    if (!m) {
      section = undefined;
      continue;
    }
    const message = m[2]!.trim();
    if (/^=+$/.test(message)) continue;
    const heading = SECTIONS[message];
    if (heading) {
      // "Successfully built images" opens a new summary.
      if (heading === "built" || !text) text = { built: [], failed: [], skipped: [], unbuildable: [], notMatched: [] };
      section = heading;
      continue;
    }
    if (!section || !text) continue;
    if (section === "failed") {
      const f = /^(\S+) Failed with status: (\S+)/.exec(message);
      if (f) text.failed.push({ name: f[1]!, status: f[2]! });
      else section = undefined;
    } else if (/^[a-z0-9][a-z0-9._-]*$/.test(message)) {
      text[section].push(message);
    } else section = undefined;
  }
  return json ?? text;
}
