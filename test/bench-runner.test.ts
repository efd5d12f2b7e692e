// `pnpm bench <name>` (bench/run.ts) offers only modules that are benchmarks (export `main`); a
// helper module such as squeezer-baseline is refused with the usage text instead of crashing.
import { execFile } from "node:child_process";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "..");

async function bench(...args: string[]): Promise<{ code: number; stderr: string }> {
  try {
    const { stderr } = await promisify(execFile)(process.execPath, ["--import", "tsx", join(root, "bench/run.ts"), ...args], { cwd: root });
    return { code: 0, stderr };
  } catch (error) {
    const e = error as { code: number; stderr: string };
    return { code: e.code, stderr: e.stderr };
  }
}

describe("bench runner", () => {
  it("lists benchmarks, not their helper modules, and refuses a helper by name", async () => {
    const usage = await bench();
    expect(usage.code).toBe(2);
    const listed = /available: (.*)/.exec(usage.stderr)?.[1]?.split(", ");
    expect(listed).toContain("noop-sync");
    expect(listed).not.toContain("squeezer-baseline");

    const helper = await bench("squeezer-baseline");
    expect(helper.code).toBe(2);
    expect(helper.stderr).toContain("usage: pnpm bench <name>");
  }, 60_000);
});
