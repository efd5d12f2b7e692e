// `pnpm bench <name>` runs bench/<name>.ts. Benchmarks print human-readable progress and end with
// one JSON line of figures (performance figures live here, never in timed unit tests).
import { readdir, readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const name = process.argv[2];
// A benchmark is a module exporting `main`; the others (e.g. squeezer-baseline) are its helpers.
const available: string[] = [];
for (const file of await readdir(here)) {
  if (!file.endsWith(".ts") || file === "run.ts") continue;
  if (/^export async function main\(/m.test(await readFile(join(here, file), "utf8"))) available.push(file.slice(0, -3));
}
if (!name || !available.includes(name)) {
  process.stderr.write(`usage: pnpm bench <name>\navailable: ${available.sort().join(", ")}\n`);
  process.exit(2);
}
const bench = (await import(join(here, `${name}.ts`))) as { main(args: string[]): Promise<void> };
await bench.main(process.argv.slice(3));
