// `pnpm bench <name>` runs bench/<name>.ts. Benchmarks print human-readable progress and end with
// one JSON line of figures (performance figures live here, never in timed unit tests).
import { readdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const name = process.argv[2];
const available = (await readdir(here)).filter((f) => f.endsWith(".ts") && f !== "run.ts").map((f) => f.slice(0, -3));
if (!name || !available.includes(name)) {
  process.stderr.write(`usage: pnpm bench <name>\navailable: ${available.sort().join(", ")}\n`);
  process.exit(2);
}
const bench = (await import(join(here, `${name}.ts`))) as { main(args: string[]): Promise<void> };
await bench.main(process.argv.slice(3));
