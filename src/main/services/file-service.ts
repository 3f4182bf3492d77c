/**
 * Scenario files on disk for the Electron workbench: native open/save dialogs and atomic writes.
 * The renderer never names an arbitrary path: it may save only to a path this service handed out
 * earlier through a dialog the user answered (file:open or file:save-as).
 */
import * as fsp from 'node:fs/promises'
import { basename } from 'node:path'
import { writeFileAtomic as writeAtomic, type AtomicWriteFs } from '../../node/write-file'
import type { OpenedFile, SaveAsRequest, SaveRequest, SavedFile } from '../../shared/ipc'

export const MAX_FILE_BYTES = 1024 * 1024

const FILTERS = [
  { name: 'Hugeswap scenarios', extensions: ['ts'] },
  { name: 'All files', extensions: ['*'] },
]

/** The parts of Electron's `dialog` we use, with the window already bound. */
export interface FileDialogs {
  showOpenDialog(options: {
    properties: 'openFile'[]
    filters: typeof FILTERS
  }): Promise<{ canceled: boolean; filePaths: string[] }>
  showSaveDialog(options: {
    defaultPath: string
    filters: typeof FILTERS
  }): Promise<{ canceled: boolean; filePath?: string }>
}

/** The file-system calls of the service (injectable so tests can make one fail). */
export interface FileSystem extends AtomicWriteFs {
  readFile(path: string, encoding: 'utf8'): Promise<string>
  stat(path: string): Promise<{ size: number; isFile(): boolean }>
}

export class FileAccessError extends Error {
  override name = 'FileAccessError'
}

export interface FileService {
  open(): Promise<OpenedFile | null>
  save(request: SaveRequest): Promise<SavedFile>
  saveAs(request: SaveAsRequest): Promise<SavedFile | null>
}

/**
 * Writes `data` to `path` as src/node/write-file.ts does (atomic, regular files only, mode kept);
 * a scenario the user opened through a symbolic link is saved to the file the link names.
 */
export function writeFileAtomic(path: string, data: string, fs: FileSystem = fsp): Promise<void> {
  return writeAtomic(path, data, fs, true)
}

export function createFileService(dialogs: FileDialogs, fs: FileSystem = fsp): FileService {
  /** Paths the user picked in one of our dialogs; the only ones file:save may write. */
  const granted = new Set<string>()

  async function write(path: string, source: string): Promise<SavedFile> {
    await writeFileAtomic(path, source, fs)
    granted.add(path)
    return { path, name: basename(path) }
  }

  return {
    async open() {
      const answer = await dialogs.showOpenDialog({ properties: ['openFile'], filters: FILTERS })
      const path = answer.filePaths[0]
      if (answer.canceled || path === undefined) return null
      const info = await fs.stat(path)
      if (!info.isFile()) throw new FileAccessError(`${path} is not a file`)
      if (info.size > MAX_FILE_BYTES) throw new FileAccessError(`${path} is larger than 1 MiB`)
      const source = await fs.readFile(path, 'utf8')
      granted.add(path)
      return { path, name: basename(path), source }
    },
    async save({ path, source }) {
      if (!granted.has(path)) {
        throw new FileAccessError('file:save: path was not opened or chosen in this session')
      }
      return write(path, source)
    },
    async saveAs({ suggestedName, source }) {
      const answer = await dialogs.showSaveDialog({
        defaultPath: basename(suggestedName),
        filters: FILTERS,
      })
      if (answer.canceled || !answer.filePath) return null
      return write(answer.filePath, source)
    },
  }
}
