import { beforeEach, describe, expect, it, vi } from 'vitest'
import { VARIANT_NAMES } from '../../../shared/result'
import { createPinia, setActivePinia } from 'pinia'

vi.mock('../../../../scenarios/one-thp.ts?raw', () => ({ default: 'export default 1\n' }))
const downloadFile = vi.fn((name: string, _source?: string) => ({ name, path: '' }))
vi.mock('../services/files', () => ({
  nativeFiles: () => null,
  uploadFile: vi.fn(async () => null),
  downloadFile: (name: string, source: string) => downloadFile(name, source),
}))

const { AUTOSAVE_KEY, RECENT_KEY, useEditorStore } = await import('./editor')
const { useScenarioStore } = await import('./scenario')

describe('useEditorStore', () => {
  beforeEach(() => {
    localStorage.clear()
    downloadFile.mockClear()
    setActivePinia(createPinia())
  })

  it('adds no run options until the user picks some', () => {
    const editor = useEditorStore()
    expect(editor.runOptions()).toEqual({})
    editor.setVariants(['baseline', 'pmd-swap'])
    editor.seed = 42
    expect(editor.runOptions()).toEqual({ variants: ['baseline', 'pmd-swap'], seed: 42 })
    editor.setVariants([...VARIANT_NAMES])
    expect(editor.runOptions()).toEqual({ seed: 42 })
  })

  it('is dirty after an edit; saving in the browser downloads and makes it clean', async () => {
    const editor = useEditorStore()
    const scenario = useScenarioStore()
    expect(editor.dirty).toBe(false)
    scenario.setSource('export default 2\n')
    expect(editor.dirty).toBe(true)
    await editor.save()
    expect(downloadFile).toHaveBeenCalledWith('one-thp.ts', 'export default 2\n')
    expect(editor.dirty).toBe(false)
    expect(JSON.parse(localStorage.getItem(RECENT_KEY)!)[0].name).toBe('one-thp.ts')
  })

  it('autosaves a dirty buffer and offers it back on the next start', () => {
    const editor = useEditorStore()
    useScenarioStore().setSource('export default 3\n')
    editor.autosave()
    expect(JSON.parse(localStorage.getItem(AUTOSAVE_KEY)!).source).toBe('export default 3\n')

    setActivePinia(createPinia())
    const next = useEditorStore()
    next.checkRecovery()
    expect(next.recovery?.source).toBe('export default 3\n')
    next.recover()
    expect(useScenarioStore().source).toBe('export default 3\n')
    expect(next.dirty).toBe(true)
  })

  it('keeps an offered buffer stored until it is restored or discarded', async () => {
    localStorage.setItem(
      AUTOSAVE_KEY,
      JSON.stringify({ name: 'one-thp.ts', path: '', source: 'lost?', savedAt: 1 }),
    )
    const editor = useEditorStore()
    const scenario = useScenarioStore()
    editor.checkRecovery()
    expect(editor.recovery?.source).toBe('lost?')
    const stored = localStorage.getItem(AUTOSAVE_KEY)
    // The clean buffer's autosave tick, an edit's, and a save of the current buffer.
    editor.autosave()
    scenario.setSource('export default 4\n')
    editor.autosave()
    await editor.save()
    expect(localStorage.getItem(AUTOSAVE_KEY)).toBe(stored)

    // A reload before the user chose offers it again.
    setActivePinia(createPinia())
    const next = useEditorStore()
    next.checkRecovery()
    expect(next.recovery?.source).toBe('lost?')
    next.discardRecovery()
    expect(localStorage.getItem(AUTOSAVE_KEY)).toBeNull()
  })

  it('drops the autosave once the buffer matches the file again', () => {
    const editor = useEditorStore()
    const scenario = useScenarioStore()
    scenario.setSource('x')
    editor.autosave()
    scenario.setSource('export default 1\n')
    editor.autosave()
    expect(localStorage.getItem(AUTOSAVE_KEY)).toBeNull()
    editor.checkRecovery()
    expect(editor.recovery).toBeNull()
  })

  it('asks before replacing unsaved changes', () => {
    const editor = useEditorStore()
    const scenario = useScenarioStore()
    scenario.setSource('mine')
    const confirm = vi.fn(() => false)
    vi.stubGlobal('confirm', confirm)
    expect(editor.openFile({ name: 'other.ts', path: '', source: 'theirs' })).toBe(false)
    expect(scenario.source).toBe('mine')
    expect(confirm).toHaveBeenCalledOnce()
    confirm.mockReturnValue(true)
    expect(editor.openFile({ name: 'other.ts', path: '', source: 'theirs' })).toBe(true)
    expect(scenario.source).toBe('theirs')
    expect(scenario.fileName).toBe('other.ts')
    expect(editor.dirty).toBe(false)
    vi.unstubAllGlobals()
  })
})
