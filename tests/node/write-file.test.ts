/** src/node/write-file.ts: atomic writes of regular files only, temporary files never left. */
import { spawnSync } from 'node:child_process'
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  WriteRefused,
  checkWritable,
  removeStaleTemps,
  replaceDirectory,
  writeFileAtomic,
} from '../../src/node/write-file'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hugeswap-write-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

/** A pid no process has: one that has just exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'])
  return Number(r.stdout.toString())
}

describe('writeFileAtomic', () => {
  it('refuses a directory at the path and writes a new file with the umask', async () => {
    mkdirSync(join(dir, 'd'))
    await expect(writeFileAtomic(join(dir, 'd'), 'x')).rejects.toThrow(WriteRefused)
    await writeFileAtomic(join(dir, 'new.json'), 'x')
    expect(readdirSync(dir).sort()).toEqual(['d', 'new.json'])
  })

  it('keeps the mode of the file it replaces', async () => {
    const p = join(dir, 'a.json')
    writeFileSync(p, 'old', { mode: 0o640 })
    await writeFileAtomic(p, 'new')
    expect(statSync(p).mode & 0o777).toBe(0o640)
  })

  it('removes the temporary files a killed writer left, and only those', async () => {
    const p = join(dir, 'a.json')
    const dead = join(dir, `.a.json.${deadPid()}.0badf00d.tmp`)
    const live = join(dir, `.a.json.${process.ppid}.0badf00d.tmp`)
    writeFileSync(dead, 'half')
    writeFileSync(live, 'busy')
    removeStaleTemps(p)
    expect(readdirSync(dir)).toEqual([`.a.json.${process.ppid}.0badf00d.tmp`])
  })
})

describe('replaceDirectory', () => {
  it('swaps in the new contents whole and leaves nothing beside it', async () => {
    const out = join(dir, 'out')
    await replaceDirectory(
      out,
      () => true,
      async (tmp) => writeFileSync(join(tmp, 'a'), '1'),
    )
    await replaceDirectory(
      out,
      (n) => n === 'a' || n === 'b',
      async (tmp) => writeFileSync(join(tmp, 'b'), '2'),
    )
    expect(readdirSync(out)).toEqual(['b'])
    expect(readdirSync(dir)).toEqual(['out'])
  })

  it('leaves the old directory as it was when filling the new one fails', async () => {
    const out = join(dir, 'out')
    await replaceDirectory(
      out,
      () => true,
      async (tmp) => writeFileSync(join(tmp, 'a'), '1'),
    )
    await expect(
      replaceDirectory(
        out,
        () => true,
        async () => {
          throw new Error('ENOSPC')
        },
      ),
    ).rejects.toThrow('ENOSPC')
    expect(readdirSync(out)).toEqual(['a'])
    expect(readdirSync(dir)).toEqual(['out'])
  })
})

describe('checkWritable', () => {
  it('refuses kernel file systems and a file where a directory is asked for', async () => {
    await expect(checkWritable('/proc/self/x')).rejects.toThrow(/under \/proc/)
    await expect(checkWritable('/sys/kernel/x')).rejects.toThrow(/under \/sys/)
    writeFileSync(join(dir, 'f'), '')
    await expect(checkWritable(join(dir, 'f'), true)).rejects.toThrow(/not a directory/)
    await expect(checkWritable(join(dir, 'f'))).resolves.toBeUndefined()
  })
})

describe('writeFileAtomic through a link', () => {
  it('refuses a symbolic link unless told to follow it, then writes the file it names', async () => {
    const target = join(dir, 'real.ts')
    const link = join(dir, 'link.ts')
    writeFileSync(target, 'old', { mode: 0o600 })
    symlinkSync(target, link)
    await expect(writeFileAtomic(link, 'new')).rejects.toThrow(/a symbolic link/)
    await writeFileAtomic(link, 'new', undefined, true)
    expect(readFileSync(target, 'utf8')).toBe('new')
    expect(lstatSync(link).isSymbolicLink()).toBe(true)
    expect(statSync(target).mode & 0o777).toBe(0o600)
  })
})
