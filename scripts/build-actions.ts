/**
 * Bundles every `actions/<name>/src/main.ts` into `actions/<name>/dist/index.js` with esbuild (one
 * minified ESM entry whose dynamically imported part is split into `dist/chunks/`,
 * `dist/licenses.txt` listing the bundled packages) and fails loudly — exit 1,
 * nothing half-written is accepted — when:
 * - esbuild reports an error or a warning (a minifier that "prints an error and exits 0" is how
 *   ncc 0.38 shipped unminified bundles),
 * - two versions of one package end up in a bundle (e.g. two undici copies),
 * - a bundle pulls in a package or path listed in `FORBIDDEN` (zod's translations),
 * - a bundle is larger than `MAX_BYTES`.
 * Usage: `tsx scripts/build-actions.ts [<action dir or name>…]` (default: all actions).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build, type Metafile } from "esbuild";

export const MAX_BYTES = 1.5 * 1024 * 1024;

/** Inputs no bundle may contain, with the reason printed when one does. */
const FORBIDDEN: { pattern: RegExp; why: string }[] = [
  { pattern: /\/zod\/(v4\/)?locales\/(?!en\.|index\.)/, why: "zod's translations (only English messages are used)" },
  { pattern: /\/node_modules\/@vercel\/ncc\//, why: "the old bundler" },
];

const root = resolve(fileURLToPath(import.meta.url), "../..");

export interface BundleReport {
  action: string;
  /** All JavaScript in dist/ (entry and chunks). */
  bytes: number;
  /** dist/index.js alone: what a run with bad inputs loads (with the chunks it imports statically). */
  entryBytes: number;
  packages: Map<string, Set<string>>; // name → versions
  problems: string[];
}

/** Every action with a `src/main.ts`, by directory name. */
export function actionNames(repoRoot = root): string[] {
  const dir = join(repoRoot, "actions");
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(dir, e.name, "src/main.ts")))
    .map((e) => e.name)
    .sort();
}

export async function buildAction(action: string, repoRoot = root): Promise<BundleReport> {
  const dir = join(repoRoot, "actions", action);
  const dist = join(dir, "dist");
  rmSync(dist, { recursive: true, force: true });
  mkdirSync(dist, { recursive: true });
  const problems: string[] = [];
  const result = await build({
    entryPoints: [join(dir, "src/main.ts")],
    // The entry stays small: what main.ts loads with `await import()` (the library, undici,
    // @actions/*) goes into chunks that Node reads only after the inputs passed.
    outdir: dist,
    entryNames: "index",
    chunkNames: "chunks/[name]-[hash]",
    splitting: true,
    bundle: true,
    platform: "node",
    target: "node24",
    format: "esm",
    minify: true,
    metafile: true,
    legalComments: "none",
    logLevel: "silent",
    absWorkingDir: repoRoot,
    // `module` has the conditional exports meant for bundlers (zod, p-limit are ESM already).
    mainFields: ["module", "main"],
    // CommonJS dependencies (undici, @actions/*) call require() on Node built-ins.
    banner: { js: 'import{createRequire as __cr}from"node:module";const require=__cr(import.meta.url);' },
  }).catch((error: { errors?: { text: string }[] }) => {
    problems.push(...(error.errors ?? [{ text: String(error) }]).map((e) => `esbuild: ${e.text}`));
    return undefined;
  });
  for (const w of result?.warnings ?? []) {
    problems.push(`esbuild warning: ${w.text}${w.location ? ` (${w.location.file}:${w.location.line})` : ""}`);
  }
  // What is in the output, not merely parsed: tree-shaken modules do not count.
  const inputs = result ? bundledInputs(result.metafile) : [];
  const packages = bundledPackages(inputs, repoRoot);
  for (const [name, versions] of packages) {
    if (versions.size > 1) problems.push(`${versions.size} copies of ${name} (${[...versions].sort().join(", ")}): make them resolve to one (pnpm overrides)`);
  }
  for (const rule of FORBIDDEN) {
    const hits = inputs.filter((input) => rule.pattern.test(`/${input}`));
    if (hits.length) problems.push(`bundles ${hits.length} file(s) of ${rule.why}, e.g. ${hits[0]}: they must stay out`);
  }
  const entryBytes = existsSync(join(dist, "index.js")) ? statSync(join(dist, "index.js")).size : 0;
  // The limit holds for everything a run may load, entry and chunks together.
  const bytes = Object.entries(result?.metafile.outputs ?? {}).reduce((n, [file, out]) => n + (file.endsWith(".js") ? out.bytes : 0), 0);
  if (result && bytes > MAX_BYTES) problems.push(`dist/ JavaScript is ${bytes} bytes, over the ${MAX_BYTES} limit`);
  if (result) {
    writeFileSync(join(dist, "package.json"), '{"type":"module"}\n');
    writeFileSync(join(dist, "licenses.txt"), licenses(inputs, repoRoot));
  }
  return { action, bytes, entryBytes, packages, problems };
}

interface PackageId {
  name: string;
  version: string;
  dir: string;
}

/** The package (name, version, directory) an input path belongs to, from its nearest node_modules. */
function packageOf(input: string, repoRoot: string): PackageId | undefined {
  const m = /^(.*node_modules\/((?:@[^/]+\/)?[^/]+))\//.exec(input);
  if (!m) return undefined;
  const dir = join(repoRoot, m[1]!);
  const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { version: string };
  return { name: m[2]!, version: manifest.version, dir };
}

function bundledInputs(metafile: Metafile): string[] {
  return Object.values(metafile.outputs).flatMap((out) =>
    Object.entries(out.inputs).flatMap(([input, { bytesInOutput }]) => (bytesInOutput > 0 ? [input] : [])),
  );
}

function bundledPackages(inputs: string[], repoRoot: string): Map<string, Set<string>> {
  const found = new Map<string, Set<string>>();
  for (const input of inputs) {
    const pkg = packageOf(input, repoRoot);
    if (!pkg) continue;
    const versions = found.get(pkg.name) ?? new Set<string>();
    versions.add(pkg.version);
    found.set(pkg.name, versions);
  }
  return new Map([...found].sort(([a], [b]) => a.localeCompare(b)));
}

/** `name@version` + license + its LICENSE text, for every third-party package in the bundle. */
function licenses(inputs: string[], repoRoot: string): string {
  const dirs = new Map<string, PackageId>();
  for (const input of inputs) {
    const pkg = packageOf(input, repoRoot);
    if (pkg) dirs.set(`${pkg.name}@${pkg.version}`, pkg);
  }
  const sections: string[] = [];
  for (const [id, pkg] of [...dirs].sort(([a], [b]) => a.localeCompare(b))) {
    const manifest = JSON.parse(readFileSync(join(pkg.dir, "package.json"), "utf8")) as { license?: string };
    const file = readdirSync(pkg.dir).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
    const text = file ? readFileSync(join(pkg.dir, file), "utf8").trim() : "";
    sections.push(`${id}\n${manifest.license ?? "UNKNOWN"}\n${text}`);
  }
  return `${sections.join("\n\n")}\n`;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const names = args.length ? args.map((a) => basename(resolve(a))) : actionNames();
  let failed = false;
  for (const name of names) {
    const report = await buildAction(name);
    const rel = relative(process.cwd(), join(root, "actions", name, "dist/index.js"));
    console.log(`${rel}: ${report.entryBytes} bytes (${report.bytes} with its chunks), ${report.packages.size} packages`);
    for (const p of report.problems) console.error(`::error file=${rel}::${p}`);
    failed ||= report.problems.length > 0;
  }
  if (failed) process.exit(1);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await main();
}
