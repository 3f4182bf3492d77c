/**
 * Where the run history lives: localStorage, in the browser and (for now) in Electron too.
 * TODO: in Electron, keep it in the app-data folder instead; that needs a main-process channel
 * (history:load / history:save in shared/ipc.ts), which this renderer-only change does not add.
 *
 * The wall-clock time of a run is kept here for the list only; it never enters the result JSON.
 */
import type { ResultJson } from '../../../shared/result'

export const HISTORY_KEY = 'hugeswap.history.v1'
export const HISTORY_LIMIT = 20

export interface HistoryEntry {
  id: string
  /** Wall-clock time of the run (ms since the epoch), for display only. */
  ranAt: number
  title: string
  file: string
  seed: number
  variants: string[]
  result: ResultJson
}

export interface HistoryStorage {
  load(): HistoryEntry[]
  /** Saves the newest-first list; drops the oldest entries when the quota is hit. */
  save(entries: readonly HistoryEntry[]): HistoryEntry[]
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

export function localHistoryStorage(
  storage: Storage | undefined = globalThis.localStorage,
): HistoryStorage {
  return {
    load() {
      try {
        const raw = storage?.getItem(HISTORY_KEY)
        if (!raw) return []
        const parsed: unknown = JSON.parse(raw)
        return Array.isArray(parsed) ? parsed.filter(isEntry).slice(0, HISTORY_LIMIT) : []
      } catch {
        return []
      }
    },
    save(entries) {
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
      return kept
    },
  }
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
