// Runs the `release-train` CLI in-process through a fresh commander program, as a user would call
// it: captures stdout/stderr and the exit code, with the given environment stubbed for the call.
import { vi } from "vitest";
import { buildProgram } from "../packages/release-train/src/cli/main";

export interface CliOutput {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCliInProcess(args: string[], env: Record<string, string> = {}): Promise<CliOutput> {
  for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v);
  let stdout = "";
  let stderr = "";
  const out = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  process.exitCode = 0;
  try {
    await buildProgram().exitOverride().parseAsync(["node", "release-train", ...args]);
  } finally {
    out.mockRestore();
    err.mockRestore();
    vi.unstubAllEnvs();
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  return { code, stdout, stderr };
}
