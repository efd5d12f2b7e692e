// Real nginx as the TLS front of the emulator, as Pulp is deployed behind a reverse proxy.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect } from "node:tls";
import { freePort } from "./free-port";
import { renderNginxConfig } from "./nginx-config";

export interface NginxProxyOptions {
  /** Emulator base URL, e.g. `emulator.url`; `/pulp/` is proxied to it. */
  upstream: string;
  /** PEM server certificate, followed by its intermediates (nginx sends them all). */
  serverCert: string;
  /** PEM private key of `serverCert`. */
  serverKey: string;
  /** PEM CAs whose names nginx advertises when asking for a client certificate (none enforced). */
  clientCaBundle?: string;
  /** 0/absent = a free port is picked. */
  port?: number;
  /** nginx binary (default `nginx` on PATH). */
  nginxBinary?: string;
  /** Proxied path prefixes (default `["/pulp/"]`). */
  locations?: string[];
  /** How long to wait for nginx to answer (default 10 s). */
  startTimeoutMs?: number;
}

export interface NginxProxy {
  /** `https://127.0.0.1:<port>` */
  url: string;
  port: number;
  /** Temp dir with nginx.conf, logs and the key material (removed by stop()). */
  dir: string;
  /** The access and error logs so far (for test diagnostics). */
  logs(): { access: string; error: string };
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

/** nginx outlives a crashed test runner otherwise (it holds the port and the temp dir). */
function killOnExit(child: ChildProcess): void {
  running.add(child);
  child.once("exit", () => running.delete(child));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const c of running) c.kill("SIGTERM");
  });
}

function readOr(path: string, fallback = ""): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return fallback;
  }
}

/** Resolves once a TLS handshake with the port completes (nginx's workers answer). */
function handshake(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    // Readiness only: the caller verifies the certificate in its own requests.
    const socket = connect({ host: "127.0.0.1", port, servername: "localhost", rejectUnauthorized: false }, () => {
      socket.end();
      resolve(true);
    });
    socket.setTimeout(1000, () => socket.destroy());
    socket.once("error", () => resolve(false));
    socket.once("close", () => resolve(false));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

class NginxStartError extends Error {
  constructor(
    message: string,
    readonly addressInUse: boolean,
  ) {
    super(message);
  }
}

async function launch(options: NginxProxyOptions, dir: string, port: number): Promise<ChildProcess> {
  const conf = join(dir, "nginx.conf");
  const files = { serverCertFile: join(dir, "server.pem"), serverKeyFile: join(dir, "server.key") };
  writeFileSync(files.serverCertFile, options.serverCert, { mode: 0o600 });
  writeFileSync(files.serverKeyFile, options.serverKey, { mode: 0o600 });
  let clientCaFile: string | undefined;
  if (options.clientCaBundle) {
    clientCaFile = join(dir, "client-ca.pem");
    writeFileSync(clientCaFile, options.clientCaBundle, { mode: 0o600 });
  }
  writeFileSync(
    conf,
    renderNginxConfig({ dir, port, upstream: options.upstream, ...files, ...(clientCaFile ? { clientCaFile } : {}), ...(options.locations ? { locations: options.locations } : {}) }),
  );
  const errorLog = join(dir, "error.log");
  rmSync(errorLog, { force: true });
  const child = spawn(options.nginxBinary ?? "nginx", ["-p", `${dir}/`, "-c", conf, "-e", errorLog], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  const exited = new Promise<string>((resolve) => {
    child.once("error", (error: NodeJS.ErrnoException) =>
      resolve(error.code === "ENOENT" ? "nginx is not installed (or not on PATH; Debian package nginx)" : `cannot run nginx: ${error.message}`),
    );
    child.once("exit", (code, signal) => resolve(`nginx exited (${signal ?? code})`));
  });
  let exitReason: string | undefined;
  void exited.then((reason) => {
    exitReason = reason;
  });
  killOnExit(child);
  const deadline = Date.now() + (options.startTimeoutMs ?? 10_000);
  while (Date.now() < deadline) {
    if (exitReason === undefined && (await handshake(port))) return child;
    if (exitReason !== undefined) {
      const log = `${stderr}${readOr(errorLog)}`.trim();
      throw new NginxStartError(`${exitReason}: ${log || "no output"}`, /Address already in use/.test(log));
    }
    await sleep(50);
  }
  child.kill("SIGKILL");
  throw new NginxStartError(`nginx did not answer on 127.0.0.1:${port} within ${options.startTimeoutMs ?? 10_000} ms: ${readOr(errorLog).trim()}`, false);
}

/**
 * Starts nginx (`daemon off`, child process) terminating TLS on 127.0.0.1 and proxying `/pulp/`
 * to the emulator with the client certificate in `X-CLIENT-CERT` ($ssl_client_escaped_cert,
 * `ssl_verify_client optional_no_ca`), and waits until it answers.
 */
export async function startNginxProxy(options: NginxProxyOptions): Promise<NginxProxy> {
  const dir = mkdtempSync(join(tmpdir(), "nginx-proxy-"));
  // nginx creates a temp path's last component only.
  mkdirSync(join(dir, "tmp"));
  let child: ChildProcess | undefined;
  let port = options.port ?? 0;
  try {
    // A picked port may be taken before nginx binds it; try a few.
    for (let attempt = 0; !child; attempt++) {
      const candidate = port || (await freePort());
      try {
        child = await launch(options, dir, candidate);
        port = candidate;
      } catch (error) {
        if (!(error instanceof NginxStartError && error.addressInUse && !options.port && attempt < 4)) throw error;
      }
    }
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const proc = child;
  return {
    url: `https://127.0.0.1:${port}`,
    port,
    dir,
    logs: () => ({ access: readOr(join(dir, "access.log")), error: readOr(join(dir, "error.log")) }),
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) {
        const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
        // SIGTERM = fast shutdown; the master stops its workers before it exits.
        proc.kill("SIGTERM");
        const timer = setTimeout(() => proc.kill("SIGKILL"), 5000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
