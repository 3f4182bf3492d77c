/**
 * src/main/ipc.ts: every channel of the map is handled; only our window's top frame showing our
 * renderer may call; arguments are shape-checked before a service sees them.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeEach, describe, expect, it, vi } from 'vitest'

vi.mock('electron', async () => (await import('./fixtures/electron-mock')).electronModule)

import type { BrowserWindow } from 'electron'
import { startApp } from '../../src/main/app'
import { registerIpcHandlers } from '../../src/main/ipc'
import { MAX_SOURCE_BYTES } from '../../src/main/ipc-validate'
import type { RunInProcess, ScenarioService } from '../../src/main/services/scenario-service'
import { INVOKE_CHANNELS } from '../../src/shared/ipc'
import type { RunOutcome, RunProgress } from '../../src/shared/result'
import type { RunRequest } from '../../src/shared/worker-protocol'
import {
  FakeBrowserWindow,
  FakeFrame,
  FakeWebContents,
  ipcMain,
  resetElectronMock,
} from './fixtures/electron-mock'

const APP_URL = 'file:///opt/hugeswap/out/renderer/index.html'
const isAppUrl = (url: string) => url.split('#')[0] === APP_URL

const okOutcome = { ok: true, result: { schema: 1 } } as unknown as RunOutcome
const progress: RunProgress = {
  variant: 'pmd-swap',
  variantIndex: 2,
  variantCount: 4,
  phase: 'snapshot swapped out',
  percent: 60,
}
const validRequest: RunRequest = { source: 'export default 1', fileName: 'one-thp.ts' }

function fakeService() {
  return {
    run: vi.fn(async (_request: RunRequest, onProgress: (p: RunProgress) => void) => {
      onProgress(progress)
      return okOutcome
    }),
    cancel: vi.fn(),
    busy: false,
  } satisfies ScenarioService
}

let window: FakeBrowserWindow
let service: ReturnType<typeof fakeService>

beforeEach(() => {
  resetElectronMock()
  window = new FakeBrowserWindow({})
  window.webContents.mainFrame.url = APP_URL
  service = fakeService()
  registerIpcHandlers({
    getMainWindow: () => window as unknown as BrowserWindow,
    isAppUrl,
    scenarios: service,
  })
})

const fromApp = () => ({ sender: window.webContents })

describe('registration', () => {
  it('handles exactly the invoke channels of the map', () => {
    expect([...ipcMain.handlers.keys()].sort()).toEqual([...INVOKE_CHANNELS].sort())
  })

  it('can be undone', () => {
    resetElectronMock()
    const unregister = registerIpcHandlers({
      getMainWindow: () => null,
      isAppUrl,
      scenarios: fakeService(),
    })
    unregister()
    expect(ipcMain.handlers.size).toBe(0)
  })
})

describe('a trusted sender', () => {
  it('gets the runner answer, with the request passed through', async () => {
    await expect(ipcMain.invoke('scenario:run', fromApp(), validRequest)).resolves.toEqual(
      okOutcome,
    )
    expect(service.run).toHaveBeenCalledOnce()
    expect(service.run.mock.calls[0]![0]).toEqual(validRequest)
  })

  it('receives scenario:progress events', async () => {
    await ipcMain.invoke('scenario:run', fromApp(), validRequest)
    expect(window.webContents.send).toHaveBeenCalledWith('scenario:progress', progress)
  })

  it('drops progress once the window is gone', async () => {
    service.run.mockImplementationOnce(async (_r, onProgress) => {
      window.webContents.destroyed = true
      onProgress(progress)
      return okOutcome
    })
    await ipcMain.invoke('scenario:run', fromApp(), validRequest)
    expect(window.webContents.send).not.toHaveBeenCalled()
  })

  it('may cancel', async () => {
    await expect(ipcMain.invoke('scenario:cancel', fromApp())).resolves.toBeUndefined()
    expect(service.cancel).toHaveBeenCalledOnce()
  })

  it('is accepted on any hash route of the app page', async () => {
    window.webContents.mainFrame.url = `${APP_URL}#/results`
    await expect(ipcMain.invoke('scenario:run', fromApp(), validRequest)).resolves.toEqual(
      okOutcome,
    )
  })
})

describe('a foreign sender is rejected', () => {
  const cases: [string, () => { sender: FakeWebContents; senderFrame?: FakeFrame | null }][] = [
    ['another webContents showing our page', () => ({ sender: new FakeWebContents(APP_URL) })],
    [
      'our window after navigating to another site',
      () => {
        window.webContents.mainFrame.url = 'https://evil.example/'
        return fromApp()
      },
    ],
    [
      'our window showing another local file',
      () => {
        window.webContents.mainFrame.url = 'file:///tmp/evil.html'
        return fromApp()
      },
    ],
    [
      'an iframe inside our window, even with our URL',
      () => ({ sender: window.webContents, senderFrame: new FakeFrame(APP_URL) }),
    ],
    ['a frame that is already gone', () => ({ sender: window.webContents, senderFrame: null })],
    [
      'our window once destroyed',
      () => {
        window.destroyed = true
        return fromApp()
      },
    ],
  ]

  for (const [name, from] of cases) {
    it(`${name}`, async () => {
      const sender = from()
      await expect(ipcMain.invoke('scenario:run', sender, validRequest)).rejects.toThrow(
        /scenario:run: rejected a call from an untrusted sender/,
      )
      await expect(ipcMain.invoke('scenario:cancel', sender)).rejects.toThrow(/untrusted sender/)
      expect(service.run).not.toHaveBeenCalled()
      expect(service.cancel).not.toHaveBeenCalled()
    })
  }

  it('when no window is open', async () => {
    resetElectronMock()
    registerIpcHandlers({ getMainWindow: () => null, isAppUrl, scenarios: service })
    const orphan = new FakeWebContents(APP_URL)
    await expect(ipcMain.invoke('scenario:run', { sender: orphan }, validRequest)).rejects.toThrow(
      /untrusted sender/,
    )
  })
})

describe('bad payloads are rejected with a clear message', () => {
  const big = 'x'.repeat(MAX_SOURCE_BYTES + 1)
  // 'é' is 2 bytes in UTF-8: under the limit in characters, over it in bytes.
  const bigInBytes = 'é'.repeat(MAX_SOURCE_BYTES / 2 + 1)
  const cases: [string, unknown[], RegExp][] = [
    ['no argument', [], /expected 1 argument, got 0/],
    ['two arguments', [validRequest, validRequest], /expected 1 argument, got 2/],
    ['a string instead of a request', ['export default 1'], /expected an object/],
    ['null', [null], /expected an object/],
    ['an array', [[validRequest]], /expected an object/],
    ['no source', [{ fileName: 'a.ts' }], /source must be a string/],
    ['a numeric source', [{ source: 42, fileName: 'a.ts' }], /source must be a string/],
    ['a source over 1 MiB', [{ source: big, fileName: 'a.ts' }], /source is larger than 1048576/],
    ['a source over 1 MiB in UTF-8', [{ source: bigInBytes, fileName: 'a.ts' }], /larger than/],
    ['no fileName', [{ source: '' }], /fileName must be a non-empty string/],
    ['an empty fileName', [{ source: '', fileName: '' }], /fileName must be a non-empty string/],
    ['a fileName with a newline', [{ ...validRequest, fileName: 'a\n.ts' }], /control characters/],
    ['a very long fileName', [{ ...validRequest, fileName: 'a'.repeat(300) }], /longer than 255/],
    ['an unknown variant', [{ ...validRequest, variants: ['turbo'] }], /unknown variant "turbo"/],
    ['variants not an array', [{ ...validRequest, variants: 'baseline' }], /variants must be/],
    ['empty variants', [{ ...validRequest, variants: [] }], /non-empty array/],
    [
      'a duplicated variant',
      [{ ...validRequest, variants: ['baseline', 'baseline'] }],
      /"baseline" given twice/,
    ],
    ['a fractional seed', [{ ...validRequest, seed: 1.5 }], /seed must be a safe integer/],
    ['a string seed', [{ ...validRequest, seed: '1' }], /seed must be a safe integer/],
    ['limits not an object', [{ ...validRequest, limits: 5 }], /limits must be an object/],
    ['a negative time limit', [{ ...validRequest, limits: { timeMs: -1 } }], /limits.timeMs/],
    [
      'a time limit above the ceiling',
      [{ ...validRequest, limits: { timeMs: 3_600_000 } }],
      /limits.timeMs must be an integer in 1..600000/,
    ],
    [
      'a memory limit above the ceiling',
      [{ ...validRequest, limits: { memoryBytes: 8 * 2 ** 30 } }],
      /limits.memoryBytes/,
    ],
    [
      'an unknown limit',
      [{ ...validRequest, limits: { cpus: 4 } }],
      /unknown field\(s\) in limits: cpus/,
    ],
    [
      'an unknown field',
      [{ ...validRequest, workerUrl: 'file:///evil.js' }],
      /unknown field\(s\) in request: workerUrl/,
    ],
    [
      'measured costs without a source',
      [{ ...validRequest, measuredCosts: { cpu: { faultEntryNs: 1 } } }],
      /measuredCosts.source must be a string/,
    ],
    [
      'a measured cost that is not a number',
      [
        {
          ...validRequest,
          measuredCosts: { source: 'x', devices: { nvme: { readLatencyNs: '1' } } },
        },
      ],
      /measuredCosts.devices.nvme.readLatencyNs must be a number/,
    ],
  ]

  for (const [name, args, message] of cases) {
    it(`${name}`, async () => {
      await expect(ipcMain.invoke('scenario:run', fromApp(), ...args)).rejects.toThrow(message)
      expect(service.run).not.toHaveBeenCalled()
    })
  }

  it('every message names the channel', async () => {
    await expect(ipcMain.invoke('scenario:run', fromApp(), {})).rejects.toThrow(
      /^scenario:run: invalid request: /,
    )
  })

  it('scenario:cancel takes no arguments', async () => {
    await expect(ipcMain.invoke('scenario:cancel', fromApp(), 'now')).rejects.toThrow(
      /scenario:cancel: invalid request: expected no arguments, got 1/,
    )
    expect(service.cancel).not.toHaveBeenCalled()
  })

  it('accepts a full valid request and passes only known fields on', async () => {
    const full: RunRequest = {
      source: 'x',
      fileName: 'dir/one-thp.ts',
      variants: ['baseline', 'pmd-swap+lazy-deposit'],
      seed: 42,
      limits: { timeMs: 5000, memoryBytes: 64 * 2 ** 20 },
      measuredCosts: { source: 'costs.json (kernel 6.18, 2026-12-04)', cpu: { faultEntryNs: 900 } },
    }
    await ipcMain.invoke('scenario:run', fromApp(), full)
    expect(service.run.mock.calls[0]![0]).toStrictEqual(full)
  })
})

describe('wired through startApp with the process runner mocked', () => {
  it('a call from the app window reaches the scenario process and its answer comes back', async () => {
    resetElectronMock()
    vi.stubEnv('ELECTRON_RENDERER_URL', '')
    const cancel = vi.fn()
    const runInProcess = vi.fn<RunInProcess>((_request, options) => {
      options.onProgress?.(progress)
      return { result: Promise.resolve(okOutcome), cancel }
    })
    await startApp({ mainDir: '/opt/hugeswap/out/main', runInProcess })
    const appWindow = FakeBrowserWindow.instances[0]!

    const answer = await ipcMain.invoke(
      'scenario:run',
      { sender: appWindow.webContents },
      validRequest,
    )
    expect(answer).toEqual(okOutcome)
    expect(runInProcess).toHaveBeenCalledWith(
      validRequest,
      expect.objectContaining({ onProgress: expect.any(Function) }),
    )
    expect(appWindow.webContents.send).toHaveBeenCalledWith('scenario:progress', progress)

    const stranger = new FakeWebContents(appWindow.webContents.getURL())
    await expect(
      ipcMain.invoke('scenario:run', { sender: stranger }, validRequest),
    ).rejects.toThrow(/untrusted sender/)
    expect(runInProcess).toHaveBeenCalledOnce()
    vi.unstubAllEnvs()
  })

  it("a run gets the user's cost profile from the path it was started with", async () => {
    resetElectronMock()
    vi.stubEnv('ELECTRON_RENDERER_URL', '')
    const dir = mkdtempSync(join(tmpdir(), 'hs-costs-'))
    const path = join(dir, 'costs.json')
    writeFileSync(
      path,
      JSON.stringify({
        kind: 'hugeswap-costs',
        measured: { kernel: '6.18', date: '2026-12-04' },
        costs: { cpu: { faultEntryNs: 900 } },
      }),
    )
    const runInProcess = vi.fn<RunInProcess>(() => ({
      result: Promise.resolve(okOutcome),
      cancel: vi.fn(),
    }))
    await startApp({
      mainDir: '/o/out/main',
      runInProcess,
      costProfilePath: path,
    })
    const appWindow = FakeBrowserWindow.instances[0]!
    await ipcMain.invoke('scenario:run', { sender: appWindow.webContents }, validRequest)
    expect(runInProcess.mock.calls[0]![0].measuredCosts).toEqual({
      source: `${path} (kernel 6.18, 2026-12-04)`,
      cpu: { faultEntryNs: 900 },
    })
    rmSync(dir, { recursive: true })
    vi.unstubAllEnvs()
  })

  it('closing the window cancels the run in flight', async () => {
    resetElectronMock()
    vi.stubEnv('ELECTRON_RENDERER_URL', '')
    const cancel = vi.fn()
    const runInProcess = vi.fn<RunInProcess>(() => ({ result: new Promise(() => {}), cancel }))
    await startApp({
      mainDir: '/o/out/main',
      runInProcess,
    })
    const appWindow = FakeBrowserWindow.instances[0]!
    const pending = ipcMain.invoke('scenario:run', { sender: appWindow.webContents }, validRequest)
    await vi.waitFor(() => expect(runInProcess).toHaveBeenCalled())
    appWindow.emit('closed')
    expect(cancel).toHaveBeenCalledOnce()
    await expect(pending).resolves.toMatchObject({ ok: false, error: { kind: 'internal' } })
    vi.unstubAllEnvs()
  })
})
