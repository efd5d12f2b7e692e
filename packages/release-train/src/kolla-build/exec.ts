// Every external command of a Kolla build (kayobe, the container engine, the scanner) runs through
// @actions/exec with an argument array — never a shell string made from inputs. Output can be
// streamed to the console and appended to a log file as it arrives.
import { createWriteStream, type WriteStream } from "node:fs";
import { exec } from "@actions/exec";

export interface RunOptions {
  cwd?: string | undefined;
  env?: Record<string, string> | undefined;
  /** Append stdout and stderr here as they arrive. */
  logFile?: string | undefined;
  /** Echo output to this writer (e.g. the job log) as it arrives. */
  echo?: ((text: string) => void) | undefined;
  /** Bytes for the command's stdin (e.g. a password for `login --password-stdin`). */
  input?: Buffer | undefined;
  /** Keep at most this many characters of stdout/stderr in the result (default 4 MiB). */
  keep?: number | undefined;
}

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export type Runner = (command: string, args: string[], options?: RunOptions) => Promise<RunResult>;

const closeStream = (stream: WriteStream) => new Promise<void>((resolve, reject) => stream.end((err?: Error | null) => (err ? reject(err) : resolve())));

/** Runs `command args…`; a non-zero exit is a result, not an error (the caller decides). */
export const runCommand: Runner = async (command, args, options = {}) => {
  const keep = options.keep ?? 4 * 1024 * 1024;
  const log = options.logFile ? createWriteStream(options.logFile, { flags: "a" }) : undefined;
  let stdout = "";
  let stderr = "";
  const take = (buffer: string, data: Buffer) => {
    const text = buffer + data.toString("utf8");
    return text.length > keep ? text.slice(text.length - keep) : text;
  };
  const sink = (data: Buffer) => {
    log?.write(data);
    options.echo?.(data.toString("utf8"));
  };
  try {
    const exitCode = await exec(command, args, {
      cwd: options.cwd,
      env: options.env ? { ...(process.env as Record<string, string>), ...options.env } : undefined,
      input: options.input,
      silent: true,
      ignoreReturnCode: true,
      listeners: {
        stdout: (data) => {
          stdout = take(stdout, data);
          sink(data);
        },
        stderr: (data) => {
          stderr = take(stderr, data);
          sink(data);
        },
      },
    });
    return { exitCode, stdout, stderr };
  } catch (error) {
    // Not found / not executable: report as a failed run the caller can name.
    const message = `${(error as Error).message}\n`;
    log?.write(message);
    return { exitCode: 127, stdout, stderr: stderr + message };
  } finally {
    if (log) await closeStream(log);
  }
};

/** An argument as a shell would need it, for display only (commands never go through a shell). */
export const quote = (arg: string): string => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, "'\\''")}'`);
