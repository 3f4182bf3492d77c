/**
 * Messages between a scenario host (Electron main, the CLI, the browser page) and the worker that
 * runs src/scenario. The same shapes travel over a Node child process's IPC channel, an Electron
 * utilityProcess's port and a browser Web Worker. Cancelling a run is killing the process (or
 * `worker.terminate()`): there is no cancel message, so a runaway script cannot ignore it.
 */
import type { RunOutcome, RunProgress, ScenarioError, VariantName } from './result'

export interface RunRequest {
  /** TypeScript source of the scenario module. */
  source: string
  /** Shown in error locations (`one-thp.ts:6:18: ...`) and in the result's `scenario.file`. */
  fileName: string
  /** Overrides the scenario's own `variants`. */
  variants?: VariantName[]
  /** Overrides the scenario's own `seed`. */
  seed?: number
  /**
   * Overrides of the scenario's definition by dotted path, applied before validation:
   * `{ 'machine.zswap': true, 'machine.swap[0].size': '4G' }` (sweeps, selftests run with zswap).
   */
  params?: Record<string, string | number | boolean>
  /**
   * The figures `machine.costs: 'measured'` stands for: a profile written by `hugeswap
   * calibrate` (the CLI reads it from --costs FILE or ~/.config/hugeswap/costs.json).
   */
  measuredCosts?: MeasuredCosts
  /**
   * The simulator's full-state audit after every operation (`hugeswap run --audit`): the first
   * inconsistency stops the run where the scenario made that call.
   */
  audit?: boolean
  limits?: {
    /** Script time allowed per run, in ms (default 10 000). */
    timeMs?: number
    /** QuickJS heap limit in bytes (default 256 MiB). */
    memoryBytes?: number
    /**
     * Bytes the model's typed arrays may hold (default 3 GiB; the CLI gives three quarters of
     * --rss-limit): past it the run stops with a memory error at the scenario's call.
     */
    modelBytes?: number
  }
}

export interface MeasuredCosts {
  /** Where the figures came from (the profile file, its kernel and date), for messages. */
  source: string
  cpu?: Record<string, number>
  devices?: Record<string, Record<string, number>>
  compressors?: Record<string, Record<string, number>>
}

/**
 * `run`: one scenario; the worker answers with progress and exactly one `done` of the same id.
 * `describe`: the scenario's resolved definition (seed, machine, variant) without simulating;
 * `record`: one variant run with its simulator calls recorded (`hugeswap export-selftest`), and
 * `trace`: one with the model observed after every step (`hugeswap real`); only the CLI's
 * process entry knows these two. Both answer with one `done` as well.
 * `warm`: compile and run the engine once on a small built-in scenario and answer nothing, so a
 * worker started ahead of need (the browser keeps one spare) runs the next scenario with its code
 * already loaded and compiled. Messages are handled one at a time, in order: a `run` that arrives
 * during the warm-up waits for it.
 */
export interface JobRequest {
  type: 'run' | 'describe' | 'record' | 'trace'
  id: number
  request: RunRequest
  /** `trace`: the kernel's zswap was enabled once since boot (hugeswap real). */
  options?: { zswapEverEnabled?: boolean }
}

export type WorkerRequest = JobRequest | { type: 'warm' }

/** What a job ends with: its payload, or why it could not run (the CLI's exit status 2). */
export type JobOutcome<T> = ({ ok: true } & T) | { ok: false; error: ScenarioError }

/** `O`: the outcome of the job asked for (a run's by default). */
export type WorkerMessage<O = RunOutcome> =
  { type: 'progress'; id: number; progress: RunProgress } | { type: 'done'; id: number; outcome: O }
