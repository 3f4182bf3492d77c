/**
 * Where the run history lives. In Electron, main keeps it in a file in the app's data folder
 * (history:* channels, src/main/services/history-service.ts), so it survives a restart; in a
 * plain browser it is IndexedDB (one record per run: a 20 x 256 MB fork run alone is a few MB,
 * past what localStorage holds), or localStorage where IndexedDB is missing. All answer the same
 * asynchronous interface, and all keep at most HISTORY_LIMIT runs and MAX_HISTORY_BYTES of JSON,
 * dropping the oldest first.
 *
 * The wall-clock time of a run is kept here for the list only; it never enters the result JSON.
 */
import { openDB, type IDBPDatabase } from 'idb'
import { HISTORY_LIMIT, MAX_HISTORY_BYTES, type HistoryEntry } from '../../../shared/ipc'
import type { ResultJson } from '../../../shared/result'
import { getBackend } from './backend'

export { HISTORY_LIMIT, type HistoryEntry }

export const HISTORY_KEY = 'hugeswap.history.v1'

/**
 * The stored runs, newest first. `add` and `remove` answer the ids kept, newest first: the
 * oldest runs drop past HISTORY_LIMIT, or when space runs out (localStorage's quota, the
 * history file's byte cap), which may drop the new run itself.
 */
export interface HistoryStorage {
  load(): Promise<HistoryEntry[]>
  add(entry: HistoryEntry): Promise<string[]>
  remove(id: string): Promise<string[]>
  clear(): Promise<void>
}

function isEntry(x: unknown): x is HistoryEntry {
  if (typeof x !== 'object' || x === null) return false
  const e = x as Partial<HistoryEntry>
  return (
    typeof e.id === 'string' &&
    typeof e.ranAt === 'number' &&
    typeof e.title === 'string' &&
    Array.isArray(e.variants) &&
    typeof e.result === 'object' &&
    e.result !== null &&
    Array.isArray(e.result.variants)
  )
}

function readEntries(storage: Storage | undefined): HistoryEntry[] {
  try {
    const raw = storage?.getItem(HISTORY_KEY)
    if (!raw) return []
    const parsed: unknown = JSON.parse(raw)
    return Array.isArray(parsed) ? parsed.filter(isEntry).slice(0, HISTORY_LIMIT) : []
  } catch {
    return []
  }
}

/**
 * The browser's history. The list is read once and kept here (this page is its only writer);
 * without localStorage it lives for the page's lifetime only.
 */
export function localHistoryStorage(
  storage: Storage | undefined = globalThis.localStorage,
): HistoryStorage {
  let list: HistoryEntry[] | null = null
  const current = (): HistoryEntry[] => (list ??= readEntries(storage))

  /** Saves the newest-first list, dropping the oldest runs while the quota is hit. */
  function write(entries: readonly HistoryEntry[]): string[] {
    let kept = entries.slice(0, HISTORY_LIMIT)
    while (storage) {
      try {
        if (kept.length === 0) storage.removeItem(HISTORY_KEY)
        else storage.setItem(HISTORY_KEY, JSON.stringify(kept))
        break
      } catch {
        // Quota exceeded: drop the oldest run and try again.
        if (kept.length === 0) break
        kept = kept.slice(0, -1)
      }
    }
    list = kept
    return kept.map((e) => e.id)
  }

  return {
    load: async () => current().slice(),
    add: async (entry) => write([entry, ...current().filter((e) => e.id !== entry.id)]),
    remove: async (id) => write(current().filter((e) => e.id !== id)),
    clear: async () => void write([]),
  }
}

export const HISTORY_DB = 'hugeswap'
const STORE = 'runs'

/**
 * The browser's history in IndexedDB: a record per run, keyed by id, with the size of its JSON so
 * the byte budget needs no second stringify. The first open moves a localStorage history (the
 * previous home) over.
 */
export function indexedDbHistoryStorage(
  legacy: Storage | undefined = globalThis.localStorage,
  { limit = HISTORY_LIMIT, maxBytes = MAX_HISTORY_BYTES } = {},
): HistoryStorage {
  type Row = { id: string; ranAt: number; bytes: number; entry: HistoryEntry }
  let db: Promise<IDBPDatabase> | null = null
  const open = (): Promise<IDBPDatabase> =>
    (db ??= openDB(HISTORY_DB, 1, {
      upgrade(d) {
        d.createObjectStore(STORE, { keyPath: 'id' })
      },
      // Another tab (or a newer version) wants the database: let go, reopen on the next call.
      blocking(_current, _blocked, event) {
        ;(event.target as IDBDatabase).close()
        db = null
      },
    }).then(async (d) => {
      const old = readEntries(legacy)
      if (old.length > 0) {
        const tx = d.transaction(STORE, 'readwrite')
        for (const entry of old) await tx.store.put(rowOf(entry))
        await tx.done
        legacy?.removeItem(HISTORY_KEY)
      }
      return d
    }))
  const rowOf = (entry: HistoryEntry): Row => ({
    id: entry.id,
    ranAt: entry.ranAt,
    bytes: JSON.stringify(entry).length,
    entry,
  })
  async function rows(): Promise<Row[]> {
    const all = (await (await open()).getAll(STORE)) as Row[]
    return all.filter((r) => isEntry(r.entry)).sort((a, b) => b.ranAt - a.ranAt)
  }
  /** Drops the oldest past the count or byte budget; answers the ids kept, newest first. */
  async function trim(): Promise<string[]> {
    const list = await rows()
    const keep: Row[] = []
    let bytes = 0
    for (const r of list) {
      if (keep.length >= limit || bytes + r.bytes > maxBytes) break
      keep.push(r)
      bytes += r.bytes
    }
    const drop = list.filter((r) => !keep.includes(r))
    if (drop.length > 0) {
      const tx = (await open()).transaction(STORE, 'readwrite')
      for (const r of drop) await tx.store.delete(r.id)
      await tx.done
    }
    return keep.map((r) => r.id)
  }
  return {
    load: async () => {
      await trim()
      return (await rows()).map((r) => r.entry)
    },
    add: async (entry) => {
      await (await open()).put(STORE, rowOf(entry))
      return trim()
    },
    remove: async (id) => {
      await (await open()).delete(STORE, id)
      return trim()
    },
    clear: async () => {
      await (await open()).clear(STORE)
    },
  }
}

/** Main's history file when the Electron preload provides it, else IndexedDB (else localStorage). */
export function defaultHistoryStorage(): HistoryStorage {
  const native = getBackend().history
  if (native) return native
  return typeof globalThis.indexedDB === 'undefined'
    ? localHistoryStorage()
    : indexedDbHistoryStorage()
}

export function entryOf(result: ResultJson, ranAt: number, source?: string): HistoryEntry {
  return {
    id: `${ranAt.toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
    ranAt,
    title: result.scenario.title,
    file: result.scenario.file,
    seed: result.scenario.seed,
    variants: result.variants.map((v) => v.name),
    result,
    ...(source !== undefined ? { source } : {}),
  }
}
