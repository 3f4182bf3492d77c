/**
 * How Hugeswap writes a user's files (the CLI's --json, --out and export-selftest, the app's
 * save and history): the old file or the whole new one, never a torn one, and never anything
 * but a regular file. Node-only; shared by src/cli and src/main.
 *
 * - The target must be a regular file or a new path: a symbolic link, a FIFO, a device node or
 *   a directory at the path is refused, not replaced (as root, `--json /dev/null` would have
 *   replaced /dev/null). Nothing is written under /proc, /sys or /dev.
 * - A temporary file beside it (created exclusively, so no link planted there is followed), then
 *   a rename over the target; a replaced file keeps its mode (a 0600 file stays 0600).
 * - Temporary files are removed on failure and when the process exits; one left by a process
 *   that was killed is removed by the next write of the same file.
 */
import { randomBytes } from 'node:crypto'
import { readdirSync, realpathSync, rmSync } from 'node:fs'
import * as fsp from 'node:fs/promises'
import { basename, dirname, join, resolve, sep } from 'node:path'

/** The file-system calls of an atomic write (injectable so tests can make one fail). */
export interface AtomicWriteFs {
  writeFile(
    path: string,
    data: string | Uint8Array,
    options: { flag: 'wx'; mode: number },
  ): Promise<void>
  rename(from: string, to: string): Promise<void>
  rm(path: string, options: { force: true; recursive?: boolean }): Promise<void>
  lstat(path: string): Promise<FileKind & { mode: number }>
  chmod(path: string, mode: number): Promise<void>
}

interface FileKind {
  isFile(): boolean
  isDirectory(): boolean
  isSymbolicLink(): boolean
  isFIFO(): boolean
  isSocket(): boolean
  isCharacterDevice(): boolean
  isBlockDevice(): boolean
}

/** A write refused before anything was written (the message names the path and why). */
export class WriteRefused extends Error {
  override name = 'WriteRefused'
  readonly code = 'EREFUSED'
}

/** Kernel file systems: writing there talks to the kernel, and may block for ever. */
const KERNEL_FS = ['/proc', '/sys', '/dev']

/** Temporary files this process has not renamed or removed yet (removed at exit). */
const pending = new Set<string>()
let exitHookInstalled = false

function track(tmp: string): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true
    process.once('exit', () => {
      for (const p of pending) rmSync(p, { force: true, recursive: true })
    })
  }
  pending.add(tmp)
}

export function kindOf(info: FileKind): string {
  if (info.isSymbolicLink()) return 'a symbolic link'
  if (info.isDirectory()) return 'a directory'
  if (info.isFIFO()) return 'a FIFO'
  if (info.isSocket()) return 'a socket'
  if (info.isCharacterDevice()) return 'a character device'
  if (info.isBlockDevice()) return 'a block device'
  return 'not a regular file'
}

/** Refuses a path under a kernel file system (resolving links in the existing part of it). */
export function refuseKernelFs(path: string): void {
  let real = resolve(path)
  for (let p = real; ; p = dirname(p)) {
    try {
      real = join(realpathSync(p), real.slice(p.length))
      break
    } catch {
      if (dirname(p) === p) break
    }
  }
  for (const root of KERNEL_FS) {
    if (real === root || real.startsWith(root + sep)) {
      throw new WriteRefused(`${path}: refusing to write under ${root} (a kernel file system)`)
    }
  }
}

async function lstatOrNull(
  fs: AtomicWriteFs,
  path: string,
): Promise<(FileKind & { mode: number }) | null> {
  try {
    return await fs.lstat(path)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw e
  }
}

/** `.NAME.PID.RANDOM.tmp` beside `path`. */
export function tempPathFor(path: string, suffix = 'tmp'): string {
  return join(
    dirname(path),
    `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.${suffix}`,
  )
}

/** Removes temporary files of `path` left by processes that no longer exist. */
export function removeStaleTemps(path: string): void {
  const prefix = `.${basename(path)}.`
  let names: string[]
  try {
    names = readdirSync(dirname(path))
  } catch {
    return
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue
    const m = /^\.(?:.*)\.(\d+)\.[0-9a-f]{8}\.(?:tmp|old)$/.exec(name)
    if (!m || name.slice(prefix.length).split('.').length !== 3) continue
    const pid = Number(m[1])
    if (pid === process.pid || alive(pid)) continue
    rmSync(join(dirname(path), name), { force: true, recursive: true })
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * Before a long run: whether `path` could be written (a new path or a regular file, not under a
 * kernel file system; `dir`: a new path or a directory). Throws WriteRefused if not.
 */
export async function checkWritable(path: string, dir = false): Promise<void> {
  refuseKernelFs(path)
  const info = await lstatOrNull(fsp as unknown as AtomicWriteFs, path)
  if (info && !(dir ? info.isDirectory() : info.isFile())) {
    throw new WriteRefused(
      `${path}: ${kindOf(info)}, not a ${dir ? 'directory' : 'regular file'}; refusing to replace it`,
    )
  }
}

/**
 * Writes `path` atomically, as the file's header says. `followLink`: a symbolic link at `path`
 * is written through, to the regular file it names (the app saving a scenario the user opened
 * through a link), instead of refused (the CLI's --json and --out).
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  fs: AtomicWriteFs = fsp as unknown as AtomicWriteFs,
  followLink = false,
): Promise<void> {
  refuseKernelFs(path)
  let info = await lstatOrNull(fs, path)
  if (followLink && info?.isSymbolicLink()) {
    path = await fsp.realpath(path)
    refuseKernelFs(path)
    info = await lstatOrNull(fs, path)
  }
  if (info && !info.isFile()) {
    throw new WriteRefused(`${path}: ${kindOf(info)}, not a regular file; refusing to replace it`)
  }
  removeStaleTemps(path)
  const tmp = tempPathFor(path)
  track(tmp)
  try {
    await fs.writeFile(tmp, data, { flag: 'wx', mode: 0o666 })
    if (info) await fs.chmod(tmp, info.mode & 0o7777)
    await fs.rename(tmp, path)
  } catch (err) {
    await fs.rm(tmp, { force: true }).catch(() => undefined)
    throw err
  } finally {
    pending.delete(tmp)
  }
}

/**
 * Replaces directory `dir` as a whole: `fill` writes the new contents into a fresh directory
 * beside it, which then takes its place, so `dir` holds the old set of files or the new one,
 * never a mix. `ours` says which names (relative paths) a previous write may have left there:
 * a directory holding anything else is refused, so nothing of the user's is ever removed.
 */
export async function replaceDirectory(
  dir: string,
  ours: (name: string) => boolean,
  fill: (tmpDir: string) => Promise<void>,
): Promise<void> {
  refuseKernelFs(dir)
  const info = await lstatOrNull(fsp as unknown as AtomicWriteFs, dir)
  if (info && !info.isDirectory()) {
    throw new WriteRefused(`${dir}: ${kindOf(info)}, not a directory; refusing to replace it`)
  }
  if (info) {
    const foreign = (await fsp.readdir(dir)).filter((name) => !ours(name))
    if (foreign.length > 0) {
      const shown = foreign.slice(0, 3).join(', ') + (foreign.length > 3 ? ', ...' : '')
      throw new WriteRefused(
        `${dir}: holds files hugeswap did not write (${shown}); use a new or empty directory`,
      )
    }
  }
  await fsp.mkdir(dirname(resolve(dir)), { recursive: true })
  removeStaleTemps(dir)
  const tmp = tempPathFor(dir)
  const old = tempPathFor(dir, 'old')
  track(tmp)
  track(old)
  try {
    await fsp.mkdir(tmp)
    await fill(tmp)
    if (info) await fsp.rename(dir, old)
    try {
      await fsp.rename(tmp, dir)
    } catch (e) {
      if (info) await fsp.rename(old, dir).catch(() => undefined)
      throw e
    }
    await fsp.rm(old, { force: true, recursive: true })
  } finally {
    await fsp.rm(tmp, { force: true, recursive: true }).catch(() => undefined)
    pending.delete(tmp)
    pending.delete(old)
  }
}
