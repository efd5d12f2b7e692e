import { Command, InvalidArgumentError } from "commander";
import { startEmulator } from "./index";
import type { KnobsInput } from "./knobs";

const num = (v: string): number => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError("expected a non-negative number");
  return n;
};
const rate = (v: string): number => {
  const n = num(v);
  if (n > 1) throw new InvalidArgumentError("expected a rate between 0 and 1");
  return n;
};
/** `--task-duration sync=500` (repeatable); a bare number sets the default. */
const duration = (v: string, prev: Record<string, number>): Record<string, number> => {
  const [kind, ms] = v.includes("=") ? v.split("=", 2) : ["default", v];
  return { ...prev, [kind ?? "default"]: num(ms ?? "") };
};

const program = new Command("pulp-emulator").description("Pulp 3.24 stand-in: REST API, content app and Vault (/v1/)");

program
  .command("serve")
  .description("run the emulator until interrupted")
  .option("--port <port>", "listen port on 127.0.0.1 (0 = ephemeral)", num, 24817)
  .option("--data-dir <dir>", "artifact storage directory (default: a temp dir)")
  .option("--username <name>", "API admin username", "admin")
  .option("--password <password>", "API admin password (default: $PULP_EMULATOR_PASSWORD or 'password')")
  .option("--api-latency <ms>", "delay before each API response", num)
  .option("--task-duration <kind=ms>", "task run time per kind (sync, publish, general, modify) or default", duration, {})
  .option("--task-polls <n>", "polls a task stays waiting and running", num)
  .option("--workers <n>", "task workers", num)
  .option("--http-5xx-rate <rate>", "share of API requests answered 503", rate)
  .option("--drop-connection-rate <rate>", "share of API requests whose connection is dropped", rate)
  .option("--lost-response-rate <rate>", "share of API requests handled whose answer is lost (connection dropped)", rate)
  .option("--task-failure-rate <rate>", "share of tasks that fail", rate)
  .option("--no-duplicate-publication-bug", "disable pulp_rpm #2311 emulation")
  .action(async (opts) => {
    const knobs: KnobsInput = {
      taskDurationMs: opts.taskDuration,
      duplicatePublicationBug: opts.duplicatePublicationBug,
      ...(opts.apiLatency !== undefined ? { apiLatencyMs: opts.apiLatency } : {}),
      ...(opts.taskPolls !== undefined ? { taskPollsPerState: opts.taskPolls } : {}),
      ...(opts.workers !== undefined ? { workers: opts.workers } : {}),
      ...(opts.http5xxRate !== undefined ? { http5xxRate: opts.http5xxRate } : {}),
      ...(opts.dropConnectionRate !== undefined ? { dropConnectionRate: opts.dropConnectionRate } : {}),
      ...(opts.lostResponseRate !== undefined ? { lostResponseRate: opts.lostResponseRate } : {}),
      ...(opts.taskFailureRate !== undefined ? { taskFailureRate: opts.taskFailureRate } : {}),
    };
    const emu = await startEmulator({
      port: opts.port,
      ...(opts.dataDir ? { dataDir: opts.dataDir } : {}),
      username: opts.username,
      password: opts.password ?? process.env["PULP_EMULATOR_PASSWORD"] ?? "password",
      knobs,
    });
    console.log(`pulp-emulator listening on ${emu.url} (API ${emu.url}/pulp/api/v3/, content ${emu.contentUrl}, vault ${emu.vaultUrl}/v1/)`);
    const shutdown = () => {
      void emu.stop().then(() => process.exit(0));
    };
    process.once("SIGINT", shutdown);
    process.once("SIGTERM", shutdown);
  });

await program.parseAsync(process.argv);
