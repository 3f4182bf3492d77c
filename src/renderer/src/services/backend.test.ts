import { afterEach, describe, expect, it, vi } from 'vitest'
import type { RunProgress } from '../../../shared/result'
import type { JobRequest, WorkerMessage, WorkerRequest } from '../../../shared/worker-protocol'
import { SAMPLE_RESULT } from '../../../report/charts/test-fixture'
import { CANCELLED_MESSAGE, createWebBackend, type WebBackendOptions } from './backend'

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

function setup(options: WebBackendOptions = { spare: false }) {
  const workers: FakeWorker[] = []
  const api = createWebBackend(() => {
    const w = new FakeWorker()
    workers.push(w)
    return w as unknown as Worker
  }, options)
  return { api, workers }
}

const done = (w: FakeWorker): void => {
  const run = w.sent.find((m): m is JobRequest => m.type === 'run')!
  w.reply({ type: 'done', id: run.id, outcome: { ok: true, result: SAMPLE_RESULT } })
}

const request = { source: 'export default 1', fileName: 'x.ts' }

describe('createWebBackend', () => {
  it('runs in a fresh worker, forwards progress, and ends the worker with the outcome', async () => {
    const { api, workers } = setup()
    const seen: RunProgress[] = []
    api.scenario.onProgress((p) => seen.push(p))
    const pending = api.scenario.run(request)
    const [w] = workers
    const id = w.sent[0].type === 'run' ? w.sent[0].id : -1
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
    done(workers[1])
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

  describe('the spare worker', () => {
    afterEach(() => vi.useRealTimers())

    it('starts warming up at once; a run takes it, and the next spare starts after the run', async () => {
      vi.useFakeTimers()
      const { api, workers } = setup({ spareDelayMs: 1000 })
      expect(workers).toHaveLength(1)
      expect(workers[0].sent).toEqual([{ type: 'warm' }])
      const pending = api.scenario.run(request)
      expect(workers).toHaveLength(1) // the run went to the spare
      expect(workers[0].sent.map((m) => m.type)).toEqual(['warm', 'run'])
      done(workers[0])
      expect((await pending).ok).toBe(true)
      expect(workers[0].terminated).toBe(true) // a worker per run, ended with it
      vi.advanceTimersByTime(999)
      expect(workers).toHaveLength(1) // not while the charts are drawn
      vi.advanceTimersByTime(1)
      expect(workers).toHaveLength(2)
      expect(workers[1].sent).toEqual([{ type: 'warm' }])
      const again = api.scenario.run(request)
      expect(workers).toHaveLength(2)
      done(workers[1])
      expect((await again).ok).toBe(true)
    })

    it('a run right after another starts a worker of its own, and the pending spare waits', async () => {
      vi.useFakeTimers()
      const { api, workers } = setup({ spareDelayMs: 1000 })
      const first = api.scenario.run(request)
      done(workers[0])
      await first
      const second = api.scenario.run(request)
      expect(workers).toHaveLength(2)
      expect(workers[1].sent.map((m) => m.type)).toEqual(['run'])
      vi.advanceTimersByTime(5000)
      expect(workers).toHaveLength(2) // no spare while a run is going
      done(workers[1])
      await second
      vi.advanceTimersByTime(1000)
      expect(workers).toHaveLength(3)
    })

    it('a spare that fails while warming up is dropped; the run starts its own worker', async () => {
      const { api, workers } = setup({})
      workers[0].onerror?.({ message: 'no wasm', preventDefault() {} } as ErrorEvent)
      expect(workers[0].terminated).toBe(true)
      const pending = api.scenario.run(request)
      expect(workers).toHaveLength(2)
      done(workers[1])
      expect((await pending).ok).toBe(true)
    })

    it('cancel ends the run and its worker, never the spare', async () => {
      vi.useFakeTimers()
      const { api, workers } = setup({ spareDelayMs: 0 })
      const pending = api.scenario.run(request)
      await api.scenario.cancel()
      expect((await pending).ok).toBe(false)
      vi.advanceTimersByTime(0)
      expect(workers).toHaveLength(2)
      await api.scenario.cancel() // nothing running: the spare stays
      expect(workers[1].terminated).toBe(false)
    })
  })
})
