import { defineStore } from 'pinia'
import { computed, ref, shallowRef, watch } from 'vue'
import type { ResultJson } from '../../../shared/result'
import {
  HISTORY_LIMIT,
  entryOf,
  localHistoryStorage,
  type HistoryEntry,
  type HistoryStorage,
} from '../services/history-storage'
import { useRunStore } from './run'

/**
 * The last HISTORY_LIMIT runs, newest first, kept across reloads; every finished run is added.
 * `viewing` is a past run shown in place of the latest one (cleared by the next run).
 */
export const useHistoryStore = defineStore('history', () => {
  const storage: HistoryStorage = localHistoryStorage()
  const entries = shallowRef<HistoryEntry[]>(storage.load())
  const viewingId = ref<string | null>(null)
  const viewing = computed(() => entries.value.find((e) => e.id === viewingId.value) ?? null)

  function add(result: ResultJson, ranAt = Date.now()): HistoryEntry {
    const entry = entryOf(result, ranAt)
    entries.value = storage.save([entry, ...entries.value].slice(0, HISTORY_LIMIT))
    return entry
  }

  function view(id: string | null): void {
    viewingId.value = id
  }

  function remove(id: string): void {
    entries.value = storage.save(entries.value.filter((e) => e.id !== id))
    if (viewingId.value === id) viewingId.value = null
  }

  function clear(): void {
    entries.value = storage.save([])
    viewingId.value = null
  }

  const run = useRunStore()
  watch(
    () => run.result,
    (result) => {
      if (!result) return
      add(result)
      viewingId.value = null
    },
  )

  return { entries, viewingId, viewing, add, view, remove, clear }
})
