/** Starting the emulator for the replay. */
import { startEmulator } from "@release-train/pulp-emulator";
import type { StartEmulator } from "./replay";

/** A `startEmulator` bound to replay defaults (ephemeral port, temp data dir). */
export async function loadStartEmulator(): Promise<StartEmulator> {
  return () => startEmulator({ port: 0 });
}
