import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import type { HugeswapApi } from '../../../shared/ipc'
import type { RunOutcome, RunProgress } from '../../../shared/result'
import { SAMPLE_RESULT } from '../../../report/charts/test-fixture'

vi.mock('../../../../scenarios/one-thp.ts?raw', () => ({ default: 'export default 1\n' }))

let answer: RunOutcome
let progressListener: ((p: RunProgress) => void) | null = null
const fake: HugeswapApi = {
  scenario: {
    run: vi.fn(async () => {
      progressListener?.({
        variant: 'baseline',
        variantIndex: 0,
        variantCount: 2,
        phase: 't.write',
        percent: 10,
      })
      return answer
    }),
    cancel: vi.fn(async () => {}),
    onProgress: (cb) => {
      progressListener = cb
      return () => (progressListener = null)
    },
  },
}
vi.mock('../services/backend', () => ({ getBackend: () => fake }))

const { useRunStore } = await import('./run')

describe('useRunStore', () => {
  beforeEach(() => setActivePinia(createPinia()))

  it('keeps the result of a good run and counts failed checks', async () => {
    answer = { ok: true, result: SAMPLE_RESULT }
    const store = useRunStore()
    await store.run()
    expect(store.status).toBe('done')
    expect(store.result?.variants).toHaveLength(2)
    expect(store.failedChecks).toBe(1)
    expect(store.progress).toBeNull()
  })

  it('turns a failed run into an error and recovers on the next run', async () => {
    const store = useRunStore()
    answer = {
      ok: false,
      error: { kind: 'syntax', message: 'Unexpected token', file: 'x.ts', line: 3, column: 4 },
    }
    await store.run()
    expect(store.status).toBe('error')
    expect(store.error?.line).toBe(3)
    expect(store.result).toBeNull()
    answer = { ok: true, result: SAMPLE_RESULT }
    await store.run()
    expect(store.status).toBe('done')
    expect(store.error).toBeNull()
  })
})
