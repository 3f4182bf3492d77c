/**
 * A pool of scenario workers for `run --runs N` and `sweep`: at most `size` runs at once (default
 * os.availableParallelism(), one per core), each in its own node:worker_threads worker started by
 * runInNodeWorker (so each run keeps the watchdog, heap limit and cancel of a single run).
 *
 * It also measures how busy the cores were: the summed wall time of the runs, and the CPU time of
 * the whole process (process.cpuUsage() counts every thread, workers included) over the pool's
 * wall time.
 */
import { availableParallelism } from 'node:os'
import { DEFAULT_RESOURCE_LIMITS, runInNodeWorker, type NodeWorkerRun } from '../scenario/node-host'
import type { RunOutcome } from '../shared/result'
import type { RunRequest } from '../shared/worker-protocol'

export interface PoolOptions {
  workerUrl: URL
  /** Runs at once; default os.availableParallelism(). */
  size?: number
  /** Called as each run settles (in completion order). */
  onSettled?: (index: number, outcome: RunOutcome, done: number, total: number) => void
  /** Called when a run starts. */
  onStart?: (index: number) => void
}

export interface PoolStats {
  /** Pool size (cores used). */
  size: number
  /** Cores the machine reports (os.availableParallelism()). */
  cores: number
  wallMs: number
  /** Sum of the runs' own wall times (worker start to result). */
  runWallMs: number
  /** CPU time of this process (all threads) during the pool's life, user + system. */
  cpuMs: number
}

export interface PoolResult {
  /** One outcome per request, in request order. */
  outcomes: RunOutcome[]
  stats: PoolStats
  /** True when cancel() stopped the pool (Ctrl-C). */
  cancelled: boolean
}

export interface Pool {
  result: Promise<PoolResult>
  /** Terminates every running worker; runs not yet started never start. */
  cancel(): void
}

export function runPool(requests: readonly RunRequest[], opts: PoolOptions): Pool {
  const cores = availableParallelism()
  const size = Math.max(1, Math.min(opts.size ?? cores, requests.length || 1))
  const outcomes: RunOutcome[] = new Array<RunOutcome>(requests.length)
  const running = new Set<NodeWorkerRun>()
  let next = 0
  let done = 0
  let cancelled = false
  let runWallMs = 0
  const started = performance.now()
  const cpuStart = process.cpuUsage()

  const lane = async (): Promise<void> => {
    while (!cancelled && next < requests.length) {
      const index = next++
      opts.onStart?.(index)
      const t0 = performance.now()
      const run = runInNodeWorker(requests[index], {
        workerUrl: opts.workerUrl,
        resourceLimits: DEFAULT_RESOURCE_LIMITS,
      })
      running.add(run)
      let outcome: RunOutcome
      try {
        outcome = await run.result
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err)
        outcome = { ok: false, error: { kind: 'internal', message: `worker failed: ${message}` } }
      } finally {
        running.delete(run)
      }
      runWallMs += performance.now() - t0
      outcomes[index] = outcome
      done++
      opts.onSettled?.(index, outcome, done, requests.length)
    }
  }

  const result = Promise.all(Array.from({ length: size }, lane)).then((): PoolResult => {
    const cpu = process.cpuUsage(cpuStart)
    return {
      outcomes,
      cancelled,
      stats: {
        size,
        cores,
        wallMs: performance.now() - started,
        runWallMs,
        cpuMs: (cpu.user + cpu.system) / 1000,
      },
    }
  })
  return {
    result,
    cancel: () => {
      cancelled = true
      for (const run of running) run.cancel()
    },
  }
}

/**
 * `wall 3.2 s, 9 runs on 2 workers (2 cores): busy 96% (run wall / (wall x cores)), CPU 101%
 * (process CPU / (wall x cores))`.
 */
export function formatPoolStats(stats: PoolStats, runs: number): string {
  const capacity = stats.wallMs * stats.cores
  const pct = (x: number): string => `${capacity > 0 ? Math.round((x / capacity) * 100) : 0}%`
  return (
    `wall ${(stats.wallMs / 1000).toFixed(2)} s, ${runs} run${runs === 1 ? '' : 's'} on ` +
    `${stats.size} worker${stats.size === 1 ? '' : 's'} (${stats.cores} cores): ` +
    `busy ${pct(stats.runWallMs)} (summed run wall time / (wall x cores)), ` +
    `CPU ${pct(stats.cpuMs)} (process CPU time / (wall x cores))`
  )
}

/** The seed of run `i` of `--runs`: run 0 is the base seed itself; golden-ratio steps after it. */
export function runSeed(base: number, i: number): number {
  return (base + Math.imul(i, 0x9e3779b9)) >>> 0
}
