/**
 * What both worker entries do with a message (node-worker.ts over worker_threads, web-worker.ts
 * in the browser): validate it, run the scenario, post progress and exactly one `done`. Free of
 * Node and DOM APIs; each entry passes its own `post`.
 */
import type { RunOutcome } from '../shared/result'
import type { RunRequest, WorkerMessage } from '../shared/worker-protocol'
import { runScenario } from './runner'

function isRunRequest(v: unknown): v is RunRequest {
  if (typeof v !== 'object' || v === null) return false
  const r = v as Partial<RunRequest>
  return typeof r.source === 'string' && typeof r.fileName === 'string'
}

/** Handles one incoming message; resolves once `done` has been posted. */
export async function handleWorkerMessage(
  data: unknown,
  post: (message: WorkerMessage) => void,
): Promise<void> {
  const msg = data as { type?: unknown; id?: unknown; request?: unknown } | null
  if (!msg || msg.type !== 'run' || typeof msg.id !== 'number') return
  const id = msg.id
  let outcome: RunOutcome
  if (!isRunRequest(msg.request)) {
    outcome = {
      ok: false,
      error: { kind: 'internal', message: 'bad worker request: expected { source, fileName }' },
    }
  } else {
    outcome = await runScenario(msg.request, {
      onProgress: (progress) => post({ type: 'progress', id, progress }),
    })
  }
  post({ type: 'done', id, outcome })
}
