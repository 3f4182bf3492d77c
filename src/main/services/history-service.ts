/**
 * The run history of the Electron workbench: one JSON file in the app's data folder
 * (`<userData>/history.json`), so the last runs survive a restart. Main is the only writer. Every
 * change rewrites the file atomically (writeFileAtomic), so a crash mid-write leaves the previous
 * history, never half of one.
 *
 * A file that cannot be read as a history is moved aside (`history.json.corrupt-<n>`) and the
 * history starts empty: the next run would otherwise overwrite it, and whatever it held is then
 * lost for good. Every failure reaches the renderer as a HistoryAccessError naming the file.
 */
import * as fsp from 'node:fs/promises'
import { dirname } from 'node:path'
import { HISTORY_LIMIT, MAX_HISTORY_BYTES, type HistoryEntry } from '../../shared/ipc'
import { historyEntryProblem } from '../ipc-validate'
import { writeFileAtomic, type FileSystem } from './file-service'

export const HISTORY_FILE_NAME = 'history.json'
/** Bump when the file's layout changes; a file with another schema is moved aside, not read. */
export const HISTORY_FILE_SCHEMA = 1
/** Gives up looking for a free `.corrupt-<n>` name after this many (someone is hoarding them). */
const MAX_CORRUPT_COPIES = 1000

interface HistoryFile {
  schema: typeof HISTORY_FILE_SCHEMA
  /** Newest first. */
  entries: HistoryEntry[]
}

/** The file-system calls the history makes (injectable so tests can make one fail). */
export interface HistoryFileSystem extends FileSystem {
  mkdir(path: string, options: { recursive: true }): Promise<unknown>
}

export class HistoryAccessError extends Error {
  override name = 'HistoryAccessError'
}

export interface HistoryService {
  /** The kept runs, newest first. */
  load(): Promise<HistoryEntry[]>
  /** Puts `entry` first (replacing a run with its id); resolves to the ids kept, newest first. */
  add(entry: HistoryEntry): Promise<string[]>
  /** Resolves to the ids kept, newest first. */
  remove(id: string): Promise<string[]>
  clear(): Promise<void>
}

export interface HistoryServiceOptions {
  /** The history file, `<userData>/history.json` in the app. */
  path: string
  fs?: HistoryFileSystem
  limit?: number
  maxBytes?: number
  /** Told when an unreadable file was moved aside. */
  warn?: (message: string) => void
}

/** A kept run and the size of its JSON, so the byte cap needs no second stringify per run. */
interface Kept {
  entry: HistoryEntry
  bytes: number
}

function describeError(e: unknown): string {
  return e instanceof Error ? e.message : String(e)
}

function errorCode(e: unknown): unknown {
  return typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined
}

function keptOf(entry: HistoryEntry): Kept {
  return { entry, bytes: Buffer.byteLength(JSON.stringify(entry), 'utf8') }
}

/**
 * The runs of a history file's text, and what was wrong with it (null when nothing). Unreadable
 * runs are skipped; the readable ones survive even when others do not.
 */
export function parseHistoryFile(text: string): {
  entries: HistoryEntry[]
  problem: string | null
} {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (e) {
    return { entries: [], problem: `not valid JSON (${describeError(e)})` }
  }
  const file = data as Partial<HistoryFile> | null
  if (
    typeof file !== 'object' ||
    file === null ||
    file.schema !== HISTORY_FILE_SCHEMA ||
    !Array.isArray(file.entries)
  ) {
    return { entries: [], problem: `not a history file of schema ${HISTORY_FILE_SCHEMA}` }
  }
  const entries: HistoryEntry[] = []
  const ids = new Set<string>()
  const problems: string[] = []
  file.entries.forEach((entry: unknown, index) => {
    const problem = historyEntryProblem(entry)
    if (problem !== null) return problems.push(`run ${index}: ${problem}`)
    const { id } = entry as HistoryEntry
    if (ids.has(id)) return problems.push(`run ${index}: id ${id} given twice`)
    ids.add(id)
    entries.push(entry as HistoryEntry)
  })
  if (problems.length === 0) return { entries, problem: null }
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''
  return { entries, problem: `${problems.length} unreadable run(s): ${problems[0]}${more}` }
}

export function createHistoryService(options: HistoryServiceOptions): HistoryService {
  const {
    path,
    fs = fsp,
    limit = HISTORY_LIMIT,
    maxBytes = MAX_HISTORY_BYTES,
    warn = (message: string) => console.warn(`hugeswap: ${message}`),
  } = options

  /** The history as on disk; null until the file has been read (lazily, by the first call). */
  let kept: Kept[] | null = null
  /** Calls run one at a time, in order: each reads the state the previous one wrote. */
  let queue: Promise<unknown> = Promise.resolve()

  function serialized<T>(task: () => Promise<T>): Promise<T> {
    const result = queue.then(task, task)
    queue = result.catch(() => undefined)
    return result
  }

  /** Newest HISTORY_LIMIT runs, then the oldest dropped until the JSON fits in `maxBytes`. */
  function trim(list: Kept[]): Kept[] {
    const out = list.slice(0, limit)
    let total = out.reduce((sum, k) => sum + k.bytes, 0)
    while (total > maxBytes && out.length > 0) total -= out.pop()!.bytes
    return out
  }

  async function setAside(problem: string): Promise<void> {
    for (let n = 1; n <= MAX_CORRUPT_COPIES; n++) {
      const aside = `${path}.corrupt-${n}`
      try {
        await fs.stat(aside)
        continue
      } catch (e) {
        if (errorCode(e) !== 'ENOENT') throw e
      }
      await fs.rename(path, aside)
      warn(`the run history ${path} is unreadable (${problem}); kept it as ${aside}`)
      return
    }
    throw new Error(`${path}.corrupt-1..${MAX_CORRUPT_COPIES} all exist`)
  }

  async function read(): Promise<Kept[]> {
    let entries: HistoryEntry[] = []
    let problem: string | null
    try {
      const size = (await fs.stat(path)).size
      // Written by us it is at most maxBytes; far more is not ours, and reading it whole would
      // fail (or fill memory) at every start: it is moved aside like an unreadable one.
      if (size > maxBytes * 4) {
        problem = `${size} bytes, far more than a history holds`
      } else {
        ;({ entries, problem } = parseHistoryFile(await fs.readFile(path, 'utf8')))
      }
    } catch (e) {
      if (errorCode(e) === 'ENOENT') return []
      if (errorCode(e) !== 'ERR_STRING_TOO_LONG') {
        throw new HistoryAccessError(`Could not read the run history ${path}: ${describeError(e)}`)
      }
      problem = 'larger than a string holds'
    }
    if (problem !== null) {
      try {
        await setAside(problem)
      } catch (e) {
        // Starting empty now would overwrite the file with the next run: refuse instead.
        throw new HistoryAccessError(
          `The run history ${path} is unreadable (${problem}) and could not be moved aside: ` +
            describeError(e),
        )
      }
    }
    return trim(entries.map(keptOf))
  }

  async function current(): Promise<Kept[]> {
    kept ??= await read()
    return kept
  }

  async function write(next: Kept[]): Promise<void> {
    const file: HistoryFile = { schema: HISTORY_FILE_SCHEMA, entries: next.map((k) => k.entry) }
    try {
      // userData normally exists once the app is ready; a fresh profile directory may not yet.
      await fs.mkdir(dirname(path), { recursive: true })
      await writeFileAtomic(path, JSON.stringify(file), fs)
    } catch (e) {
      throw new HistoryAccessError(`Could not save the run history to ${path}: ${describeError(e)}`)
    }
    kept = next
  }

  const ids = (list: Kept[]) => list.map((k) => k.entry.id)

  return {
    load: () => serialized(async () => (await current()).map((k) => k.entry)),
    add: (entry) =>
      serialized(async () => {
        const rest = (await current()).filter((k) => k.entry.id !== entry.id)
        const next = trim([keptOf(entry), ...rest])
        await write(next)
        return ids(next)
      }),
    remove: (id) =>
      serialized(async () => {
        const list = await current()
        const next = list.filter((k) => k.entry.id !== id)
        if (next.length !== list.length) await write(next)
        return ids(next)
      }),
    clear: () =>
      serialized(async () => {
        // Read first, so an unreadable file is moved aside rather than overwritten.
        await current()
        await write([])
      }),
  }
}
