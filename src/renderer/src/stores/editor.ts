import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { OpenedFile } from '../../../shared/ipc'
import { VARIANT_NAMES, type VariantName } from '../../../shared/result'
import { parseCostProfile } from '../../../shared/cost-profile'
import type { MeasuredCosts, RunRequest } from '../../../shared/worker-protocol'
import { downloadFile, nativeFiles, uploadFile } from '../services/files'
import { useScenarioStore } from './scenario'

export const AUTOSAVE_KEY = 'hugeswap.autosave'
export const RECENT_KEY = 'hugeswap.recent'
export const AUTOSAVE_INTERVAL_MS = 3_000
const MAX_RECENT = 8
const MAX_RECENT_SOURCE = 256 * 1024

/** What New starts from: a scenario that runs, with the parts a new one needs. */
export const NEW_SCENARIO = `import { defineScenario } from 'hugeswap'

export default defineScenario({
  title: 'New scenario',
  params: { thps: 1 },
  machine: { memory: '1G', swap: [{ type: 'nvme', size: '1G' }] },
  run(k, { thps }) {
    const t = k.spawn('task')
    const heap = t.mmap(thps * 2 * 1024 * 1024, { advice: 'hugepage' })
    t.write(heap)
    k.snapshot('written')
    t.madvise(heap, 'pageout')
    k.snapshot('paged out')
    t.read(heap)
    k.snapshot('read back')
  },
})
`

/** Why `name` cannot name a scenario file, or '' when it can. */
export function checkFileName(name: string): string {
  const n = name.trim()
  if (n === '') return 'the name is empty'
  if (/[\\/:*?"<>|]/.test(n) || [...n].some((c) => c.charCodeAt(0) < 0x20))
    return 'a file name cannot hold / \\ : * ? " < > | or control characters'
  if (n.length > 120) return 'the name is longer than 120 characters'
  if (n === '.ts' || n.startsWith('.')) return 'the name cannot start with a dot'
  return ''
}

/** A file as the editor knows it: `path` is empty in the browser and for unsaved buffers. */
export interface EditorFile {
  name: string
  path: string
  source: string
}

export interface RecentFile extends EditorFile {
  /** ms since the epoch. */
  openedAt: number
}

export interface Autosave {
  name: string
  path: string
  source: string
  savedAt: number
}

function storage(): Storage | null {
  try {
    return globalThis.localStorage ?? null
  } catch {
    return null
  }
}

function readJson<T>(key: string): T | null {
  try {
    const raw = storage()?.getItem(key)
    return raw ? (JSON.parse(raw) as T) : null
  } catch {
    return null
  }
}

function writeJson(key: string, value: unknown): void {
  try {
    storage()?.setItem(key, JSON.stringify(value))
  } catch {
    // Quota exceeded or storage disabled: autosave and recents are a convenience only.
  }
}

function isAutosave(value: unknown): value is Autosave {
  const v = value as Partial<Autosave> | null
  return typeof v?.source === 'string' && typeof v.name === 'string' && typeof v.path === 'string'
}

/**
 * The editor's file: where the buffer came from, whether it has unsaved changes, recent files,
 * autosave/recovery, and the run options (variants, seed) chosen in the toolbar. The buffer text
 * itself lives in the scenario store.
 */
export const useEditorStore = defineStore('editor', () => {
  const scenario = useScenarioStore()
  const path = ref('')
  const savedSource = ref(scenario.source)
  const recent = ref<RecentFile[]>(readRecent())
  const recovery = ref<Autosave | null>(null)
  const message = ref('')
  /** null: the scenario's own variants. */
  const variants = ref<VariantName[] | null>(null)
  const seed = ref<number | null>(null)
  /**
   * A cost profile from `hugeswap calibrate` that the user opened: what `machine.costs:
   * 'measured'` stands for. null: none (the desktop app then reads the one calibrate wrote).
   */
  const measuredCosts = shallowRef<MeasuredCosts | null>(null)

  const dirty = computed(() => scenario.source !== savedSource.value)
  const native = computed(() => nativeFiles() !== null)

  function readRecent(): RecentFile[] {
    const list = readJson<unknown>(RECENT_KEY)
    return Array.isArray(list) ? (list.filter(isAutosave) as unknown as RecentFile[]) : []
  }

  function remember(file: EditorFile): void {
    const entry: RecentFile = {
      name: file.name,
      path: file.path,
      source: file.source.length <= MAX_RECENT_SOURCE ? file.source : '',
      openedAt: Date.now(),
    }
    const key = (f: EditorFile) => f.path || f.name
    recent.value = [entry, ...recent.value.filter((f) => key(f) !== key(entry))].slice(
      0,
      MAX_RECENT,
    )
    writeJson(RECENT_KEY, recent.value)
  }

  /** True when there is nothing to lose, or the user agreed to discard it. */
  function confirmDiscard(what: string): boolean {
    if (!dirty.value) return true
    return (
      globalThis.confirm?.(`Discard unsaved changes to ${scenario.fileName} and ${what}?`) ?? true
    )
  }

  function load(file: EditorFile, { clean = true } = {}): void {
    scenario.fileName = file.name
    scenario.setSource(file.source)
    path.value = file.path
    if (clean) savedSource.value = file.source
    message.value = ''
  }

  function openFile(file: EditorFile, what = `open ${file.name}`): boolean {
    if (!confirmDiscard(what)) return false
    load(file)
    remember(file)
    return true
  }

  async function open(): Promise<void> {
    if (!confirmDiscard('open another file')) return
    try {
      const files = nativeFiles()
      const file: OpenedFile | null = files ? await files.open() : await uploadFile()
      if (!file) return
      load(file)
      remember(file)
      message.value = `Opened ${file.name}`
    } catch (e) {
      message.value = `Open failed: ${e instanceof Error ? e.message : String(e)}`
    }
  }

  /** New: a fresh buffer from the template, named `untitled.ts` (or untitled-2.ts, ...). */
  function newFile(): boolean {
    if (!confirmDiscard('start a new scenario')) return false
    const taken = new Set([scenario.fileName, ...recent.value.map((f) => f.name)])
    let name = 'untitled.ts'
    for (let i = 2; taken.has(name); i++) name = `untitled-${i}.ts`
    load({ name, path: '', source: NEW_SCENARIO })
    message.value = `New scenario ${name}`
    return true
  }

  /**
   * Renames the buffer: the name runs carry (error locations, the result's scenario.file, export
   * file names) and the one Save offers. A saved file keeps its path until the next Save as.
   * Returns an error message, or '' when renamed.
   */
  function rename(name: string): string {
    const why = checkFileName(name)
    if (why) {
      message.value = `Not renamed: ${why}`
      return why
    }
    const full = /\.ts$/.test(name.trim()) ? name.trim() : `${name.trim()}.ts`
    scenario.fileName = full
    message.value = `Renamed to ${full}`
    return ''
  }

  async function save(as = false): Promise<void> {
    const source = scenario.source
    try {
      const files = nativeFiles()
      let saved: { name: string; path: string } | null
      if (!files && as) {
        // The browser has no save dialog: Save as asks for the name, then downloads under it.
        const name = globalThis.prompt?.('Save as (file name):', scenario.fileName)
        if (name === null || name === undefined) return
        if (rename(name)) return
        saved = downloadFile(scenario.fileName, source)
      } else if (!files) saved = downloadFile(scenario.fileName, source)
      else if (path.value && !as) saved = await files.save({ path: path.value, source })
      else saved = await files.saveAs({ suggestedName: scenario.fileName, source })
      if (!saved) return
      savedSource.value = source
      scenario.fileName = saved.name
      path.value = saved.path
      remember({ ...saved, source })
      clearAutosave()
      message.value = files ? `Saved ${saved.path}` : `Downloaded ${saved.name}`
    } catch (e) {
      message.value = `Save failed: ${e instanceof Error ? e.message : String(e)}`
    }
  }

  // Autosave: the buffer goes to localStorage while it differs from the file. While a recovered
  // buffer is on offer, its stored copy is the only one of that text: nothing overwrites or drops
  // it until the user restores or discards it (a reload before then offers it again).
  let lastAutosaved: string | null = null
  function autosave(): void {
    if (recovery.value || scenario.source === lastAutosaved) return
    lastAutosaved = scenario.source
    if (!dirty.value) {
      clearAutosave()
      return
    }
    writeJson(AUTOSAVE_KEY, {
      name: scenario.fileName,
      path: path.value,
      source: scenario.source,
      savedAt: Date.now(),
    } satisfies Autosave)
  }

  function clearAutosave(): void {
    lastAutosaved = scenario.source
    if (recovery.value) return
    try {
      storage()?.removeItem(AUTOSAVE_KEY)
    } catch {
      // ignore
    }
  }

  /** On start: offer the autosaved buffer when it differs from the file just opened. */
  function checkRecovery(): void {
    const saved = readJson<unknown>(AUTOSAVE_KEY)
    if (isAutosave(saved) && saved.source !== scenario.source) recovery.value = saved
    else clearAutosave()
  }

  function recover(): void {
    const saved = recovery.value
    recovery.value = null
    if (!saved) return
    // The recovered text is unsaved: savedSource stays the file's text, so the buffer is dirty.
    load(saved, { clean: false })
  }

  function discardRecovery(): void {
    recovery.value = null
    clearAutosave()
  }

  function setVariants(list: VariantName[] | null): void {
    variants.value = list && list.length === VARIANT_NAMES.length ? null : list
  }

  /** Reads a cost profile the user chose; says what is wrong with one that is not. */
  async function openCosts(file: File): Promise<void> {
    const parsed = parseCostProfile(await file.text(), file.name)
    if (parsed.ok) {
      measuredCosts.value = parsed.costs
      message.value = `Measured costs: ${parsed.costs.source}`
    } else {
      message.value = `Cost profile not opened: ${parsed.message}`
    }
  }

  /** The toolbar's overrides for the next RunRequest. */
  function runOptions(): Pick<RunRequest, 'variants' | 'seed' | 'measuredCosts'> {
    const options: Pick<RunRequest, 'variants' | 'seed' | 'measuredCosts'> = {}
    if (variants.value && variants.value.length > 0) options.variants = [...variants.value]
    if (seed.value !== null && Number.isSafeInteger(seed.value)) options.seed = seed.value
    if (measuredCosts.value) options.measuredCosts = measuredCosts.value
    return options
  }

  return {
    path,
    savedSource,
    dirty,
    native,
    recent,
    recovery,
    message,
    variants,
    seed,
    measuredCosts,
    openCosts,
    openFile,
    open,
    newFile,
    rename,
    save,
    autosave,
    clearAutosave,
    checkRecovery,
    recover,
    discardRecovery,
    setVariants,
    runOptions,
  }
})
