/**
 * src/main/services/history-service.ts and the history:* channels: the run history survives a
 * restart in `<userData>/history.json`, every write is atomic, an unreadable file is kept aside
 * (never silently lost), the limits hold, and only our window's top frame may call the channels
 * with well-formed arguments.
 */
import * as fsp from 'node:fs/promises'
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

vi.mock('electron', async () => (await import('./fixtures/electron-mock')).electronModule)

import type { BrowserWindow } from 'electron'
import { startApp } from '../../src/main/app'
import { registerIpcHandlers } from '../../src/main/ipc'
import {
  createHistoryService,
  HistoryAccessError,
  HISTORY_FILE_NAME,
  type HistoryFileSystem,
  type HistoryService,
} from '../../src/main/services/history-service'
import type { ScenarioService } from '../../src/main/services/scenario-service'
import { HISTORY_LIMIT, MAX_HISTORY_BYTES, type HistoryEntry } from '../../src/shared/ipc'
import {
  app,
  FakeBrowserWindow,
  FakeFrame,
  FakeWebContents,
  ipcMain,
  resetElectronMock,
} from './fixtures/electron-mock'

let dir: string
let path: string
let warn: ReturnType<typeof vi.fn<(message: string) => void>>

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hugeswap-history-'))
  path = join(dir, HISTORY_FILE_NAME)
  warn = vi.fn()
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

function entry(id: string, extra: Partial<HistoryEntry> = {}): HistoryEntry {
  return {
    id,
    ranAt: 1_790_000_000_000,
    title: 'One THP',
    file: 'one-thp.ts',
    seed: 1,
    variants: ['baseline', 'pmd-swap'],
    result: {
      schema: 1,
      tool: { name: 'hugeswap', version: '0.1.0', model: 'm' },
      scenario: { title: 'One THP', file: 'one-thp.ts', seed: 1 },
      variants: [{ name: 'baseline' }, { name: 'pmd-swap' }],
    } as unknown as HistoryEntry['result'],
    ...extra,
  }
}

function service(options: Partial<Parameters<typeof createHistoryService>[0]> = {}) {
  return createHistoryService({ path, warn, ...options })
}

const fileIds = async () =>
  (JSON.parse(await readFile(path, 'utf8')) as { entries: HistoryEntry[] }).entries.map((e) => e.id)

describe('createHistoryService', () => {
  it('starts empty without a file, and creates none just by loading', async () => {
    await expect(service().load()).resolves.toEqual([])
    expect(await readdir(dir)).toEqual([])
  })

  it('keeps runs newest first across a restart', async () => {
    const history = service()
    await expect(history.add(entry('a'))).resolves.toEqual(['a'])
    await expect(history.add(entry('b'))).resolves.toEqual(['b', 'a'])

    const restarted = service()
    await expect(restarted.load()).resolves.toEqual([entry('b'), entry('a')])
    const file = JSON.parse(await readFile(path, 'utf8')) as { schema: number }
    expect(file.schema).toBe(1)
    expect(await readdir(dir)).toEqual([HISTORY_FILE_NAME])
  })

  it('creates the data folder when it does not exist yet', async () => {
    path = join(dir, 'profile', 'nested', HISTORY_FILE_NAME)
    await service().add(entry('a'))
    expect(await fileIds()).toEqual(['a'])
  })

  it('removes one run and clears them all', async () => {
    const history = service()
    for (const id of ['a', 'b', 'c']) await history.add(entry(id))
    await expect(history.remove('b')).resolves.toEqual(['c', 'a'])
    await expect(history.remove('nope')).resolves.toEqual(['c', 'a'])
    expect(await fileIds()).toEqual(['c', 'a'])
    await history.clear()
    await expect(history.load()).resolves.toEqual([])
    await expect(service().load()).resolves.toEqual([])
  })

  it('adding a run with a known id moves it to the front instead of doubling it', async () => {
    const history = service()
    await history.add(entry('a'))
    await history.add(entry('b'))
    await expect(history.add(entry('a', { title: 'again' }))).resolves.toEqual(['a', 'b'])
    expect((await history.load())[0]!.title).toBe('again')
  })

  it(`keeps the newest ${HISTORY_LIMIT} runs`, async () => {
    const history = service()
    for (let i = 0; i < HISTORY_LIMIT + 5; i++) await history.add(entry(`r${i}`))
    const ids = Array.from({ length: HISTORY_LIMIT }, (_, i) => `r${HISTORY_LIMIT + 4 - i}`)
    expect((await history.load()).map((e) => e.id)).toEqual(ids)
    expect(await fileIds()).toEqual(ids)
  })

  it('drops the oldest runs to stay under the byte cap', async () => {
    const oneRun = Buffer.byteLength(JSON.stringify(entry('a')))
    const history = service({ maxBytes: oneRun * 2 + 10 })
    await history.add(entry('a'))
    await history.add(entry('b'))
    await expect(history.add(entry('c'))).resolves.toEqual(['c', 'b'])
    // A run that alone is over the cap is not kept at all (the IPC parser refuses it earlier).
    const huge = entry('d', { title: 'x'.repeat(oneRun * 3) })
    await expect(history.add(huge)).resolves.toEqual([])
  })

  it('applies calls in order even when nobody waits in between', async () => {
    const history = service()
    const answers = await Promise.all([
      history.add(entry('a')),
      history.add(entry('b')),
      history.remove('a'),
      history.add(entry('c')),
    ])
    expect(answers.at(-1)).toEqual(['c', 'b'])
    expect(await fileIds()).toEqual(['c', 'b'])
  })

  it('writes through writeFileAtomic: a temp file beside it, then a rename', async () => {
    const calls: string[] = []
    const fs: HistoryFileSystem = {
      ...fsp,
      readFile: (p, e) => fsp.readFile(p, e),
      writeFile: async (p, data, e) => {
        calls.push(`write ${p}`)
        await fsp.writeFile(p, data, e)
      },
      rename: async (from, to) => {
        calls.push(`rename ${from} -> ${to}`)
        await fsp.rename(from, to)
      },
    }
    await service({ fs }).add(entry('a'))
    expect(calls).toHaveLength(2)
    const temp = calls[0]!.slice('write '.length)
    expect(temp).toMatch(new RegExp(`^${dir}/\\.history\\.json\\.\\d+\\.[0-9a-f]{8}\\.tmp$`))
    expect(calls[1]).toBe(`rename ${temp} -> ${path}`)
  })

  it('a failed write leaves the old history and says where it could not save', async () => {
    await service().add(entry('a'))
    const before = await readFile(path, 'utf8')
    const fs: HistoryFileSystem = {
      ...fsp,
      readFile: (p, e) => fsp.readFile(p, e),
      rename: async () => {
        throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' })
      },
    }
    const history = service({ fs })
    const failed = history.add(entry('b'))
    await expect(failed).rejects.toThrow(HistoryAccessError)
    await expect(failed).rejects.toThrow(`Could not save the run history to ${path}: ENOSPC`)
    expect(await readFile(path, 'utf8')).toBe(before)
    expect(await readdir(dir)).toEqual([HISTORY_FILE_NAME])
    // What main answers next is still what is on disk.
    await expect(history.load()).resolves.toEqual([entry('a')])
  })

  describe('an unreadable file', () => {
    it('far larger than a history holds is kept aside unread (it broke the history for good)', async () => {
      const big = JSON.stringify({ schema: 1, entries: [] }) + ' '.repeat(64 * 1024)
      await writeFile(path, big)
      const history = service({ maxBytes: 1000 })
      await expect(history.load()).resolves.toEqual([])
      expect((await readFile(`${path}.corrupt-1`, 'utf8')).length).toBe(big.length)
      expect(warn).toHaveBeenCalledWith(
        expect.stringMatching(/\d+ bytes, far more than a history holds.*corrupt-1/),
      )
      await history.add(entry('a'))
      expect(await fileIds()).toEqual(['a'])
    })

    it('that is not JSON is kept aside, and the history starts empty', async () => {
      await writeFile(path, '{"schema":1,"entries":[{"id":')
      const history = service()
      await expect(history.load()).resolves.toEqual([])
      expect(await readFile(`${path}.corrupt-1`, 'utf8')).toBe('{"schema":1,"entries":[{"id":')
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/not valid JSON.*corrupt-1/))

      await history.add(entry('a'))
      expect(await fileIds()).toEqual(['a'])
      expect(await readFile(`${path}.corrupt-1`, 'utf8')).toMatch(/^\{"schema"/)
    })

    it('of another schema is kept aside under the next free name', async () => {
      await writeFile(`${path}.corrupt-1`, 'older')
      await writeFile(path, JSON.stringify([entry('a')]))
      await expect(service().load()).resolves.toEqual([])
      expect(await readFile(`${path}.corrupt-1`, 'utf8')).toBe('older')
      expect(JSON.parse(await readFile(`${path}.corrupt-2`, 'utf8'))).toEqual([entry('a')])
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/not a history file of schema 1/))
    })

    it('with some bad runs keeps the good ones and a copy of the whole file', async () => {
      const text = JSON.stringify({
        schema: 1,
        entries: [entry('a'), { id: 'b' }, entry('a'), entry('c')],
      })
      await writeFile(path, text)
      const history = service()
      expect((await history.load()).map((e) => e.id)).toEqual(['a', 'c'])
      expect(await readFile(`${path}.corrupt-1`, 'utf8')).toBe(text)
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/2 unreadable run\(s\): run 1: /))
    })

    it('that cannot be moved aside is not overwritten', async () => {
      await writeFile(path, 'garbage')
      const fs: HistoryFileSystem = {
        ...fsp,
        readFile: (p, e) => fsp.readFile(p, e),
        rename: async () => {
          throw new Error('EROFS: read-only file system')
        },
      }
      const history = service({ fs })
      await expect(history.load()).rejects.toThrow(
        /run history .* is unreadable \(not valid JSON .*\) and could not be moved aside: EROFS/,
      )
      await expect(history.add(entry('a'))).rejects.toThrow(HistoryAccessError)
      expect(await readFile(path, 'utf8')).toBe('garbage')
    })

    it('that cannot be read at all gives a clear error, not a raw one', async () => {
      await mkdir(path)
      const failed = service().load()
      await expect(failed).rejects.toThrow(HistoryAccessError)
      await expect(failed).rejects.toThrow(`Could not read the run history ${path}: EISDIR`)
    })
  })
})

describe('history:* channels', () => {
  const APP_URL = 'file:///opt/hugeswap/out/renderer/index.html'
  let window: FakeBrowserWindow
  let history: HistoryService

  function register(deps: { history?: HistoryService } = { history }) {
    resetElectronMock()
    window = new FakeBrowserWindow({})
    window.webContents.mainFrame.url = APP_URL
    registerIpcHandlers({
      getMainWindow: () => window as unknown as BrowserWindow,
      isAppUrl: (url) => url === APP_URL,
      scenarios: { run: vi.fn(), cancel: vi.fn(), busy: false } as unknown as ScenarioService,
      ...deps,
    })
  }

  beforeEach(async () => {
    history = service()
    await history.add(entry('old'))
    register()
  })

  const fromApp = () => ({ sender: window.webContents })

  it('serve our window', async () => {
    await expect(ipcMain.invoke('history:load', fromApp())).resolves.toEqual([entry('old')])
    await expect(ipcMain.invoke('history:add', fromApp(), entry('new'))).resolves.toEqual([
      'new',
      'old',
    ])
    await expect(ipcMain.invoke('history:remove', fromApp(), 'old')).resolves.toEqual(['new'])
    expect(await fileIds()).toEqual(['new'])
    await expect(ipcMain.invoke('history:clear', fromApp())).resolves.toBeUndefined()
    expect(await fileIds()).toEqual([])
  })

  it('store a plain JSON copy of the run', async () => {
    const odd = entry('odd')
    Object.assign(odd.result, { when: new Date(0), seen: new Map([[1, 2]]), gone: undefined })
    await ipcMain.invoke('history:add', fromApp(), odd)
    const [stored] = (await ipcMain.invoke('history:load', fromApp())) as HistoryEntry[]
    expect(stored!.result).toMatchObject({ when: '1970-01-01T00:00:00.000Z', seen: {} })
    expect(stored!.result).not.toHaveProperty('gone')
  })

  const argsFor: Record<string, unknown[]> = {
    'history:load': [],
    'history:add': [entry('evil')],
    'history:remove': ['old'],
    'history:clear': [],
  }
  const channels = Object.keys(argsFor)

  it.each(channels)('%s rejects another window', async (channel) => {
    const other = new FakeWebContents(APP_URL)
    await expect(ipcMain.invoke(channel, { sender: other }, ...argsFor[channel]!)).rejects.toThrow(
      `${channel}: rejected a call from an untrusted sender`,
    )
    expect(await fileIds()).toEqual(['old'])
  })

  it.each(channels)('%s rejects an iframe inside our window', async (channel) => {
    const from = { sender: window.webContents, senderFrame: new FakeFrame(APP_URL) }
    await expect(ipcMain.invoke(channel, from, ...argsFor[channel]!)).rejects.toThrow(/untrusted/)
    expect(await fileIds()).toEqual(['old'])
  })

  it.each(channels)('%s rejects our window once it shows a foreign page', async (channel) => {
    window.webContents.mainFrame.url = 'https://evil.example/'
    await expect(ipcMain.invoke(channel, fromApp(), ...argsFor[channel]!)).rejects.toThrow(
      /untrusted/,
    )
    expect(await fileIds()).toEqual(['old'])
  })

  describe('bad payloads are rejected with a clear message', () => {
    const cyclic = entry('cyclic')
    Object.assign(cyclic.result, { self: cyclic.result })
    const cases: [string, string, unknown[], RegExp][] = [
      ['history:add', 'no argument', [], /expected 1 argument, got 0/],
      ['history:add', 'two arguments', [entry('a'), entry('b')], /expected 1 argument, got 2/],
      ['history:add', 'a list instead of a run', [[entry('a')]], /a run must be an object/],
      ['history:add', 'null', [null], /a run must be an object/],
      ['history:add', 'no id', [{ ...entry('a'), id: undefined }], /id must be/],
      ['history:add', 'an id with a slash', [entry('../x')], /id must be 1..64 letters/],
      ['history:add', 'a long id', [entry('x'.repeat(65))], /id must be 1..64/],
      ['history:add', 'a NaN time', [entry('a', { ranAt: NaN })], /ranAt must be a time/],
      ['history:add', 'a numeric title', [{ ...entry('a'), title: 3 }], /title must be a string/],
      ['history:add', 'no file', [{ ...entry('a'), file: undefined }], /file must be a string/],
      ['history:add', 'a string seed', [{ ...entry('a'), seed: '1' }], /seed must be a safe int/],
      ['history:add', 'variants not a list', [{ ...entry('a'), variants: 'x' }], /variants must/],
      [
        'history:add',
        'a non-string variant',
        [{ ...entry('a'), variants: [1] }],
        /variants must be an array of at most 64 strings/,
      ],
      ['history:add', 'no result', [{ ...entry('a'), result: null }], /result must be an object/],
      [
        'history:add',
        'a result without variants',
        [{ ...entry('a'), result: { scenario: {} } }],
        /result.variants must be an array of objects/,
      ],
      [
        'history:add',
        'a result without its scenario',
        [{ ...entry('a'), result: { variants: [] } }],
        /result.scenario must be an object/,
      ],
      [
        'history:add',
        'an unknown field',
        [{ ...entry('a'), path: '/etc/passwd' }],
        /unknown field\(s\) in the run: path/,
      ],
      ['history:add', 'a cyclic result', [cyclic], /the run is not JSON data/],
      [
        'history:add',
        'a BigInt in the result',
        [{ ...entry('a'), result: { ...entry('a').result, big: 1n } }],
        /the run is not JSON data/,
      ],
      ['history:remove', 'no id', [], /expected 1 argument, got 0/],
      ['history:remove', 'a numeric id', [3], /id must be 1..64 letters/],
      ['history:remove', 'an object', [{ id: 'old' }], /id must be/],
      ['history:load', 'an argument', ['all'], /expected no arguments, got 1/],
      ['history:clear', 'an argument', [true], /expected no arguments, got 1/],
    ]

    for (const [channel, name, args, message] of cases) {
      it(`${channel}: ${name}`, async () => {
        const call = ipcMain.invoke(channel, fromApp(), ...args)
        await expect(call).rejects.toThrow(message)
        await expect(call).rejects.toThrow(new RegExp(`^${channel}: invalid request: `))
        expect(await fileIds()).toEqual(['old'])
      })
    }

    it('history:add: a run over 128 MiB of JSON', async () => {
      const big = entry('big', { title: 'x'.repeat(MAX_HISTORY_BYTES) })
      await expect(ipcMain.invoke('history:add', fromApp(), big)).rejects.toThrow(
        /history:add: invalid request: the run is \d+ bytes of JSON, more than the history holds \(134217728 bytes, 128 MiB\)/,
      )
      expect(await fileIds()).toEqual(['old'])
    })
  })

  it('reject every call when main has no history', async () => {
    register({})
    for (const channel of channels) {
      await expect(ipcMain.invoke(channel, fromApp(), ...argsFor[channel]!)).rejects.toThrow(
        `${channel}: the run history is not available`,
      )
    }
  })
})

describe('wired through startApp', () => {
  afterEach(() => vi.unstubAllEnvs())

  it('keeps the history in <userData>/history.json', async () => {
    resetElectronMock()
    vi.stubEnv('ELECTRON_RENDERER_URL', '')
    app.userDataPath = dir
    await startApp({
      mainDir: '/opt/hugeswap/out/main',
      runInProcess: vi.fn(),
    })
    expect(app.getPath).toHaveBeenCalledWith('userData')
    const fromApp = { sender: FakeBrowserWindow.instances[0]!.webContents }
    await expect(ipcMain.invoke('history:add', fromApp, entry('a'))).resolves.toEqual(['a'])
    expect(await fileIds()).toEqual(['a'])
    await expect(ipcMain.invoke('history:load', fromApp)).resolves.toEqual([entry('a')])
  })
})
