// The action bundler fails loudly: esbuild errors, two copies of a package, zod's translations and
// oversized bundles are reported as problems (exit 1 from `pnpm build`); and the committed bundles
// meet the limits.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { dirname, join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { actionNames, buildAction, MAX_BYTES } from "../scripts/build-actions";

const repoRoot = resolve(import.meta.dirname, "..");
// Inside the repository (git-ignored .tmp/), so that bare imports resolve to its node_modules.
const scratch = join(repoRoot, ".tmp", `build-actions-test-${process.pid}`);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let n = 0;
function project(files: Record<string, string>): string {
  const root = join(scratch, String(n++));
  // zod as the actions see it (pnpm keeps it out of the root node_modules).
  mkdirSync(join(root, "node_modules"), { recursive: true });
  symlinkSync(join(repoRoot, "actions/sync-package-repos/node_modules/zod"), join(root, "node_modules/zod"));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

const pkg = (name: string, version: string) => JSON.stringify({ name, version, type: "module", main: "index.js", license: "MIT" });

describe("build-actions", () => {
  it("bundles an action: entry, split chunk for the dynamic import, licenses", async () => {
    const root = project({
      "actions/a/src/main.ts": 'import * as z from "zod";\nif (!z.string().safeParse(process.env.X).success) process.exitCode = 1;\nelse await import("./heavy");\n',
      "actions/a/src/heavy.ts": 'import { parse } from "yaml";\nconsole.log(parse("a: 1"));\n',
    });
    const report = await buildAction("a", root);
    expect(report.problems).toEqual([]);
    expect([...report.packages.keys()]).toEqual(["yaml", "zod"]);
    const dist = join(root, "actions/a/dist");
    expect(readdirSync(join(dist, "chunks")).length).toBeGreaterThan(0);
    expect(report.entryBytes).toBeLessThan(report.bytes);
    expect(readFileSync(join(dist, "licenses.txt"), "utf8")).toMatch(/^yaml@\d+\.\d+\.\d+\nISC\n/m);
    expect(readFileSync(join(dist, "package.json"), "utf8")).toBe('{"type":"module"}\n');
  });

  it("reports zod's translations (the named `z` import keeps them)", async () => {
    const root = project({ "actions/a/src/main.ts": 'import { z } from "zod";\nconsole.log(z.string().parse("x"));\n' });
    const report = await buildAction("a", root);
    expect(report.problems).toEqual([expect.stringMatching(/^bundles \d+ file\(s\) of zod's translations .*zod\/v4\/locales\/.*: they must stay out$/)]);
  });

  it("reports two copies of one package", async () => {
    const root = project({
      "actions/a/src/main.ts": 'import { v } from "dup";\nimport { w } from "other";\nconsole.log(v(), w());\n',
      "actions/a/node_modules/dup/package.json": pkg("dup", "2.0.0"),
      "actions/a/node_modules/dup/index.js": 'export function v() { return "two"; }\n',
      "node_modules/dup/package.json": pkg("dup", "1.0.0"),
      "node_modules/dup/index.js": 'export function v() { return "one"; }\n',
      "node_modules/other/package.json": pkg("other", "1.0.0"),
      "node_modules/other/index.js": 'import { v } from "dup";\nexport function w() { return v() + "!"; }\n',
    });
    const report = await buildAction("a", root);
    expect(report.problems).toEqual(["2 copies of dup (1.0.0, 2.0.0): make them resolve to one (pnpm overrides)"]);
  });

  it("reports a bundle over the size limit", async () => {
    const blob = randomBytes(Math.ceil(MAX_BYTES * 0.8)).toString("base64");
    const root = project({
      "actions/a/src/main.ts": 'import { blob } from "./blob";\nconsole.log(blob.length);\n',
      "actions/a/src/blob.ts": `export const blob = "${blob}";\n`,
    });
    const report = await buildAction("a", root);
    expect(report.problems).toEqual([expect.stringMatching(/^dist\/ JavaScript is \d+ bytes, over the 1572864 limit$/)]);
  });

  it("reports esbuild's errors instead of writing a bundle", async () => {
    const root = project({ "actions/a/src/main.ts": 'import { nothing } from "./missing";\nconsole.log(nothing);\n' });
    const report = await buildAction("a", root);
    expect(report.problems).toEqual([expect.stringMatching(/^esbuild: Could not resolve "\.\/missing"/)]);
    expect(existsSync(join(root, "actions/a/dist/index.js"))).toBe(false);
  });
});

describe("the committed bundles", () => {
  for (const action of actionNames(repoRoot)) {
    it(`${action}: within ${MAX_BYTES} bytes, one undici at most, a small entry`, () => {
      const dist = join(repoRoot, "actions", action, "dist");
      const js = (readdirSync(dist, { recursive: true }) as string[]).filter((f) => f.endsWith(".js"));
      const total = js.reduce((sum, f) => sum + statSync(join(dist, f)).size, 0);
      expect(total).toBeLessThanOrEqual(MAX_BYTES);
      const licenses = readFileSync(join(dist, "licenses.txt"), "utf8");
      expect(licenses.match(/^undici@/gm)?.length ?? 0).toBeLessThanOrEqual(1);
      expect(licenses).not.toMatch(/^@vercel\/ncc@/m);
      // What a run with bad inputs loads before it fails: no HTTP stack.
      expect(readFileSync(join(dist, "index.js"), "utf8")).not.toMatch(/undici/);
    });
  }
});
