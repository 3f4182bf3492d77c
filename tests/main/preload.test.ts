/**
 * The preload: exposes `window.hugeswap` with verbs only (no ipcRenderer, no event objects), maps
 * the verbs onto the channel map, and onProgress returns a working unsubscribe.
 */
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'

vi.mock('electron', async () => (await import('./fixtures/electron-mock')).electronModule)

import type { HistoryEntry, HugeswapApi } from '../../src/shared/ipc'
import type { RunProgress } from '../../src/shared/result'
import { contextBridge, ipcRenderer, resetElectronMock } from './fixtures/electron-mock'

let api: HugeswapApi
let exposeCalls: unknown[][]

beforeAll(async () => {
  resetElectronMock()
  await import('../../src/preload/index')
  exposeCalls = [...contextBridge.exposeInMainWorld.mock.calls]
  api = contextBridge.exposed.get('hugeswap') as HugeswapApi
})

beforeEach(() => {
  ipcRenderer.removeAllListeners()
  ipcRenderer.invoke.mockClear()
})

/** Every leaf of the exposed object, with its path. */
function leaves(value: unknown, path = 'hugeswap'): [string, unknown][] {
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([key, child]) => leaves(child, `${path}.${key}`))
  }
  return [[path, value]]
}

const progress: RunProgress = {
  variant: 'baseline',
  variantIndex: 0,
  variantCount: 4,
  phase: 't.madvise(pageout)',
  percent: 12,
}
const fakeEvent = () => ({ sender: ipcRenderer, senderId: 0, ports: [] })

describe('preload', () => {
  it('exposes one object, window.hugeswap', () => {
    expect(exposeCalls).toHaveLength(1)
    expect(exposeCalls[0]![0]).toBe('hugeswap')
  })

  it('exposes only functions: the scenario, file and history verbs', () => {
    const all = leaves(api)
    expect(all.map(([path]) => path).sort()).toEqual([
      'hugeswap.file.open',
      'hugeswap.file.save',
      'hugeswap.file.saveAs',
      'hugeswap.history.add',
      'hugeswap.history.clear',
      'hugeswap.history.load',
      'hugeswap.history.remove',
      'hugeswap.scenario.cancel',
      'hugeswap.scenario.onProgress',
      'hugeswap.scenario.run',
    ])
    for (const [path, value] of all) expect(typeof value, path).toBe('function')
  })

  it('never exposes ipcRenderer', () => {
    const seen = new Set<unknown>()
    const walk = (value: unknown) => {
      if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return
      if (seen.has(value)) return
      seen.add(value)
      expect(value).not.toBe(ipcRenderer)
      for (const key of Object.keys(value)) walk((value as Record<string, unknown>)[key])
    }
    walk(api)
    expect(JSON.stringify(Object.keys(api))).not.toMatch(/ipc/i)
  })

  it('run invokes scenario:run with the request and returns main answer', async () => {
    const outcome = { ok: false, error: { kind: 'syntax', message: 'x' } }
    ipcRenderer.invoke.mockResolvedValueOnce(outcome)
    const request = { source: 's', fileName: 'a.ts', seed: 3 }
    await expect(api.scenario.run(request)).resolves.toBe(outcome)
    expect(ipcRenderer.invoke).toHaveBeenCalledWith('scenario:run', request)
  })

  it('cancel invokes scenario:cancel with no arguments', async () => {
    await api.scenario.cancel()
    expect(ipcRenderer.invoke).toHaveBeenCalledWith('scenario:cancel')
  })

  it('the history verbs invoke the history channels and return main answer', async () => {
    const entry = {
      id: 'r1',
      ranAt: 1,
      title: 'One THP',
      file: 'one-thp.ts',
      seed: 1,
      variants: ['baseline'],
      result: { variants: [] },
    } as unknown as HistoryEntry
    ipcRenderer.invoke.mockResolvedValueOnce([entry])
    await expect(api.history!.load()).resolves.toEqual([entry])
    expect(ipcRenderer.invoke).toHaveBeenLastCalledWith('history:load')

    ipcRenderer.invoke.mockResolvedValueOnce(['r1'])
    await expect(api.history!.add(entry)).resolves.toEqual(['r1'])
    expect(ipcRenderer.invoke).toHaveBeenLastCalledWith('history:add', entry)

    ipcRenderer.invoke.mockResolvedValueOnce([])
    await expect(api.history!.remove('r1')).resolves.toEqual([])
    expect(ipcRenderer.invoke).toHaveBeenLastCalledWith('history:remove', 'r1')

    await api.history!.clear()
    expect(ipcRenderer.invoke).toHaveBeenLastCalledWith('history:clear')
  })

  it('onProgress delivers the payload only, without the IPC event', () => {
    const callback = vi.fn()
    api.scenario.onProgress(callback)
    ipcRenderer.emit('scenario:progress', fakeEvent(), progress)
    expect(callback).toHaveBeenCalledOnce()
    expect(callback.mock.calls[0]).toEqual([progress])
  })

  it('onProgress returns a working, idempotent unsubscribe', () => {
    const kept = vi.fn()
    const dropped = vi.fn()
    api.scenario.onProgress(kept)
    const unsubscribe = api.scenario.onProgress(dropped)
    expect(typeof unsubscribe).toBe('function')
    expect(ipcRenderer.listenerCount('scenario:progress')).toBe(2)

    unsubscribe()
    unsubscribe()
    expect(ipcRenderer.listenerCount('scenario:progress')).toBe(1)
    ipcRenderer.emit('scenario:progress', fakeEvent(), progress)
    expect(dropped).not.toHaveBeenCalled()
    expect(kept).toHaveBeenCalledOnce()
  })

  it('onProgress refuses a non-function', () => {
    expect(() => api.scenario.onProgress('alert(1)' as never)).toThrow(TypeError)
    expect(ipcRenderer.listenerCount('scenario:progress')).toBe(0)
  })
})
