/**
 * Runs scenarios for the window: one at a time, each in a worker thread of its own (src/scenario's
 * node-worker via runInNodeWorker), the warmed-up spare when there is one. No Electron imports: the worker starter, its URL and the
 * progress sink are handed in, so tests drive it with a fake worker.
 */
import type { ResourceLimits, Worker } from 'node:worker_threads'
import type { RunOutcome, RunProgress } from '../../shared/result'
import type { MeasuredCosts, RunRequest } from '../../shared/worker-protocol'

/** The signature of `runInNodeWorker` in src/scenario/node-host.ts. */
export type RunInWorker = (
  request: RunRequest,
  options: {
    workerUrl: URL
    onProgress?: (progress: RunProgress) => void
    resourceLimits?: ResourceLimits
    /** A warmed-up worker to run in (the spare's); absent: the runner starts a new one. */
    worker?: Worker
  },
) => { result: Promise<RunOutcome>; cancel(): void }

/** node-host's WorkerSpare, as far as the service uses it. */
export interface SpareWorkers {
  take(): Worker | undefined
  refill(): void
}

// Same wording as node-host's own cancel outcome, so the renderer sees one message either way.
export const CANCELLED_MESSAGE = 'run cancelled'
export const SUPERSEDED_MESSAGE = 'run cancelled: a newer run replaced it'

export interface ScenarioService {
  /** Starts a run, cancelling any run in flight. Always resolves (errors become an outcome). */
  run(request: RunRequest, onProgress: (progress: RunProgress) => void): Promise<RunOutcome>
  /** Stops the run in flight, if any; its `run()` promise resolves with a cancelled outcome. */
  cancel(): void
  /** True while a run is in flight. */
  readonly busy: boolean
}

interface ActiveRun {
  cancelWorker(): void
  settle(outcome: RunOutcome): void
}

function failure(message: string): RunOutcome {
  return { ok: false, error: { kind: 'internal', message } }
}

export function createScenarioService(options: {
  runInWorker: RunInWorker
  workerUrl: URL
  /**
   * V8 limits for the worker, a backstop that turns a runaway simulator heap into a 'memory'
   * outcome instead of taking main down (the script's own QuickJS heap is limited inside it).
   */
  resourceLimits: ResourceLimits
  /**
   * The figures `machine.costs: 'measured'` stands for when the window sends none: the profile
   * `hugeswap calibrate` wrote for this user, read at each run (undefined: there is none).
   */
  measuredCosts?: () => MeasuredCosts | undefined
  /**
   * A warmed-up worker for the next run (node-host's createWorkerSpare): a run takes it, and
   * the next one starts when that run ends. Absent: every run starts a fresh worker.
   */
  spare?: SpareWorkers
}): ScenarioService {
  const { resourceLimits } = options
  let active: ActiveRun | null = null

  function stop(message: string): void {
    const run = active
    if (!run) return
    active = null
    // Settle first: the caller learns of the cancel even if terminating the worker throws or its
    // own outcome never arrives.
    run.settle(failure(message))
    try {
      run.cancelWorker()
    } catch {
      // The worker is already gone; nothing left to stop.
    }
  }

  function run(request: RunRequest, onProgress: (p: RunProgress) => void): Promise<RunOutcome> {
    stop(SUPERSEDED_MESSAGE)
    if (!request.measuredCosts) {
      const measuredCosts = options.measuredCosts?.()
      if (measuredCosts) request = { ...request, measuredCosts }
    }

    return new Promise<RunOutcome>((resolve) => {
      let settled = false
      const self: ActiveRun = {
        cancelWorker: () => {},
        settle(outcome) {
          if (settled) return
          settled = true
          if (active === self) active = null
          options.spare?.refill()
          resolve(outcome)
        },
      }
      active = self

      let handle: ReturnType<RunInWorker>
      try {
        handle = options.runInWorker(request, {
          workerUrl: options.workerUrl,
          resourceLimits,
          worker: options.spare?.take(),
          // Progress of a cancelled or replaced run must not reach the window.
          onProgress: (progress) => {
            if (!settled) onProgress(progress)
          },
        })
      } catch (error) {
        self.settle(failure(`Could not start the scenario worker: ${messageOf(error)}`))
        return
      }
      self.cancelWorker = () => handle.cancel()
      handle.result.then(
        (outcome) => self.settle(outcome),
        (error: unknown) => self.settle(failure(`Scenario worker failed: ${messageOf(error)}`)),
      )
    })
  }

  return {
    run,
    cancel: () => stop(CANCELLED_MESSAGE),
    get busy() {
      return active !== null
    },
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
