// `release-train emulator …` hands its arguments to the Pulp emulator's own CLI
// (packages/pulp-emulator/src/cli.ts) in a child process, so both CLIs stay independent.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { constants } from "node:os";
import { fileURLToPath } from "node:url";
import { Command } from "commander";
import { action, UsageError } from "./errors";

/** The emulator CLI source in this workspace (packages ship TypeScript sources). */
export const emulatorCliPath = fileURLToPath(new URL("../../../pulp-emulator/src/cli.ts", import.meta.url));

function runEmulatorCli(args: string[]): Promise<number> {
  if (!existsSync(emulatorCliPath)) {
    throw new UsageError(`the Pulp emulator CLI is not available (${emulatorCliPath} is missing)`);
  }
  const tsxCli = createRequire(import.meta.url).resolve("tsx/cli");
  const child = spawn(process.execPath, [tsxCli, emulatorCliPath, ...args], { stdio: "inherit" });
  // Ctrl-C / a CI cancel reach the child through the terminal or are forwarded here.
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on("SIGINT", forward).on("SIGTERM", forward);
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      process.off("SIGINT", forward).off("SIGTERM", forward);
      // A child killed by a signal exits like a shell reports it: 128 + signal number.
      resolve(code ?? 128 + (signal ? constants.signals[signal] : 0));
    });
  });
}

export function emulatorCommand(): Command {
  const command = new Command("emulator")
    .description("run the Pulp emulator's CLI (e.g. `emulator serve --help`)")
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .argument("[args...]", "arguments for the emulator CLI");
  command.action(
    action(async () => {
      process.exitCode = await runEmulatorCli(command.args);
    }),
  );
  return command;
}
