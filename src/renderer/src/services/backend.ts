/**
 * The one renderer module that knows where scenarios run. In Electron the preload exposes
 * `window.hugeswap` (main runs the engine in a utilityProcess); in a plain browser the same engine
 * runs here in a Web Worker (src/scenario/web-worker.ts), one worker per run so that cancel is
 * simply `worker.terminate()`.
 *
 * A new worker pays for fetching and compiling the QuickJS wasm and the engine's code before it
 * runs anything (about 0.4 s of a 1 s edit-to-chart in Chromium, `npm run bench`). So the backend
 * keeps one spare worker, started and warmed up (`warm`: a small built-in scenario) while the
 * user edits: a run takes the spare, and the next spare starts when that run ends. Each run still
 * has a worker of its own, which ends with it.
 */
import type { HugeswapApi } from '../../../shared/ipc'
import type { RunOutcome, RunProgress } from '../../../shared/result'
import type { RunRequest, WorkerMessage, WorkerRequest } from '../../../shared/worker-protocol'
import { silenceBudgetMs } from '../../../scenario/limits'
import { createSpare } from '../../../shared/spare'

export const CANCELLED_MESSAGE = 'Run cancelled'

export type WorkerFactory = () => Worker

function defaultWorkerFactory(): Worker {
  return new Worker(new URL('../../../scenario/web-worker.ts', import.meta.url), {
    type: 'module',
    name: 'hugeswap-scenario',
  })
}

interface ActiveRun {
  worker: Worker
  id: number
  finish: (outcome: RunOutcome) => void
}

export interface WebBackendOptions {
  /** Keep a warmed-up spare worker for the next run (default true). */
  spare?: boolean
  /**
   * How long after a run ends the next spare starts (default 1 s): its warm-up would otherwise
   * take a core from drawing the charts of the run that just ended.
   */
  spareDelayMs?: number
}

/** HugeswapApi over a browser Web Worker running the real engine. */
export function createWebBackend(
  createWorker: WorkerFactory = defaultWorkerFactory,
  { spare: keepSpare = true, spareDelayMs = 1000 }: WebBackendOptions = {},
): HugeswapApi {
  const listeners = new Set<(progress: RunProgress) => void>()
  let active: ActiveRun | null = null
  let nextId = 1
  const spare = keepSpare
    ? createSpare<Worker>({
        start(drop) {
          let worker: Worker
          try {
            worker = createWorker()
          } catch {
            return undefined
          }
          worker.onerror = (event: ErrorEvent) => {
            event.preventDefault()
            drop()
          }
          worker.postMessage({ type: 'warm' } satisfies WorkerRequest)
          return worker
        },
        stop: (worker) => worker.terminate(),
        delayMs: spareDelayMs,
      })
    : null

  function stop(outcome: RunOutcome): void {
    const run = active
    if (!run) return
    active = null
    run.worker.terminate()
    run.finish(outcome)
    spare?.refill()
  }

  function run(request: RunRequest): Promise<RunOutcome> {
    stop(failure('internal', CANCELLED_MESSAGE))
    const id = nextId++
    // The spare if one is ready (the run's own from now on), else a new worker.
    const worker = spare?.take() ?? createWorker()
    // Backstop on top of the engine's own script-time limit: re-armed by every message, so a
    // long simulation that keeps reporting progress is never cut off.
    const budgetMs = silenceBudgetMs(request)
    let watchdog: ReturnType<typeof setTimeout> | undefined
    const rearm = (): void => {
      clearTimeout(watchdog)
      watchdog = setTimeout(
        () => stop(failure('timeout', `No answer from the scenario worker for ${budgetMs} ms`)),
        budgetMs,
      )
    }
    return new Promise<RunOutcome>((resolve) => {
      rearm()
      active = {
        worker,
        id,
        finish: (outcome) => {
          clearTimeout(watchdog)
          resolve(outcome)
        },
      }
      worker.onmessage = (event: MessageEvent<WorkerMessage>) => {
        const msg = event.data
        if (msg.id !== id) return
        rearm()
        if (msg.type === 'progress') {
          for (const listener of listeners) listener(msg.progress)
          return
        }
        stop(msg.outcome)
      }
      worker.onerror = (event: ErrorEvent) => {
        event.preventDefault()
        stop(failure('internal', `Scenario worker failed: ${event.message || 'could not start'}`))
      }
      worker.postMessage({ type: 'run', id, request } satisfies WorkerRequest)
    })
  }

  return {
    scenario: {
      run,
      cancel: async () => stop(failure('internal', CANCELLED_MESSAGE)),
      onProgress(callback) {
        listeners.add(callback)
        return () => listeners.delete(callback)
      },
    },
  }
}

function failure(kind: 'internal' | 'timeout', message: string): RunOutcome {
  return { ok: false, error: { kind, message } }
}

let backend: HugeswapApi | null = null

/** `window.hugeswap` when the Electron preload provides it, else the Web Worker backend. */
export function getBackend(): HugeswapApi {
  if (!backend) {
    const bridge = (globalThis as { hugeswap?: HugeswapApi }).hugeswap
    backend = bridge ?? createWebBackend()
  }
  return backend
}
