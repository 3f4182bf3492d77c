import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { ResultJson, RunProgress, ScenarioError } from '../../../shared/result'
import { getBackend } from '../services/backend'
import { useEditorStore } from './editor'
import { useScenarioStore } from './scenario'

export type RunStatus = 'idle' | 'running' | 'done' | 'error' | 'cancelled'

/** A TypeScript error in the buffer, as the editor's checker reports it. */
export interface TypeError {
  line: number
  column: number
  message: string
}

/** What the editor registers so a run can ask for the buffer's type errors first. */
let typeErrorSource: (() => Promise<TypeError[]>) | null = null
export function setTypeErrorSource(source: (() => Promise<TypeError[]>) | null): void {
  typeErrorSource = source
}

/** How long a run waits for the type checker before it goes ahead unchecked. */
export const TYPE_CHECK_WAIT_MS = 3000

async function typeErrors(): Promise<TypeError[]> {
  if (!typeErrorSource) return []
  let timer: ReturnType<typeof setTimeout> | undefined
  const late = new Promise<TypeError[]>((resolve) => {
    timer = setTimeout(() => resolve([]), TYPE_CHECK_WAIT_MS)
  })
  try {
    return await Promise.race([typeErrorSource().catch(() => []), late])
  } finally {
    clearTimeout(timer)
  }
}

/**
 * The latest run: status, live progress, and either the result or the error. Results are large
 * and immutable, so they sit in shallowRefs and are replaced wholesale.
 */
export const useRunStore = defineStore('run', () => {
  const status = ref<RunStatus>('idle')
  const progress = shallowRef<RunProgress | null>(null)
  const result = shallowRef<ResultJson | null>(null)
  const error = shallowRef<ScenarioError | null>(null)
  /** The source the shown result or error came from (markers belong to that text only). */
  const ranSource = ref<string | null>(null)
  /** Type errors found when Run was pressed: the run waits for "Run anyway" or "Stop". */
  const pendingTypeErrors = shallowRef<TypeError[] | null>(null)
  /** Run was pressed and the type checker has not answered yet. */
  const checking = ref(false)
  let token = 0
  // The backend exists before the first Run: in a browser it starts its spare worker now, so
  // the first run finds the engine compiled (services/backend.ts).
  getBackend()

  const running = computed(() => status.value === 'running')
  /** The results on screen are not of the last run asked for (it runs, or was cancelled). */
  const stale = computed(() => status.value === 'running' || status.value === 'cancelled')
  const failedChecks = computed(
    () =>
      result.value?.variants.reduce((n, v) => n + v.checks.filter((c) => !c.pass).length, 0) ?? 0,
  )

  /**
   * Runs the buffer. Type errors (the editor's TypeScript checker) stop it first, unless `force`:
   * the user sees them and chooses to run anyway or to fix them.
   */
  async function run({ force = false }: { force?: boolean } = {}): Promise<void> {
    const scenario = useScenarioStore()
    if (running.value || checking.value) return
    if (!force) {
      checking.value = true
      let found: TypeError[]
      try {
        found = await typeErrors()
      } finally {
        checking.value = false
      }
      if (found.length > 0) {
        pendingTypeErrors.value = found
        return
      }
    }
    pendingTypeErrors.value = null
    const backend = getBackend()
    const mine = ++token
    status.value = 'running'
    progress.value = null
    error.value = null
    ranSource.value = scenario.source
    const unsubscribe = backend.scenario.onProgress((p) => {
      if (mine === token) progress.value = p
    })
    try {
      const outcome = await backend.scenario.run({
        source: scenario.source,
        fileName: scenario.fileName,
        ...useEditorStore().runOptions(),
      })
      if (mine !== token) return
      if (outcome.ok) {
        result.value = Object.freeze(outcome.result)
        status.value = 'done'
      } else {
        result.value = null
        error.value = outcome.error
        status.value = 'error'
      }
    } catch (e) {
      if (mine !== token) return
      result.value = null
      error.value = { kind: 'internal', message: e instanceof Error ? e.message : String(e) }
      status.value = 'error'
    } finally {
      unsubscribe()
      if (mine === token) progress.value = null
    }
  }

  /** Esc or Cancel: the status says so, and results of an earlier run stay, marked stale. */
  async function cancel(): Promise<void> {
    if (!running.value) return
    token++
    status.value = 'cancelled'
    progress.value = null
    await getBackend().scenario.cancel()
  }

  function dismissTypeErrors(): void {
    pendingTypeErrors.value = null
  }

  return {
    status,
    progress,
    result,
    error,
    ranSource,
    pendingTypeErrors,
    checking,
    running,
    stale,
    failedChecks,
    run,
    cancel,
    dismissTypeErrors,
  }
})
