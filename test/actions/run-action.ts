// Runs a bundled action (`actions/<name>/dist/index.js`) the way a GitHub runner does: a Node
// process with `INPUT_*` variables (defaults from action.yml applied), and GITHUB_OUTPUT /
// GITHUB_STEP_SUMMARY files that the test reads back afterwards.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parse } from "yaml";

export const repoRoot = resolve(import.meta.dirname, "../..");

export interface ActionRun {
  code: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
}

interface ActionMetadata {
  inputs?: Record<string, { default?: unknown }>;
  runs: { main: string };
}

export function actionMetadata(action: string): ActionMetadata {
  return parse(readFileSync(join(repoRoot, "actions", action, "action.yml"), "utf8")) as ActionMetadata;
}

export async function runAction(
  action: string,
  inputs: Record<string, string>,
  options: { workspace?: string; env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<ActionRun> {
  const metadata = actionMetadata(action);
  for (const name of Object.keys(inputs)) {
    if (!metadata.inputs?.[name]) throw new Error(`input ${name} is not declared by actions/${action}/action.yml`);
  }
  const files = mkdtempSync(join(tmpdir(), `action-${action}-`));
  const outputFile = join(files, "output");
  const summaryFile = join(files, "summary");
  writeFileSync(outputFile, "");
  writeFileSync(summaryFile, "");

  const env: Record<string, string> = {
    PATH: process.env["PATH"] ?? "",
    HOME: process.env["HOME"] ?? files,
    GITHUB_ACTIONS: "true",
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_WORKSPACE: options.workspace ?? repoRoot,
    RUNNER_TEMP: files,
    ...options.env,
  };
  for (const [name, spec] of Object.entries(metadata.inputs ?? {})) {
    const value = inputs[name] ?? (spec.default === undefined ? "" : String(spec.default));
    env[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`] = value;
  }

  const main = join(repoRoot, "actions", action, metadata.runs.main);
  try {
    const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
      execFile(
        process.execPath,
        [main],
        { env, cwd: options.workspace ?? repoRoot, timeout: options.timeoutMs ?? 120_000, maxBuffer: 64 << 20 },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
          done({ code, stdout, stderr });
        },
      );
    });
    return {
      code,
      stdout,
      stderr,
      outputs: parseOutputFile(readFileSync(outputFile, "utf8")),
      summary: readFileSync(summaryFile, "utf8"),
    };
  } finally {
    rmSync(files, { recursive: true, force: true });
  }
}

/** GITHUB_OUTPUT holds `name=value` lines and `name<<DELIMITER` … `DELIMITER` blocks. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name = "", delimiter] = heredoc;
      const end = lines.indexOf(delimiter ?? "", i + 1);
      if (end < 0) throw new Error(`GITHUB_OUTPUT: no closing ${delimiter} for ${name}`);
      outputs[name] = lines.slice(i + 1, end).join("\n");
      i = end;
    } else if (line.includes("=")) {
      const at = line.indexOf("=");
      outputs[line.slice(0, at)] = line.slice(at + 1);
    }
  }
  return outputs;
}
