/**
 * Default limits of a scenario run, in a module of their own so that hosts (Electron main, the
 * CLI, the renderer) can read them without pulling in the sandbox and its guest prelude.
 */
import type { RunRequest } from '../shared/worker-protocol'

/** A scenario's source, in UTF-8 bytes (the app's IPC, the CLI, the pipeline: 1 MiB). */
export const MAX_SOURCE_BYTES = 1024 * 1024

/** Script time allowed per variant; time inside the simulator does not count. */
export const DEFAULT_TIME_MS = 10_000
/** QuickJS heap limit. */
export const DEFAULT_MEMORY_BYTES = 256 * 1024 * 1024

/**
 * Wall-clock limit of one run, all variants, in its process (`--wall-limit`): time inside
 * simulator calls is not script time, so this is what stops a loop of them. The largest runs
 * the scale benchmarks ask of a scenario (100 processes sharing a 4 GB heap, all four variants)
 * take about a minute here.
 */
export const DEFAULT_WALL_MS = 5 * 60_000
/**
 * Resident memory allowed a run's process (`--rss-limit`): the model's typed arrays live outside
 * the V8 heap. The scale benchmarks' largest rows peak at 1.6 GB.
 */
export const DEFAULT_RSS_LIMIT_BYTES = 4 * 1024 ** 3
/** V8 heap limit of a run's process (its own objects: results, recordings, the engine). */
export const DEFAULT_HEAP_MB = 4096

/**
 * How long a host waits for *any* message from a scenario worker before it kills it. Progress
 * arrives on every scenario operation, so only a worker stuck outside the script clock (a hung
 * engine) hits this; a long but legitimate simulation keeps talking.
 */
export function silenceBudgetMs(req: RunRequest): number {
  return (req.limits?.timeMs ?? DEFAULT_TIME_MS) * 3 + 60_000
}

/** `4 GiB`, `812 MiB`: a byte count for a message. */
export function formatBytesShort(n: number): string {
  if (n >= 1024 ** 3) return `${Number((n / 1024 ** 3).toFixed(1))} GiB`
  return `${Math.round(n / 1024 ** 2)} MiB`
}
