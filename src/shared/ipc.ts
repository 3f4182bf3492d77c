/**
 * The one typed IPC channel map (GitHub Desktop's ipc-shared.ts). Main (src/main/ipc.ts), the
 * preload and the renderer derive their types from it; nothing else names a channel string.
 *
 * Channels are `'<domain>:<verb>'`; events are past tense or progress.
 */
import type { ResultJson, RunOutcome, RunProgress } from './result'
import type { RunRequest } from './worker-protocol'

/** Renderer -> main, request/response (`ipcRenderer.invoke` / `ipcMain.handle`). */
export interface IpcInvokeChannels {
  /** Runs a scenario in a process of main's. One run at a time; a new run cancels the old one. */
  'scenario:run': { args: [request: RunRequest]; result: RunOutcome }
  /** Stops the running scenario's worker at once (`worker.terminate()`). */
  'scenario:cancel': { args: []; result: void }
  /** Native open dialog; the chosen file's text, or null when the user cancelled. */
  'file:open': { args: []; result: OpenedFile | null }
  /** Writes to a path main handed out earlier (file:open / file:save-as), atomically. */
  'file:save': { args: [request: SaveRequest]; result: SavedFile }
  /** Native save dialog, then an atomic write; null when the user cancelled. */
  'file:save-as': { args: [request: SaveAsRequest]; result: SavedFile | null }
  /** The kept runs from the app's data folder, newest first (empty when there is no history). */
  'history:load': { args: []; result: HistoryEntry[] }
  /**
   * Puts a finished run in front of the history. Verbs rather than "save this list" so that one
   * run crosses IPC, not the whole history (up to MAX_HISTORY_BYTES), and main alone enforces the
   * limits. Answers the ids kept, newest first: the oldest runs drop past HISTORY_LIMIT or
   * MAX_HISTORY_BYTES.
   */
  'history:add': { args: [entry: HistoryEntry]; result: string[] }
  /** Forgets one run (an unknown id is not an error); answers the ids kept, newest first. */
  'history:remove': { args: [id: string]; result: string[] }
  'history:clear': { args: []; result: void }
}

/** The run history keeps this many runs, newest first (in Electron and in the browser). */
export const HISTORY_LIMIT = 20
/**
 * The history (Electron's file, the browser's IndexedDB) holds at most this much JSON; the oldest
 * runs drop to stay under it. 20 runs of a 20 x 256 MB fork scenario (about 3.3 MB each) fit.
 */
export const MAX_HISTORY_BYTES = 128 * 1024 * 1024

/**
 * One run in the history. The wall-clock time of a run is kept here for the list only; it never
 * enters the result JSON.
 */
export interface HistoryEntry {
  id: string
  /** Wall-clock time of the run (ms since the epoch), for display only. */
  ranAt: number
  title: string
  file: string
  seed: number
  variants: string[]
  result: ResultJson
  /** The scenario source that ran (for the compare view's source diff); absent in older runs. */
  source?: string
}

/** A scenario file read from disk. `path` is absolute; `name` is its base name. */
export interface OpenedFile {
  path: string
  name: string
  source: string
}

export interface SavedFile {
  path: string
  name: string
}

export interface SaveRequest {
  path: string
  source: string
}

export interface SaveAsRequest {
  /** Suggested file name for the dialog (a base name, e.g. `one-thp.ts`). */
  suggestedName: string
  source: string
}

/** Main -> renderer events (`webContents.send` / `ipcRenderer.on`). */
export interface IpcEventChannels {
  'scenario:progress': RunProgress
}

export type InvokeChannel = keyof IpcInvokeChannels
export type EventChannel = keyof IpcEventChannels

export const INVOKE_CHANNELS = [
  'scenario:run',
  'scenario:cancel',
  'file:open',
  'file:save',
  'file:save-as',
  'history:load',
  'history:add',
  'history:remove',
  'history:clear',
] as const satisfies readonly InvokeChannel[]
export const EVENT_CHANNELS = ['scenario:progress'] as const satisfies readonly EventChannel[]

/**
 * What the preload exposes on `window.hugeswap`: verbs only, never `ipcRenderer` itself.
 * The browser build provides the same interface over a Web Worker.
 */
export interface HugeswapApi {
  scenario: {
    run(request: RunRequest): Promise<RunOutcome>
    cancel(): Promise<void>
    /** Subscribes to progress of the current run; returns an unsubscribe function. */
    onProgress(callback: (progress: RunProgress) => void): () => void
  }
  /** Native file access; only in Electron (the browser build uploads and downloads instead). */
  file?: {
    open(): Promise<OpenedFile | null>
    save(request: SaveRequest): Promise<SavedFile>
    saveAs(request: SaveAsRequest): Promise<SavedFile | null>
  }
  /** The run history in the app's data folder; only in Electron (the browser uses localStorage). */
  history?: {
    load(): Promise<HistoryEntry[]>
    /** Resolves to the ids kept, newest first. */
    add(entry: HistoryEntry): Promise<string[]>
    /** Resolves to the ids kept, newest first. */
    remove(id: string): Promise<string[]>
    clear(): Promise<void>
  }
}
