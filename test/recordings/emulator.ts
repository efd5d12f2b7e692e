/** Starting the emulator for the replay, whether or not its package exports `startEmulator` yet. */
import type { EmulatorHandle, StartEmulator } from "./replay";

type StartFn = (options?: Record<string, unknown>) => Promise<EmulatorHandle>;

/** A `startEmulator` bound to replay defaults (ephemeral port, temp data dir), or undefined. */
export async function loadStartEmulator(): Promise<StartEmulator | undefined> {
  const specifier = "@release-train/pulp-emulator";
  let start: StartFn | undefined;
  try {
    const mod = (await import(specifier)) as { startEmulator?: StartFn };
    start = mod.startEmulator;
  } catch {
    return undefined;
  }
  if (typeof start !== "function") return undefined;
  const fn = start;
  return () => fn({ port: 0 });
}
