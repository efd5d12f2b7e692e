import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ApiContext } from "./api/context";
import { type ContentEngine, realEngine } from "./api/engine";
import { allRoutes } from "./api/router";
import { TaskManager } from "./api/tasks";
import { createArtifactStore } from "./content/artifact-store";
import { createKnobs, type Knobs, type KnobsInput } from "./knobs";
import { RegistryService } from "./registry/service";
import { createEmulatorServer, listen, type RequestLogEntry } from "./server";
import { API_ROOT, nowIso } from "./store/ids";
import { State } from "./store/state";
import { createVaultHandler, type VaultOptions, type VaultStandIn } from "./vault/index";

export interface EmulatorOptions {
  /** 0 (default) = ephemeral. */
  port?: number;
  /** Artifacts live under `<dataDir>/artifacts`; a temp dir (removed on stop) by default. */
  dataDir?: string;
  /** API admin credentials (default admin/password). */
  username?: string;
  password?: string;
  knobs?: KnobsInput;
  /** Content layer; the real one (`src/content`) by default. */
  engine?: ContentEngine;
  /** Vault stand-in options; `false` disables it. */
  vault?: VaultOptions | false;
  /** Container registry: token auth (Pulp's default) or `tokenAuth: false` (`TOKEN_AUTH_DISABLED`). */
  registry?: { tokenAuth?: boolean };
}

export interface Emulator {
  /** e.g. `http://127.0.0.1:41234` — the Pulp base URL (API at `/pulp/api/v3/`). */
  url: string;
  /** `<url>/pulp/content/` */
  contentUrl: string;
  /** Vault stand-in base URL (serves `/v1/…`), same server. */
  vaultUrl: string;
  /** Every request `{method, path, query, status}`; clear with `requestLog.length = 0`. */
  requestLog: RequestLogEntry[];
  /** Live knobs: change fields at runtime. */
  knobs: Knobs;
  state: State;
  ctx: ApiContext;
  tasks: TaskManager;
  vault: VaultStandIn | undefined;
  /** The registry at `<url>/v2/` with its token server at `<url>/token/`. */
  registry: RegistryService;
  /** `127.0.0.1:<port>` — registry host for `docker://` references (plain HTTP). */
  registryHost: string;
  /** Resolves when all tasks are final. */
  idle(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const ownDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "pulp-emulator-"));
  const knobs = createKnobs(options.knobs);
  const state = new State();
  const adminId = state.newUserId();
  state.users.set(`${API_ROOT}users/${adminId}/`, {
    id: adminId,
    href: `${API_ROOT}users/${adminId}/`,
    username: options.username ?? "admin",
    password: options.password ?? "password",
    first_name: "",
    last_name: "",
    email: "",
    is_staff: true,
    is_active: true,
    date_joined: nowIso(),
  });
  const tasks = new TaskManager(knobs);
  let origin = "http://127.0.0.1";
  const ctx = new ApiContext(state, tasks, knobs, createArtifactStore(join(dataDir, "artifacts")), options.engine ?? realEngine, () => origin);
  const vault = options.vault === false ? undefined : await createVaultHandler(options.vault ?? {});
  const requestLog: RequestLogEntry[] = [];
  const registry = new RegistryService(ctx, { uploadsDir: join(dataDir, "uploads"), tokenAuth: options.registry?.tokenAuth ?? true });
  const server = createEmulatorServer({ ctx, routes: allRoutes(), knobs, requestLog, registry, ...(vault ? { vault: vault.handler } : {}) });
  const port = await listen(server, options.port ?? 0);
  origin = `http://127.0.0.1:${port}`;
  return {
    url: origin,
    contentUrl: `${origin}/pulp/content/`,
    vaultUrl: origin,
    requestLog,
    knobs,
    state,
    ctx,
    tasks,
    vault,
    registry,
    registryHost: `127.0.0.1:${port}`,
    idle: (t) => tasks.idle(t),
    async stop() {
      tasks.stop();
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      if (ownDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export type { ContentEngine } from "./api/engine";
export { type ImageSpec, pushImage } from "./api/container-content";
export type { Knobs, KnobsInput } from "./knobs";
export { createKnobs } from "./knobs";
export type { RequestLogEntry } from "./server";
export {
  addResponseObserver,
  type ObservedRequest,
  type ObservedResponse,
  type ResponseObserver,
  removeResponseObserver,
} from "./response-observers";
export * from "./fixtures/index";
export { createArtifactStore, materializePublication } from "./content/index";
export type { ArtifactStore, ContentUnit, PublishedFile, RemoteConfig, SyncResult } from "./content/index";
export { startVault, type RunningVault, type VaultOptions } from "./vault/index";
