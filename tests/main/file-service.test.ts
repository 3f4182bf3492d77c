/**
 * src/main/services/file-service.ts and the file:* channels: writes are atomic (a failed write
 * leaves the old file intact), file:save writes only paths the user chose in a dialog, and only
 * our window's top frame may call the channels.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import * as fsp from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

vi.mock('electron', async () => (await import('./fixtures/electron-mock')).electronModule)

import type { BrowserWindow } from 'electron'
import { registerIpcHandlers } from '../../src/main/ipc'
import {
  createFileService,
  writeFileAtomic,
  type FileDialogs,
  type FileSystem,
} from '../../src/main/services/file-service'
import type { ScenarioService } from '../../src/main/services/scenario-service'
import {
  FakeBrowserWindow,
  FakeFrame,
  FakeWebContents,
  ipcMain,
  resetElectronMock,
} from './fixtures/electron-mock'

let dir: string

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hugeswap-files-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

function dialogs(path: string): FileDialogs {
  return {
    showOpenDialog: vi.fn(async () => ({ canceled: false, filePaths: [path] })),
    showSaveDialog: vi.fn(async () => ({ canceled: false, filePath: path })),
  }
}

describe('writeFileAtomic', () => {
  it('replaces the file and leaves no temp file behind', async () => {
    const path = join(dir, 'a.ts')
    await writeFile(path, 'old')
    await writeFileAtomic(path, 'new')
    expect(await readFile(path, 'utf8')).toBe('new')
    expect(await readdir(dir)).toEqual(['a.ts'])
  })

  it('leaves the old file intact when the write fails half-way', async () => {
    const path = join(dir, 'a.ts')
    await writeFile(path, 'old')
    const failing: FileSystem = {
      ...fsp,
      readFile: (p, e) => fsp.readFile(p, e),
      writeFile: async (p, data, e) => {
        await fsp.writeFile(p, data.slice(0, 2), e)
        throw new Error('ENOSPC: no space left on device')
      },
    }
    await expect(writeFileAtomic(path, 'new contents', failing)).rejects.toThrow(/ENOSPC/)
    expect(await readFile(path, 'utf8')).toBe('old')
    expect(await readdir(dir)).toEqual(['a.ts'])
  })

  it('leaves the old file intact when the rename fails', async () => {
    const path = join(dir, 'a.ts')
    await writeFile(path, 'old')
    const failing: FileSystem = {
      ...fsp,
      readFile: (p, e) => fsp.readFile(p, e),
      rename: async () => {
        throw new Error('EXDEV')
      },
    }
    await expect(writeFileAtomic(path, 'new', failing)).rejects.toThrow(/EXDEV/)
    expect(await readFile(path, 'utf8')).toBe('old')
    expect(await readdir(dir)).toEqual(['a.ts'])
  })
})

describe('createFileService', () => {
  it('opens the chosen file and may then save it', async () => {
    const path = join(dir, 'mine.ts')
    await writeFile(path, 'export default 1')
    const files = createFileService(dialogs(path))
    await expect(files.open()).resolves.toEqual({
      path,
      name: 'mine.ts',
      source: 'export default 1',
    })
    await expect(files.save({ path, source: 'export default 2' })).resolves.toEqual({
      path,
      name: 'mine.ts',
    })
    expect(await readFile(path, 'utf8')).toBe('export default 2')
  })

  it('refuses to save a path no dialog handed out', async () => {
    const path = join(dir, 'elsewhere.ts')
    const files = createFileService(dialogs(join(dir, 'other.ts')))
    await expect(files.save({ path, source: 'x' })).rejects.toThrow(/not opened or chosen/)
    await expect(readFile(path, 'utf8')).rejects.toThrow()
  })

  it('save-as writes where the user chose; a cancelled dialog writes nothing', async () => {
    const path = join(dir, 'new.ts')
    const files = createFileService(dialogs(path))
    await expect(files.saveAs({ suggestedName: 'x.ts', source: 'abc' })).resolves.toEqual({
      path,
      name: 'new.ts',
    })
    expect(await readFile(path, 'utf8')).toBe('abc')
    const cancelled = createFileService({
      ...dialogs(path),
      showSaveDialog: async () => ({ canceled: true }),
    })
    await expect(cancelled.saveAs({ suggestedName: 'x.ts', source: 'zzz' })).resolves.toBeNull()
    expect(await readFile(path, 'utf8')).toBe('abc')
  })
})

describe('file:* channels', () => {
  const APP_URL = 'file:///opt/hugeswap/out/renderer/index.html'
  let window: FakeBrowserWindow
  let target: string

  beforeEach(async () => {
    resetElectronMock()
    window = new FakeBrowserWindow({})
    window.webContents.mainFrame.url = APP_URL
    target = join(dir, 'chosen.ts')
    await writeFile(target, 'old')
    registerIpcHandlers({
      getMainWindow: () => window as unknown as BrowserWindow,
      isAppUrl: (url) => url === APP_URL,
      scenarios: { run: vi.fn(), cancel: vi.fn(), busy: false } as unknown as ScenarioService,
      files: createFileService(dialogs(target)),
    })
  })

  it('serve our window', async () => {
    const fromApp = { sender: window.webContents }
    await expect(ipcMain.invoke('file:open', fromApp)).resolves.toMatchObject({ source: 'old' })
    await ipcMain.invoke('file:save', fromApp, { path: target, source: 'new' })
    expect(await readFile(target, 'utf8')).toBe('new')
  })

  it.each(['file:open', 'file:save', 'file:save-as'])('%s rejects another window', async (ch) => {
    const other = new FakeWebContents(APP_URL)
    const args = ch === 'file:open' ? [] : [{ path: target, suggestedName: 'a.ts', source: 'x' }]
    await expect(ipcMain.invoke(ch, { sender: other }, ...args)).rejects.toThrow(/untrusted/)
    expect(await readFile(target, 'utf8')).toBe('old')
  })

  it.each(['file:open', 'file:save', 'file:save-as'])('%s rejects an iframe', async (ch) => {
    const frame = new FakeFrame(APP_URL)
    await expect(
      ipcMain.invoke(ch, { sender: window.webContents, senderFrame: frame }),
    ).rejects.toThrow(/untrusted/)
  })

  it('rejects malformed payloads', async () => {
    const fromApp = { sender: window.webContents }
    await expect(ipcMain.invoke('file:save', fromApp, { path: target })).rejects.toThrow(/source/)
    await expect(
      ipcMain.invoke('file:save', fromApp, { path: target, source: 'x', mode: 0o777 }),
    ).rejects.toThrow(/unknown field/)
    await expect(
      ipcMain.invoke('file:save-as', fromApp, { suggestedName: '../../etc/x', source: 'x' }),
    ).rejects.toThrow(/base name/)
    await expect(ipcMain.invoke('file:open', fromApp, 'extra')).rejects.toThrow(/no arguments/)
    expect(await readFile(target, 'utf8')).toBe('old')
  })
})
