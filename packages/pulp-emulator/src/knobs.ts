/**
 * Runtime-tunable behaviour of the emulator ("knobs"). The object returned by `createKnobs` is
 * live: tests and the CLI may change fields while the server runs.
 */
export interface Knobs {
  /** Delay added before every API response (ms). */
  apiLatencyMs: number;
  /** How long a task runs, by task kind (`sync`, `publish`, `general`, `modify`, ...); `default` otherwise. */
  taskDurationMs: Record<string, number>;
  /** Polls (GETs of the task) a task stays `waiting` and then `running` before it may advance. */
  taskPollsPerState: number;
  /** Concurrent task workers. */
  workers: number;
  /** Probability (0..1) an API request is answered with a 503 before doing anything. */
  http5xxRate: number;
  /** Probability (0..1) an API request's connection is dropped before doing anything. */
  dropConnectionRate: number;
  /**
   * Probability (0..1) an API request is handled (its write done, its task created) but the
   * connection is dropped before the answer — what a proxy timeout or a network cut looks like.
   */
  lostResponseRate: number;
  /** Probability (0..1) a task fails instead of doing its work. */
  taskFailureRate: number;
  /** pulp_rpm #2311: a mirror_complete resync with new upstream metadata but unchanged content publishes again. */
  duplicatePublicationBug: boolean;
  /** Random source for fault injection (replaceable for deterministic tests). */
  random: () => number;
}

export type KnobsInput = Partial<Omit<Knobs, "taskDurationMs">> & { taskDurationMs?: Record<string, number> };

export function createKnobs(input: KnobsInput = {}): Knobs {
  return {
    apiLatencyMs: 0,
    taskPollsPerState: 0,
    workers: 2,
    http5xxRate: 0,
    dropConnectionRate: 0,
    lostResponseRate: 0,
    taskFailureRate: 0,
    duplicatePublicationBug: true,
    random: Math.random,
    ...input,
    taskDurationMs: { default: 0, ...(input.taskDurationMs ?? {}) },
  };
}

export function taskDuration(knobs: Knobs, kind: string): number {
  return knobs.taskDurationMs[kind] ?? knobs.taskDurationMs["default"] ?? 0;
}
