/**
 * A pool of scenario processes for `run --runs N` and `sweep`: at most `size` runs at once
 * (default os.availableParallelism(), one per core), each in a process of its own started by
 * runInProcess (so each run keeps the limits, watchdog and cancel of a single run, and one
 * point's crash costs that point only).
 *
 * It also measures how busy the cores were: the summed wall time of the runs, and the CPU time of
 * this process and its finished children (process.cpuUsage() plus the children's rusage) over
 * the pool's wall time.
 */
import { readFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import {
  forkScenarioProcess,
  runInProcess,
  type ProcessLimits,
  type ScenarioProcessJob,
} from '../scenario/node-host'
import type { RunOutcome } from '../shared/result'
import type { RunRequest } from '../shared/worker-protocol'

export interface PoolOptions {
  /** The scenario process entry (CliEnv.processEntry). */
  processEntry: URL
  /** Each run's process limits (--wall-limit, --rss-limit). */
  limits?: ProcessLimits
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
  /** Sum of the runs' own wall times (process start to result). */
  runWallMs: number
  /** CPU time of this process and its children during the pool's life, user + system. */
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
  /** Kills every running process; runs not yet started never start. */
  cancel(): void
}

export function runPool(requests: readonly RunRequest[], opts: PoolOptions): Pool {
  const cores = availableParallelism()
  const size = Math.max(1, Math.min(opts.size ?? cores, requests.length || 1))
  const outcomes: RunOutcome[] = new Array<RunOutcome>(requests.length)
  const running = new Set<ScenarioProcessJob<unknown>>()
  let next = 0
  let done = 0
  let cancelled = false
  let runWallMs = 0
  const started = performance.now()
  const cpuStart = process.cpuUsage()
  const childStart = childrenCpuMs()

  const lane = async (): Promise<void> => {
    while (!cancelled && next < requests.length) {
      const index = next++
      opts.onStart?.(index)
      const t0 = performance.now()
      const run = runInProcess(requests[index], {
        start: () => forkScenarioProcess(opts.processEntry),
        ...opts.limits,
      })
      running.add(run)
      let outcome: RunOutcome
      try {
        outcome = await run.result
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err)
        outcome = {
          ok: false,
          error: { kind: 'internal', message: `the scenario process failed: ${message}` },
        }
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
        cpuMs: (cpu.user + cpu.system) / 1000 + childrenCpuMs() - childStart,
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

/** CPU time of this process's finished children (getrusage RUSAGE_CHILDREN via /proc/self/stat). */
function childrenCpuMs(): number {
  try {
    // Fields 16 and 17 (cutime, cstime) in clock ticks; the comm field may hold spaces.
    const stat = readFileSync('/proc/self/stat', 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / CLOCK_TICKS
  } catch {
    return 0
  }
}
/** USER_HZ: 100 on every Linux architecture Node runs on. */
const CLOCK_TICKS = 100

/**
 * `wall 3.2 s, 9 runs on 2 processes (2 cores): busy 96% (run wall / (wall x cores)), CPU 101%
 * (CPU of the processes / (wall x cores))`.
 */
export function formatPoolStats(stats: PoolStats, runs: number): string {
  const capacity = stats.wallMs * stats.cores
  const pct = (x: number): string => `${capacity > 0 ? Math.round((x / capacity) * 100) : 0}%`
  return (
    `wall ${(stats.wallMs / 1000).toFixed(2)} s, ${runs} run${runs === 1 ? '' : 's'} on ` +
    `${stats.size} process${stats.size === 1 ? '' : 'es'} (${stats.cores} cores): ` +
    `busy ${pct(stats.runWallMs)} (summed run wall time / (wall x cores)), ` +
    `CPU ${pct(stats.cpuMs)} (CPU time of the processes / (wall x cores))`
  )
}

/** The seed of run `i` of `--runs`: run 0 is the base seed itself; golden-ratio steps after it. */
export function runSeed(base: number, i: number): number {
  return (base + Math.imul(i, 0x9e3779b9)) >>> 0
}
