import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { ResultJson, RunProgress, ScenarioError } from '../../../shared/result'
import { getBackend } from '../services/backend'
import { useEditorStore } from './editor'
import { useScenarioStore } from './scenario'

export type RunStatus = 'idle' | 'running' | 'done' | 'error'

/**
 * The latest run: status, live progress, and either the result or the error. Results are large
 * and immutable, so they sit in shallowRefs and are replaced wholesale.
 */
export const useRunStore = defineStore('run', () => {
  const status = ref<RunStatus>('idle')
  const progress = shallowRef<RunProgress | null>(null)
  const result = shallowRef<ResultJson | null>(null)
  const error = shallowRef<ScenarioError | null>(null)
  let token = 0

  const running = computed(() => status.value === 'running')
  const failedChecks = computed(
    () =>
      result.value?.variants.reduce((n, v) => n + v.checks.filter((c) => !c.pass).length, 0) ?? 0,
  )

  async function run(): Promise<void> {
    const scenario = useScenarioStore()
    const backend = getBackend()
    const mine = ++token
    status.value = 'running'
    progress.value = null
    error.value = null
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

  async function cancel(): Promise<void> {
    if (!running.value) return
    token++
    status.value = result.value ? 'done' : 'idle'
    progress.value = null
    await getBackend().scenario.cancel()
  }

  return { status, progress, result, error, running, failedChecks, run, cancel }
})
