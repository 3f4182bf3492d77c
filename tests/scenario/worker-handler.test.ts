/**
 * The worker entries' message queue (src/scenario/worker-handler.ts) with the real engine: `warm`
 * runs the built-in scenario and answers nothing; a `run` sent during the warm-up waits for it
 * and gets its progress and exactly one `done`.
 */
import { describe, expect, it, vi } from 'vitest'
import { runScenario } from '../../src/scenario/runner'
import {
  createMessageQueue,
  handleWorkerMessage,
  WARM_UP_REQUEST,
} from '../../src/scenario/worker-handler'
import { VARIANT_NAMES } from '../../src/shared/result'
import type { JobOutcome, WorkerMessage } from '../../src/shared/worker-protocol'

const SCENARIO = `import { defineScenario } from 'hugeswap'
export default defineScenario({
  title: 'one write',
  machine: { memory: '64M', swap: [{ type: 'nvme', size: '64M' }] },
  run(k) {
    const t = k.spawn('t')
    t.write(t.mmap('2M'))
  },
})
`

describe('worker message queue', () => {
  it('the warm-up scenario itself runs and passes its check on every variant', async () => {
    const outcome = await runScenario(WARM_UP_REQUEST)
    if (!outcome.ok) throw new Error(outcome.error.message)
    expect(outcome.result.variants).toHaveLength(VARIANT_NAMES.length)
    for (const v of outcome.result.variants) expect(v.checks.every((c) => c.pass)).toBe(true)
  })

  it('warm answers nothing; a run posted meanwhile is handled after it, with one done', async () => {
    const posted: WorkerMessage<JobOutcome<object>>[] = []
    let finished: () => void = () => {}
    const allDone = new Promise<void>((r) => (finished = r))
    const handle = createMessageQueue((m) => {
      posted.push(m)
      if (m.type === 'done') finished()
    })
    handle({ type: 'warm' })
    handle({ type: 'run', id: 7, request: { source: SCENARIO, fileName: 'x.ts' } })
    await allDone
    expect(posted.every((m) => m.id === 7)).toBe(true)
    expect(posted.filter((m) => m.type === 'done')).toHaveLength(1)
    const last = posted.at(-1)!
    expect(last.type === 'done' && last.outcome.ok).toBe(true)
    // Progress of the run only: the warm-up reported none.
    expect(posted.some((m) => m.type === 'progress')).toBe(true)
  })

  it('a bad message between two runs does not stop the queue', async () => {
    const ids: number[] = []
    let finished: () => void = () => {}
    const allDone = new Promise<void>((r) => (finished = r))
    const handle = createMessageQueue((m) => {
      if (m.type !== 'done') return
      ids.push(m.id)
      if (ids.length === 2) finished()
    })
    handle({ type: 'run', id: 1, request: { source: SCENARIO, fileName: 'x.ts' } })
    handle(null)
    handle({ type: 'run', id: 2, request: { nope: true } })
    await allDone
    expect(ids).toEqual([1, 2])
  })
})

describe('a run the engine throws on', () => {
  it('still ends with one done carrying an internal error', async () => {
    const runner = await import('../../src/scenario/runner')
    const spy = vi.spyOn(runner, 'runScenario').mockRejectedValueOnce(new Error('boom'))
    const posted: WorkerMessage<JobOutcome<object>>[] = []
    await handleWorkerMessage(
      { type: 'run', id: 3, request: { source: SCENARIO, fileName: 'x.ts' } },
      (m) => posted.push(m),
    )
    spy.mockRestore()
    expect(posted).toEqual([
      {
        type: 'done',
        id: 3,
        outcome: {
          ok: false,
          error: { kind: 'internal', message: 'the scenario engine failed: boom' },
        },
      },
    ])
  })
})
