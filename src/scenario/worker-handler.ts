/**
 * What every worker entry does with its messages (process-child.ts in a scenario process,
 * web-worker.ts in the browser): validate each, run the job, post progress and exactly one
 * `done`; or, for `warm`, run a small built-in scenario and post nothing. Messages are handled
 * one at a time, in arrival order. Free of Node and DOM APIs; each entry passes its own `post`.
 */
import type { JobOutcome, JobRequest, RunRequest, WorkerMessage } from '../shared/worker-protocol'
import { describeScenario } from './describe'
import { runScenario } from './runner'

/** Jobs an entry adds to `run` and `describe` (the CLI's `record`), by message type. */
export type ExtraJobs = Partial<
  Record<
    'record' | 'trace',
    (request: RunRequest, options: JobRequest['options']) => Promise<JobOutcome<object>>
  >
>

function isRunRequest(v: unknown): v is RunRequest {
  if (typeof v !== 'object' || v === null) return false
  const r = v as Partial<RunRequest>
  return typeof r.source === 'string' && typeof r.fileName === 'string'
}

/**
 * The warm-up: every stage a run goes through (sucrase, a QuickJS module per variant, the
 * simulator's fault, reclaim, swap-out and swap-in paths, the result's assembly) on a machine
 * small enough to take a few milliseconds once compiled. What a user's first run would otherwise
 * pay: fetching and compiling the wasm and the engine's code (about 0.4 s in Chromium).
 */
export const WARM_UP_REQUEST: RunRequest = {
  fileName: 'warm-up.ts',
  source: `import { defineScenario } from 'hugeswap'
export default defineScenario({
  title: 'warm-up',
  machine: { memory: '64M', swap: [{ type: 'nvme', size: '64M' }] },
  run(k) {
    const t = k.spawn('warm')
    const r = t.mmap('4M', { advice: 'hugepage' })
    t.write(r)
    k.snapshot('written')
    t.madvise(r, 'pageout')
    k.reclaim('4M')
    t.read(r)
    k.expect(t.smaps(r).Rss, 'back').toBe(4096)
  },
})
`,
}

/** Handles one incoming message; resolves once it is done (`done` posted, or warmed up). */
export async function handleWorkerMessage(
  data: unknown,
  post: (message: WorkerMessage<JobOutcome<object>>) => void,
  extra: ExtraJobs = {},
): Promise<void> {
  const msg = data as { type?: unknown; id?: unknown; request?: unknown; options?: unknown } | null
  if (msg?.type === 'warm') {
    // A warm-up that fails costs nothing but time: the run after it reports whatever is wrong.
    await runScenario(WARM_UP_REQUEST).catch(() => {})
    return
  }
  if (!msg || typeof msg.id !== 'number') return
  const id = msg.id
  const type = msg.type
  const job =
    type === 'run'
      ? (request: RunRequest) =>
          runScenario(request, {
            onProgress: (progress) => post({ type: 'progress', id, progress }),
          })
      : type === 'describe'
        ? describeScenario
        : type === 'record' || type === 'trace'
          ? extra[type]
          : undefined
  if (!job) return
  let outcome: JobOutcome<object>
  if (!isRunRequest(msg.request)) {
    outcome = {
      ok: false,
      error: { kind: 'internal', message: 'bad worker request: expected { source, fileName }' },
    }
  } else {
    try {
      const options =
        typeof msg.options === 'object' && msg.options !== null
          ? (msg.options as JobRequest['options'])
          : undefined
      outcome = await job(msg.request, options)
    } catch (e) {
      // runScenario() turns every failure it knows into an outcome; anything else still ends
      // the run with exactly one `done`, never a host left waiting for its watchdog.
      outcome = {
        ok: false,
        error: {
          kind: 'internal',
          message: `the scenario engine failed: ${e instanceof Error ? e.message : String(e)}`,
        },
      }
    }
  }
  post({ type: 'done', id, outcome })
}

/**
 * A worker's message listener: each message is handled after the one before it has finished,
 * so a `run` that arrives while the worker warms up waits for the warm-up instead of sharing the
 * thread with it.
 */
export function createMessageQueue(
  post: (message: WorkerMessage<JobOutcome<object>>) => void,
  extra: ExtraJobs = {},
): (data: unknown) => void {
  let last: Promise<void> = Promise.resolve()
  return (data) => {
    // handleWorkerMessage() does not throw but for a failing `post`, which a later message
    // must not inherit.
    last = last.then(() => handleWorkerMessage(data, post, extra)).catch(() => {})
  }
}
