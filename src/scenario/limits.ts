/**
 * Default limits of a scenario run, in a module of their own so that hosts (Electron main, the
 * CLI, the renderer) can read them without pulling in the sandbox and its guest prelude.
 */
import type { RunRequest } from '../shared/worker-protocol'

/** Script time allowed per variant; time inside the simulator does not count. */
export const DEFAULT_TIME_MS = 10_000
/** QuickJS heap limit. */
export const DEFAULT_MEMORY_BYTES = 256 * 1024 * 1024

/**
 * How long a host waits for *any* message from a scenario worker before it kills it. Progress
 * arrives on every scenario operation, so only a worker stuck outside the script clock (a hung
 * engine) hits this; a long but legitimate simulation keeps talking.
 */
export function silenceBudgetMs(req: RunRequest): number {
  return (req.limits?.timeMs ?? DEFAULT_TIME_MS) * 3 + 60_000
}
