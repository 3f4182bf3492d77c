/**
 * Where the run history lives. In Electron, main keeps it in a file in the app's data folder
 * (history:* channels, src/main/services/history-service.ts), so it survives a restart; in a
 * plain browser it is localStorage. Both answer the same asynchronous interface.
 *
 * The wall-clock time of a run is kept here for the list only; it never enters the result JSON.
 */
import { HISTORY_LIMIT, type HistoryEntry } from '../../../shared/ipc'
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

/** Main's history file when the Electron preload provides it, else localStorage. */
export function defaultHistoryStorage(): HistoryStorage {
  return getBackend().history ?? localHistoryStorage()
}

export function entryOf(result: ResultJson, ranAt: number): HistoryEntry {
  return {
    id: `${ranAt.toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
    ranAt,
    title: result.scenario.title,
    file: result.scenario.file,
    seed: result.scenario.seed,
    variants: result.variants.map((v) => v.name),
    result,
  }
}
