import 'fake-indexeddb/auto'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { HugeswapApi } from '../../../shared/ipc'
import { SAMPLE_RESULT } from '../../../report/charts/test-fixture'

let bridge: HugeswapApi = { scenario: {} as HugeswapApi['scenario'] }
vi.mock('./backend', () => ({ getBackend: () => bridge }))

const {
  defaultHistoryStorage,
  entryOf,
  HISTORY_DB,
  HISTORY_KEY,
  HISTORY_LIMIT,
  indexedDbHistoryStorage,
  localHistoryStorage,
} = await import('./history-storage')

async function freshDb(): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const req = indexedDB.deleteDatabase(HISTORY_DB)
    req.onsuccess = () => resolve()
    req.onerror = () => reject(req.error)
  })
}

/** A Storage that refuses values longer than `quotaChars`, as a full localStorage does. */
function smallStorage(quotaChars: number): Storage {
  const map = new Map<string, string>()
  return {
    get length() {
      return map.size
    },
    key: (i) => [...map.keys()][i] ?? null,
    getItem: (k) => map.get(k) ?? null,
    setItem: (k, v) => {
      if (v.length > quotaChars) throw new DOMException('quota', 'QuotaExceededError')
      map.set(k, v)
    },
    removeItem: (k) => void map.delete(k),
    clear: () => map.clear(),
  }
}

const run = (n: number) => ({ ...entryOf(SAMPLE_RESULT, 1_790_000_000_000 + n), id: `r${n}` })

describe('localHistoryStorage', () => {
  beforeEach(() => localStorage.clear())

  it('round-trips newest first through localStorage', async () => {
    const storage = localHistoryStorage(localStorage)
    const [a, b] = [run(1), run(2)]
    await expect(storage.add(a)).resolves.toEqual([a.id])
    await expect(storage.add(b)).resolves.toEqual([b.id, a.id])
    await expect(localHistoryStorage(localStorage).load()).resolves.toEqual([b, a])
    await expect(storage.remove(a.id)).resolves.toEqual([b.id])
    await storage.clear()
    expect(localStorage.getItem(HISTORY_KEY)).toBeNull()
  })

  it(`keeps the newest ${HISTORY_LIMIT}`, async () => {
    const storage = localHistoryStorage(localStorage)
    const runs = Array.from({ length: HISTORY_LIMIT + 2 }, (_, i) => run(i))
    let ids: string[] = []
    for (const r of runs) ids = await storage.add(r)
    expect(ids).toEqual(
      runs
        .slice(2)
        .reverse()
        .map((r) => r.id),
    )
  })

  it('drops the oldest runs when the quota is hit', async () => {
    const oneRun = JSON.stringify([run(0)]).length
    const storage = localHistoryStorage(smallStorage(oneRun * 2 + 10))
    const [a, b, c] = [run(1), run(2), run(3)]
    await storage.add(a)
    await storage.add(b)
    await expect(storage.add(c)).resolves.toEqual([c.id, b.id])
    await expect(storage.load()).resolves.toEqual([c, b])
  })

  it('ignores what is not a history', async () => {
    localStorage.setItem(HISTORY_KEY, '{"not": "a list"')
    await expect(localHistoryStorage(localStorage).load()).resolves.toEqual([])
    localStorage.setItem(HISTORY_KEY, JSON.stringify([{ id: 'x' }, run(1)]))
    await expect(localHistoryStorage(localStorage).load()).resolves.toEqual([run(1)])
  })

  it('without localStorage keeps the runs for the page only', async () => {
    const storage = localHistoryStorage(undefined)
    await storage.add(run(1))
    await expect(storage.load()).resolves.toEqual([run(1)])
  })
})

describe('defaultHistoryStorage', () => {
  it("is main's history when the preload provides it", () => {
    const history = { load: vi.fn(), add: vi.fn(), remove: vi.fn(), clear: vi.fn() }
    bridge = { scenario: {} as HugeswapApi['scenario'], history }
    expect(defaultHistoryStorage()).toBe(history)
  })

  it('is IndexedDB in the browser, not localStorage', async () => {
    bridge = { scenario: {} as HugeswapApi['scenario'] }
    localStorage.clear()
    await freshDb()
    await defaultHistoryStorage().add(run(1))
    expect(localStorage.getItem(HISTORY_KEY)).toBeNull()
    await expect(indexedDbHistoryStorage().load()).resolves.toEqual([run(1)])
  })
})

describe('indexedDbHistoryStorage', () => {
  beforeEach(async () => {
    localStorage.clear()
    await freshDb()
  })

  it(`keeps ${HISTORY_LIMIT} runs of several MB each, newest first, across instances`, async () => {
    const storage = indexedDbHistoryStorage()
    // A 20 x 256 MB fork run is about 3.3 MB of JSON: 20 of them must all stay.
    const big = (n: number) => ({ ...run(n), title: 'x'.repeat(3_300_000) })
    let ids: string[] = []
    for (let i = 0; i < HISTORY_LIMIT + 1; i++) ids = await storage.add(big(i))
    expect(ids).toHaveLength(HISTORY_LIMIT)
    expect(ids[0]).toBe(`r${HISTORY_LIMIT}`)
    expect(ids).not.toContain('r0')
    const loaded = await indexedDbHistoryStorage().load()
    expect(loaded.map((e) => e.id)).toEqual(ids)
  })

  it('drops the oldest past the byte budget, and a run larger than the budget itself', async () => {
    const oneRun = JSON.stringify(run(0)).length
    const storage = indexedDbHistoryStorage(undefined, { maxBytes: oneRun * 2 + 50 })
    await storage.add(run(1))
    await storage.add(run(2))
    await expect(storage.add(run(3))).resolves.toEqual(['r3', 'r2'])
    const huge = { ...run(4), title: 'x'.repeat(oneRun * 3) }
    await expect(storage.add(huge)).resolves.toEqual([])
  })

  it('moves a localStorage history over on first use', async () => {
    localStorage.setItem(HISTORY_KEY, JSON.stringify([run(2), run(1)]))
    await expect(indexedDbHistoryStorage().load()).resolves.toEqual([run(2), run(1)])
    expect(localStorage.getItem(HISTORY_KEY)).toBeNull()
  })

  it('remove and clear', async () => {
    const storage = indexedDbHistoryStorage()
    await storage.add(run(1))
    await storage.add(run(2))
    await expect(storage.remove('r2')).resolves.toEqual(['r1'])
    await storage.clear()
    await expect(storage.load()).resolves.toEqual([])
  })
})
