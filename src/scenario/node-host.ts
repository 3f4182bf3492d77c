/**
 * Runs a scenario in a node:worker_threads worker (node-worker.ts) and watches it. Used by
 * Electron main and the CLI. The layers of protection, innermost first:
 *
 * 1. the QuickJS sandbox: script time limit (interrupts), heap limit, bounded job pumping;
 * 2. `resourceLimits` on the worker (default 4 GiB old generation): the simulator's own heap;
 *    V8 kills the worker with ERR_WORKER_OUT_OF_MEMORY instead of the process;
 * 3. a silence watchdog (below): terminate() when the worker has said nothing for too long;
 * 4. cancel(): terminate() at once.
 *
 * Why a *silence* watchdog rather than a total wall-clock budget: the script time limit excludes
 * time inside simulator calls, because simulating a large machine can legitimately take minutes.
 * A total budget would kill such runs. Instead the worker reports progress on every scenario
 * operation (at most 20 per second, at least one per variant), so it only goes quiet when it is
 * stuck: a script inside one native call that never polls interrupts, or a simulator call that
 * runs longer than the margin. The margin is `timeMs * 3 + 60 s` (90 s by default): three times
 * the script's own budget, plus a minute for one very large simulated operation.
 */
import { Worker, type ResourceLimits } from 'node:worker_threads'
import type { RunOutcome, RunProgress, ScenarioError } from '../shared/result'
import type { RunRequest, WorkerMessage, WorkerRequest } from '../shared/worker-protocol'
import { silenceBudgetMs } from './limits'
import { createSpare, type Spare } from '../shared/spare'

export const CANCELLED_MESSAGE = 'run cancelled'
export const DEFAULT_RESOURCE_LIMITS: ResourceLimits = { maxOldGenerationSizeMb: 4096 }

export interface NodeWorkerOptions {
  /** The built worker entry (node-worker.ts): a file: URL or a path. */
  workerUrl: URL | string
  onProgress?: (p: RunProgress) => void
  /** Merged over DEFAULT_RESOURCE_LIMITS. */
  resourceLimits?: ResourceLimits
  /** Silence allowed before the worker is terminated; default `timeMs * 3 + 60 000`. */
  silenceMs?: number
  /**
   * A worker already started on `workerUrl` to run in (a WorkerSpare's); default a new one.
   * The run owns it from here on and terminates it when it ends.
   */
  worker?: Worker
}

export interface NodeWorkerRun {
  result: Promise<RunOutcome>
  /** Terminates the worker at once; `result` resolves with a 'run cancelled' error. */
  cancel(): void
}

export { silenceBudgetMs }

export function runInNodeWorker(req: RunRequest, opts: NodeWorkerOptions): NodeWorkerRun {
  const resourceLimits = { ...DEFAULT_RESOURCE_LIMITS, ...opts.resourceLimits }
  const silenceMs = opts.silenceMs ?? silenceBudgetMs(req)
  const id = 1
  let settle: (o: RunOutcome) => void = () => {}
  const result = new Promise<RunOutcome>((resolve) => (settle = resolve))

  let worker: Worker
  try {
    worker = opts.worker ?? new Worker(opts.workerUrl, { resourceLimits })
  } catch (e) {
    settle(failure('internal', `could not start the scenario worker: ${messageOf(e)}`))
    return { result, cancel: () => {} }
  }

  let done = false
  let watchdog: ReturnType<typeof setTimeout> | undefined
  const finish = (outcome: RunOutcome, terminate: boolean): void => {
    if (done) return
    done = true
    clearTimeout(watchdog)
    settle(outcome)
    // Terminate even after a normal `done`: the worker holds a wasm heap we no longer need.
    if (terminate) void worker.terminate().catch(() => {})
  }
  const arm = (): void => {
    clearTimeout(watchdog)
    watchdog = setTimeout(() => {
      const seconds = Number((silenceMs / 1000).toFixed(1))
      finish(
        failure(
          'timeout',
          `the scenario worker gave no sign of life for ${seconds} s and was stopped (a runaway script or simulator call)`,
        ),
        true,
      )
    }, silenceMs)
  }

  worker.on('message', (msg: WorkerMessage) => {
    if (done || msg?.id !== id) return
    arm()
    if (msg.type === 'progress') opts.onProgress?.(msg.progress)
    else if (msg.type === 'done') finish(msg.outcome, true)
  })
  worker.on('error', (err: Error & { code?: string }) => {
    if (err.code === 'ERR_WORKER_OUT_OF_MEMORY') {
      const mb = resourceLimits.maxOldGenerationSizeMb
      finish(
        failure('memory', `the scenario worker ran out of memory (heap limit ${mb ?? '?'} MB)`),
        true,
      )
      return
    }
    finish(failure('internal', `the scenario worker crashed: ${err.message}`), true)
  })
  worker.on('exit', (code) => {
    finish(
      failure('internal', `the scenario worker exited unexpectedly (exit code ${code})`),
      false,
    )
  })

  arm()
  worker.postMessage({ type: 'run', id, request: req } satisfies WorkerRequest)

  return {
    result,
    cancel: () => finish(failure('internal', CANCELLED_MESSAGE), true),
  }
}

function failure(kind: ScenarioError['kind'], message: string): RunOutcome {
  return { ok: false, error: { kind, message } }
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e)
}

/**
 * One worker started ahead of need and warmed up (`{ type: 'warm' }`: it runs a small built-in
 * scenario once, so its next run finds the QuickJS wasm and the engine compiled). A fresh Node
 * worker spends about half a second loading and compiling before it runs anything; Electron
 * main keeps a spare so the window's next run does not (docs/performance.md). take() hands it
 * over for runInNodeWorker's `worker`; an idle spare does not keep the process alive.
 */
export type WorkerSpare = Spare<Worker>

export function createWorkerSpare(opts: {
  workerUrl: URL | string
  resourceLimits?: ResourceLimits
  /** Delay of refill() (default 1 s: the window draws the last run's charts meanwhile). */
  delayMs?: number
}): WorkerSpare {
  const resourceLimits = { ...DEFAULT_RESOURCE_LIMITS, ...opts.resourceLimits }
  const spare = createSpare<Worker>({
    start(drop) {
      let worker: Worker
      try {
        worker = new Worker(opts.workerUrl, { resourceLimits })
      } catch {
        return undefined
      }
      worker.on('error', drop)
      worker.on('exit', drop)
      worker.unref()
      worker.postMessage({ type: 'warm' } satisfies WorkerRequest)
      return worker
    },
    stop: (worker) => void worker.terminate().catch(() => {}),
    delayMs: opts.delayMs ?? 1000,
  })
  return {
    ...spare,
    take() {
      const worker = spare.take()
      worker?.ref()
      return worker
    },
  }
}
