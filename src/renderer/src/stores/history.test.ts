import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { nextTick } from 'vue'
import type { HugeswapApi } from '../../../shared/ipc'
import type { ResultJson, RunOutcome } from '../../../shared/result'
import { SAMPLE_RESULT } from '../../../report/charts/test-fixture'
import { HISTORY_KEY, HISTORY_LIMIT, type HistoryEntry } from '../services/history-storage'

vi.mock('../../../../scenarios/one-thp.ts?raw', () => ({ default: 'export default 1\n' }))

type NativeHistory = NonNullable<HugeswapApi['history']>

/**
 * Main's history as the preload exposes it, in memory. `hold()` makes the next call wait until
 * `release()`, to see what the store shows while main has not answered.
 */
class FakeNativeHistory implements NativeHistory {
  stored: HistoryEntry[] = []
  /** Drop runs beyond this many (stands in for main's byte cap). */
  keepAtMost = HISTORY_LIMIT
  failNext: Error | null = null
  readonly calls: string[] = []
  private gate: Promise<void> | null = null
  private open: (() => void) | null = null

  hold(): void {
    this.gate = new Promise((resolve) => (this.open = resolve))
  }
  release(): void {
    this.open?.()
    this.gate = null
  }
  private async answer<T>(call: string, apply: () => T): Promise<T> {
    this.calls.push(call)
    if (this.gate) await this.gate
    const failure = this.failNext
    this.failNext = null
    if (failure) throw failure
    return apply()
  }
  private ids(): string[] {
    this.stored = this.stored.slice(0, this.keepAtMost)
    return this.stored.map((e) => e.id)
  }
  load = () => this.answer('load', () => structuredClone(this.stored))
  add = (entry: HistoryEntry) =>
    this.answer(`add ${entry.title}`, () => {
      this.stored = [structuredClone(entry), ...this.stored.filter((e) => e.id !== entry.id)]
      return this.ids()
    })
  remove = (id: string) =>
    this.answer(`remove ${id}`, () => {
      this.stored = this.stored.filter((e) => e.id !== id)
      return this.ids()
    })
  clear = () =>
    this.answer('clear', () => {
      this.stored = []
    })
}

let answer: RunOutcome = { ok: true, result: SAMPLE_RESULT }
let native: FakeNativeHistory | undefined
const backend: HugeswapApi = {
  scenario: {
    run: vi.fn(async () => answer),
    cancel: vi.fn(async () => {}),
    onProgress: () => () => {},
  },
}
vi.mock('../services/backend', () => ({
  getBackend: (): HugeswapApi => (native ? { ...backend, history: native } : backend),
}))

const { useHistoryStore } = await import('./history')
const { useRunStore } = await import('./run')

function resultTitled(title: string): ResultJson {
  return { ...SAMPLE_RESULT, scenario: { ...SAMPLE_RESULT.scenario, title } }
}

function storedEntry(id: string, title: string): HistoryEntry {
  return {
    id,
    ranAt: 1_790_000_000_000,
    title,
    file: 'one-thp.ts',
    seed: 1,
    variants: ['baseline'],
    result: resultTitled(title),
  }
}

const titles = (entries: readonly HistoryEntry[]) => entries.map((e) => e.title)

describe('useHistoryStore in Electron (main keeps the history file)', () => {
  beforeEach(() => {
    native = new FakeNativeHistory()
    setActivePinia(createPinia())
    localStorage.clear()
  })

  it('shows the runs main has kept, newest first', async () => {
    native!.stored = [storedEntry('b', 'second'), storedEntry('a', 'first')]
    const store = useHistoryStore()
    await store.whenLoaded()
    expect(titles(store.entries)).toEqual(['second', 'first'])
    expect(localStorage.getItem(HISTORY_KEY)).toBeNull()
  })

  it('adds every finished run in front, through main', async () => {
    native!.stored = [storedEntry('a', 'first')]
    const store = useHistoryStore()
    const run = useRunStore()
    answer = { ok: true, result: resultTitled('fresh') }
    await run.run()
    await vi.waitFor(() => expect(titles(store.entries)).toEqual(['fresh', 'first']))
    expect(titles(native!.stored)).toEqual(['fresh', 'first'])
    expect(native!.calls).toContain('add fresh')
    expect(localStorage.getItem(HISTORY_KEY)).toBeNull()
  })

  it(`keeps at most ${HISTORY_LIMIT} runs`, async () => {
    const store = useHistoryStore()
    for (let i = 0; i < HISTORY_LIMIT + 3; i++) await store.add(resultTitled(`run ${i}`))
    expect(store.entries).toHaveLength(HISTORY_LIMIT)
    expect(store.entries[0]!.title).toBe(`run ${HISTORY_LIMIT + 2}`)
    expect(store.entries.at(-1)!.title).toBe('run 3')
  })

  it('a run that finishes before main has answered the load goes in front of the loaded runs', async () => {
    native!.stored = [storedEntry('a', 'first')]
    native!.hold()
    const store = useHistoryStore()
    const adding = store.add(resultTitled('early'))
    expect(store.entries).toEqual([])
    native!.release()
    await adding
    expect(titles(store.entries)).toEqual(['early', 'first'])
  })

  it('shows only the runs main kept (the oldest drop when its file is full)', async () => {
    native!.stored = [storedEntry('b', 'second'), storedEntry('a', 'first')]
    native!.keepAtMost = 2
    const store = useHistoryStore()
    await store.add(resultTitled('third'))
    expect(titles(store.entries)).toEqual(['third', 'second'])
    // ... and says so: nothing is dropped silently.
    expect(store.notice).toMatch(/^Dropped the oldest run "first" \(/)
    native!.keepAtMost = 0
    await store.add(resultTitled('fourth'))
    expect(store.notice).toMatch(/^This run \("fourth" .*\) is too large for the history/)
  })

  it('views, removes and clears', async () => {
    native!.stored = [storedEntry('b', 'second'), storedEntry('a', 'first')]
    const store = useHistoryStore()
    await store.whenLoaded()
    store.view('a')
    expect(store.viewing?.title).toBe('first')

    await store.remove('a')
    expect(store.viewing).toBeNull()
    expect(titles(store.entries)).toEqual(['second'])
    expect(titles(native!.stored)).toEqual(['second'])

    store.view('b')
    await store.clear()
    expect(store.viewing).toBeNull()
    expect(store.entries).toEqual([])
    expect(native!.stored).toEqual([])
  })

  it('a new run stops viewing a past one', async () => {
    native!.stored = [storedEntry('a', 'first')]
    const store = useHistoryStore()
    await store.whenLoaded()
    store.view('a')
    answer = { ok: true, result: resultTitled('next') }
    await useRunStore().run()
    await nextTick()
    expect(store.viewingId).toBeNull()
  })

  it('a failed save leaves the list as stored and says why; the next success clears that', async () => {
    native!.stored = [storedEntry('a', 'first')]
    const store = useHistoryStore()
    await store.whenLoaded()
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    native!.failNext = new Error('Could not save the run history to /x/history.json: ENOSPC')
    await store.add(resultTitled('lost'))
    expect(titles(store.entries)).toEqual(['first'])
    expect(store.error).toMatch(/ENOSPC/)
    expect(warn).toHaveBeenCalled()

    await store.add(resultTitled('kept'))
    expect(titles(store.entries)).toEqual(['kept', 'first'])
    expect(store.error).toBeNull()
    warn.mockRestore()
  })

  it('a failed load starts empty and still records new runs', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    native!.failNext = new Error('Could not read the run history /x/history.json: EACCES')
    const store = useHistoryStore()
    await store.whenLoaded()
    expect(store.entries).toEqual([])
    expect(store.error).toMatch(/EACCES/)
    await store.add(resultTitled('new'))
    expect(titles(store.entries)).toEqual(['new'])
    warn.mockRestore()
  })
})

describe('useHistoryStore in the browser (localStorage)', () => {
  beforeEach(() => {
    native = undefined
    setActivePinia(createPinia())
    localStorage.clear()
  })

  it('keeps runs across a reload', async () => {
    const store = useHistoryStore()
    await store.add(resultTitled('first'))
    await store.add(resultTitled('second'))
    expect(titles(store.entries)).toEqual(['second', 'first'])

    setActivePinia(createPinia())
    const reloaded = useHistoryStore()
    await reloaded.whenLoaded()
    expect(titles(reloaded.entries)).toEqual(['second', 'first'])
    await reloaded.remove(reloaded.entries[1]!.id)
    expect(titles(JSON.parse(localStorage.getItem(HISTORY_KEY)!))).toEqual(['second'])
    await reloaded.clear()
    expect(localStorage.getItem(HISTORY_KEY)).toBeNull()
  })
})
