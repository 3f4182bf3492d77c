/**
 * Runs scenarios for the window: one at a time, each in a process of its own (an Electron
 * utilityProcess running src/scenario/scenario-process.ts, through node-host's runInProcess),
 * the warmed-up spare when there is one. No Electron imports: the runner and the progress sink
 * are handed in, so tests drive it with a fake process.
 */
import type { ScenarioProcess } from '../../scenario/node-host'
import type { RunOutcome, RunProgress } from '../../shared/result'
import type { MeasuredCosts, RunRequest } from '../../shared/worker-protocol'

/** node-host's `runInProcess`, with the process starter and limits bound by index.ts. */
export type RunInProcess = (
  request: RunRequest,
  options: {
    onProgress?: (progress: RunProgress) => void
    /** A warmed-up process to run in (the spare's); absent: the runner starts a new one. */
    process?: ScenarioProcess
  },
) => { result: Promise<RunOutcome>; cancel(): void }

/** node-host's ProcessSpare, as far as the service uses it. */
export interface SpareProcesses {
  take(): ScenarioProcess | undefined
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
  cancelProcess(): void
  settle(outcome: RunOutcome): void
}

function failure(message: string): RunOutcome {
  return { ok: false, error: { kind: 'internal', message } }
}

export function createScenarioService(options: {
  runInProcess: RunInProcess
  /**
   * The figures `machine.costs: 'measured'` stands for when the window sends none: the profile
   * `hugeswap calibrate` wrote for this user, read at each run (undefined: there is none).
   */
  measuredCosts?: () => MeasuredCosts | undefined
  /**
   * A warmed-up process for the next run (node-host's createProcessSpare): a run takes it, and
   * the next one starts when that run ends. Absent: every run starts a fresh process.
   */
  spare?: SpareProcesses
}): ScenarioService {
  let active: ActiveRun | null = null

  function stop(message: string): void {
    const run = active
    if (!run) return
    active = null
    // Settle first: the caller learns of the cancel even if killing the process throws or its
    // own outcome never arrives.
    run.settle(failure(message))
    try {
      run.cancelProcess()
    } catch {
      // The process is already gone; nothing left to stop.
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
        cancelProcess: () => {},
        settle(outcome) {
          if (settled) return
          settled = true
          if (active === self) active = null
          options.spare?.refill()
          resolve(outcome)
        },
      }
      active = self

      let handle: ReturnType<RunInProcess>
      try {
        handle = options.runInProcess(request, {
          process: options.spare?.take(),
          // Progress of a cancelled or replaced run must not reach the window.
          onProgress: (progress) => {
            if (!settled) onProgress(progress)
          },
        })
      } catch (error) {
        self.settle(failure(`Could not start the scenario process: ${messageOf(error)}`))
        return
      }
      self.cancelProcess = () => handle.cancel()
      handle.result.then(
        (outcome) => self.settle(outcome),
        (error: unknown) => self.settle(failure(`Scenario process failed: ${messageOf(error)}`)),
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
