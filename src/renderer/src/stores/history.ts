import { defineStore } from 'pinia'
import { computed, ref, shallowRef, watch } from 'vue'
import type { ResultJson } from '../../../shared/result'
import {
  HISTORY_LIMIT,
  defaultHistoryStorage,
  entryOf,
  type HistoryEntry,
  type HistoryStorage,
} from '../services/history-storage'
import { useRunStore } from './run'
import { MAX_HISTORY_BYTES } from '../../../shared/ipc'

const MAX_MB = Math.round(MAX_HISTORY_BYTES / (1024 * 1024))

/** `"One THP" (one-thp.ts, 12:04:05)`. */
function describe(e: HistoryEntry): string {
  return `"${e.title}" (${e.file ?? ''}${e.file ? ', ' : ''}${new Date(e.ranAt).toLocaleTimeString()})`
}

/**
 * The last HISTORY_LIMIT runs, newest first, kept across reloads and restarts; every finished run
 * is added. `viewing` is a past run shown in place of the latest one (cleared by the next run).
 *
 * The storage is asynchronous (main's history file in Electron), so `entries` shows what the
 * storage answered, not what was asked: a run the storage could not keep does not appear, and a
 * failure leaves the list as it was with `error` saying why.
 */
export const useHistoryStore = defineStore('history', () => {
  const storage: HistoryStorage = defaultHistoryStorage()
  const entries = shallowRef<HistoryEntry[]>([])
  const viewingId = ref<string | null>(null)
  const viewing = computed(() => entries.value.find((e) => e.id === viewingId.value) ?? null)
  /** Why the last storage call failed; null once one succeeds. */
  const error = ref<string | null>(null)
  /** Runs the storage dropped to stay within its budget (count or bytes), said once. */
  const notice = ref<string | null>(null)

  // Storage calls run one at a time in call order, starting with the load, so each answer is
  // applied to the list as the calls before it left it (a run may finish before the load is back).
  let queue: Promise<void> = Promise.resolve()
  function enqueue(task: () => Promise<void>): Promise<void> {
    queue = queue.then(task).then(
      () => {
        error.value = null
      },
      (e: unknown) => {
        error.value = e instanceof Error ? e.message : String(e)
        console.warn('hugeswap: run history:', error.value)
      },
    )
    return queue
  }

  const loaded = enqueue(async () => {
    entries.value = (await storage.load()).slice(0, HISTORY_LIMIT)
  })
  /** Resolves once the stored runs are in `entries` (or the load failed). */
  function whenLoaded(): Promise<void> {
    return loaded
  }

  /** Keeps the runs of `list` whose ids the storage answered, in order. */
  function keep(list: HistoryEntry[], ids: readonly string[]): HistoryEntry[] {
    const kept = new Set(ids)
    return list.filter((e) => kept.has(e.id)).slice(0, HISTORY_LIMIT)
  }

  /** Resolves to the new entry once the storage has answered (it shows only if kept). */
  async function add(
    result: ResultJson,
    ranAt = Date.now(),
    source?: string,
  ): Promise<HistoryEntry> {
    const entry = entryOf(result, ranAt, source)
    await enqueue(async () => {
      const ids = await storage.add(entry)
      const before = [entry, ...entries.value.filter((e) => e.id !== entry.id)]
      entries.value = keep(before, ids)
      const dropped = before.filter((e) => !ids.includes(e.id))
      notice.value =
        dropped.length === 0
          ? null
          : dropped.some((e) => e.id === entry.id)
            ? `This run (${describe(entry)}) is too large for the history (${MAX_MB} MB) and was not kept.`
            : `Dropped the oldest run${dropped.length > 1 ? 's' : ''} ${dropped.map(describe).join(', ')} to keep ${HISTORY_LIMIT} runs within ${MAX_MB} MB.`
    })
    return entry
  }

  function view(id: string | null): void {
    viewingId.value = id
  }

  function remove(id: string): Promise<void> {
    if (viewingId.value === id) viewingId.value = null
    return enqueue(async () => {
      const ids = await storage.remove(id)
      entries.value = keep(
        entries.value.filter((e) => e.id !== id),
        ids,
      )
    })
  }

  function clear(): Promise<void> {
    viewingId.value = null
    return enqueue(async () => {
      await storage.clear()
      entries.value = []
    })
  }

  const run = useRunStore()
  watch(
    () => run.result,
    (result) => {
      if (!result) return
      void add(result, Date.now(), run.ranSource ?? undefined)
      viewingId.value = null
    },
  )

  return { entries, viewingId, viewing, error, notice, whenLoaded, add, view, remove, clear }
})
