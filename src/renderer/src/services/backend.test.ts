import { describe, expect, it } from 'vitest'
import type { RunProgress } from '../../../shared/result'
import type { WorkerMessage, WorkerRequest } from '../../../shared/worker-protocol'
import { SAMPLE_RESULT } from '../../../report/charts/test-fixture'
import { CANCELLED_MESSAGE, createWebBackend } from './backend'

/** A stand-in for the browser Worker: records what the page sends, lets the test answer. */
class FakeWorker {
  onmessage: ((e: MessageEvent<WorkerMessage>) => void) | null = null
  onerror: ((e: ErrorEvent) => void) | null = null
  sent: WorkerRequest[] = []
  terminated = false
  postMessage(msg: WorkerRequest): void {
    this.sent.push(msg)
  }
  terminate(): void {
    this.terminated = true
  }
  reply(msg: WorkerMessage): void {
    this.onmessage?.({ data: msg } as MessageEvent<WorkerMessage>)
  }
}

function setup() {
  const workers: FakeWorker[] = []
  const api = createWebBackend(() => {
    const w = new FakeWorker()
    workers.push(w)
    return w as unknown as Worker
  })
  return { api, workers }
}

const request = { source: 'export default 1', fileName: 'x.ts' }

describe('createWebBackend', () => {
  it('runs in a fresh worker, forwards progress, and ends the worker with the outcome', async () => {
    const { api, workers } = setup()
    const seen: RunProgress[] = []
    api.scenario.onProgress((p) => seen.push(p))
    const pending = api.scenario.run(request)
    const [w] = workers
    const id = w.sent[0].id
    const progress = {
      variant: 'baseline',
      variantIndex: 0,
      variantCount: 1,
      phase: 'x',
      percent: 50,
    } as const
    w.reply({ type: 'progress', id, progress })
    w.reply({ type: 'done', id: id + 99, outcome: { ok: true, result: SAMPLE_RESULT } }) // not ours
    w.reply({ type: 'done', id, outcome: { ok: true, result: SAMPLE_RESULT } })
    expect(await pending).toEqual({ ok: true, result: SAMPLE_RESULT })
    expect(seen).toEqual([progress])
    expect(w.terminated).toBe(true)
  })

  it('cancel terminates the worker at once; the next run gets a new one', async () => {
    const { api, workers } = setup()
    const first = api.scenario.run(request)
    await api.scenario.cancel()
    expect(await first).toEqual({
      ok: false,
      error: { kind: 'internal', message: CANCELLED_MESSAGE },
    })
    expect(workers[0].terminated).toBe(true)
    const second = api.scenario.run(request)
    expect(workers).toHaveLength(2)
    workers[1].reply({
      type: 'done',
      id: workers[1].sent[0].id,
      outcome: { ok: true, result: SAMPLE_RESULT },
    })
    expect((await second).ok).toBe(true)
  })

  it('reports a worker that fails to start as an internal error', async () => {
    const { api, workers } = setup()
    const pending = api.scenario.run(request)
    workers[0].onerror?.({ message: 'boom', preventDefault() {} } as ErrorEvent)
    expect(await pending).toEqual({
      ok: false,
      error: { kind: 'internal', message: 'Scenario worker failed: boom' },
    })
  })
})
