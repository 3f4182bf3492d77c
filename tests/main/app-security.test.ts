/**
 * The window and the process-wide guards, driven through startApp() with a mocked `electron`:
 * webPreferences, CSP, permissions, navigation, window.open and <webview>.
 */
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

vi.mock('electron', async () => (await import('./fixtures/electron-mock')).electronModule)

import { startApp } from '../../src/main/app'
import { contentSecurityPolicy } from '../../src/main/security'
import { LEAVE_BUTTON, STAY_BUTTON } from '../../src/main/windows'
import {
  app,
  dialog,
  FakeBrowserWindow,
  FakeWebContents,
  protocol,
  resetElectronMock,
  session,
} from './fixtures/electron-mock'

const mainDir = '/opt/hugeswap/out/main'
const rendererFile = '/opt/hugeswap/out/renderer/index.html'

function start() {
  return startApp({
    mainDir,
    runInProcess: vi.fn(),
  })
}

function onlyWindow(): FakeBrowserWindow {
  expect(FakeBrowserWindow.instances).toHaveLength(1)
  return FakeBrowserWindow.instances[0]!
}

/** Parses a CSP header into directive -> sources. */
function parseCsp(header: string): Map<string, string[]> {
  const directives = new Map<string, string[]>()
  for (const part of header.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/)
    if (name) directives.set(name, sources)
  }
  return directives
}

function navigationEvent(url: string) {
  return { url, preventDefault: vi.fn() }
}

beforeEach(() => {
  resetElectronMock()
  vi.stubEnv('ELECTRON_RENDERER_URL', '')
})
afterEach(() => vi.unstubAllEnvs())

describe('main window', () => {
  it('is created with exactly the hardened webPreferences and the CJS preload', async () => {
    await start()
    expect(onlyWindow().options['webPreferences']).toStrictEqual({
      preload: join(mainDir, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    })
    expect(app.enableSandbox).toHaveBeenCalledOnce()
  })

  it('loads the built renderer over app:// when no dev server is given, never from file://', async () => {
    await start()
    const window = onlyWindow()
    expect(window.loadURL).toHaveBeenCalledWith('app://hugeswap/index.html')
    expect(window.loadFile).not.toHaveBeenCalled()
    expect(protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([
      {
        scheme: 'app',
        privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
      },
    ])
    expect(protocol.handle).toHaveBeenCalledWith('app', expect.any(Function))
  })

  it('serves out/renderer over app:// with the policy on every response, and nothing else', async () => {
    await start()
    const serve = protocol.handlers.get('app')!
    // A path outside the renderer's directory, however it is spelt, is not found.
    for (const url of [
      'app://hugeswap/..%2fmain%2findex.js',
      'app://hugeswap/%2e%2e%2f%2e%2e%2fpackage.json',
      'app://other/index.html',
    ]) {
      expect((await serve({ url })).status, url).toBe(404)
    }
  })

  it('loads the dev server URL in development', async () => {
    vi.stubEnv('ELECTRON_RENDERER_URL', 'http://localhost:5173')
    await start()
    expect(onlyWindow().loadURL).toHaveBeenCalledWith('http://localhost:5173')
  })

  it('ignores ELECTRON_RENDERER_URL in a packaged app', async () => {
    vi.stubEnv('ELECTRON_RENDERER_URL', 'https://evil.example')
    app.isPackaged = true
    await start()
    const window = onlyWindow()
    expect(window.loadURL).toHaveBeenCalledWith('app://hugeswap/index.html')
  })

  it('shows the window only once it is ready', async () => {
    await start()
    const window = onlyWindow()
    expect(window.options['show']).toBe(false)
    window.emit('ready-to-show')
    expect(window.show).toHaveBeenCalledOnce()
  })
})

describe('single instance', () => {
  it('a second launch quits at once, before any window or handler', async () => {
    app.gotLock = false
    await start()
    expect(app.quit).toHaveBeenCalledOnce()
    expect(app.enableSandbox).not.toHaveBeenCalled()
    expect(FakeBrowserWindow.instances).toHaveLength(0)
  })

  it('the first instance shows its window again when a second one is launched', async () => {
    await start()
    const window = onlyWindow()
    window.minimized = true
    app.emit('second-instance')
    expect(window.restore).toHaveBeenCalledOnce()
    expect(window.focus).toHaveBeenCalledOnce()
    expect(FakeBrowserWindow.instances).toHaveLength(1)
  })
})

describe('Content-Security-Policy', () => {
  beforeEach(() => start())

  function headersFor(responseHeaders?: Record<string, string | string[]>) {
    const listener = session.defaultSession.webRequest.headersListener
    expect(listener).not.toBeNull()
    let result: Record<string, string[]> | undefined
    listener!({ url: 'file:///x/index.html', responseHeaders }, (response) => {
      result = response.responseHeaders
    })
    return result!
  }

  it('is set on every response', async () => {
    const headers = headersFor({ 'Content-Type': 'text/html' })
    expect(headers['Content-Type']).toEqual(['text/html'])
    expect(headers['Content-Security-Policy']).toHaveLength(1)
    expect(headersFor(undefined)['Content-Security-Policy']).toHaveLength(1)
  })

  it('replaces any policy the response carried (whatever the header case)', async () => {
    const headers = headersFor({
      'content-security-policy': ["default-src * 'unsafe-eval'"],
      'Content-Security-Policy-Report-Only': 'default-src *',
    })
    const names = Object.keys(headers).map((name) => name.toLowerCase())
    expect(names.filter((name) => name.startsWith('content-security-policy'))).toEqual([
      'content-security-policy',
    ])
    expect(headers['Content-Security-Policy']![0]).not.toMatch(/'unsafe-eval'|\*/)
  })

  it('is strict', async () => {
    const csp = headersFor({})['Content-Security-Policy']![0]!
    const directives = parseCsp(csp)
    expect(directives.get('default-src')).toEqual(["'self'"])
    expect(directives.get('script-src')).toEqual(["'self'", "'wasm-unsafe-eval'"])
    expect(directives.get('worker-src')).toEqual(["'self'", 'blob:'])
    expect(directives.get('style-src')).toEqual(["'self'", "'unsafe-inline'"])
    expect(directives.get('img-src')).toEqual(["'self'", 'data:', 'blob:'])
    expect(directives.get('font-src')).toEqual(["'self'", 'data:'])
    expect(directives.get('connect-src')).toEqual(["'self'"])
    expect(directives.get('object-src')).toEqual(["'none'"])
    expect(directives.get('base-uri')).toEqual(["'none'"])
    expect(directives.get('frame-ancestors')).toEqual(["'none'"])
    expect(csp).not.toMatch(/'unsafe-eval'/)
    expect(csp).not.toMatch(/(^|\s)\*(\s|;|$)/)
    expect(csp).not.toMatch(/https?:/)
  })

  it('lets only the dev server WebSocket in, and only in development', () => {
    // (pure function; the session listener installed by beforeEach is not used here)
    const dev = parseCsp(
      contentSecurityPolicy({
        kind: 'dev-server',
        url: 'http://localhost:5173/',
        origin: 'http://localhost:5173',
      }),
    )
    expect(dev.get('connect-src')).toEqual(["'self'", 'ws://localhost:5173'])
    expect(dev.get('script-src')).toEqual(["'self'", "'wasm-unsafe-eval'"])
  })
})

describe('permissions', () => {
  it('denies every permission request and check', async () => {
    await start()
    const { permissionRequestHandler, permissionCheckHandler } = session.defaultSession
    for (const permission of ['media', 'notifications', 'clipboard-read', 'openExternal']) {
      const callback = vi.fn()
      permissionRequestHandler!({}, permission, callback)
      expect(callback).toHaveBeenCalledWith(false)
    }
    expect(permissionCheckHandler!({}, 'clipboard-read', 'file://', {})).toBe(false)
  })
})

describe('navigation, window.open and <webview>', () => {
  it('blocks navigation of the main window away from its page', async () => {
    await start()
    const contents = onlyWindow().webContents
    const current = contents.getURL()
    expect(current).toBe('app://hugeswap/index.html')

    for (const url of [
      'https://evil.example/',
      'file:///etc/passwd',
      `file://${rendererFile}`,
      'app://hugeswap/other.html',
      'http://localhost:5173/',
    ]) {
      const event = navigationEvent(url)
      contents.emit('will-navigate', event, url)
      expect(event.preventDefault, url).toHaveBeenCalled()
    }
    const same = navigationEvent(current)
    contents.emit('will-navigate', same, current)
    expect(same.preventDefault).not.toHaveBeenCalled()
    const anchor = navigationEvent(`${current}#results`)
    contents.emit('will-navigate', anchor, anchor.url)
    expect(anchor.preventDefault).not.toHaveBeenCalled()
  })

  it('denies window.open', async () => {
    await start()
    const handler = onlyWindow().webContents.windowOpenHandler
    expect(handler).not.toBeNull()
    expect(handler!({ url: 'https://evil.example/' })).toEqual({ action: 'deny' })
    expect(handler!({ url: `file://${rendererFile}` })).toEqual({ action: 'deny' })
  })

  it('guards every later webContents too, and refuses to attach a <webview>', async () => {
    await start()
    const other = new FakeWebContents('https://somewhere.example/')
    app.emit('web-contents-created', {}, other)

    const attach = { preventDefault: vi.fn() }
    other.emit('will-attach-webview', attach, {}, {})
    expect(attach.preventDefault).toHaveBeenCalled()
    expect(other.windowOpenHandler!({ url: 'https://x.example/' })).toEqual({ action: 'deny' })
    const away = navigationEvent('https://elsewhere.example/')
    other.emit('will-navigate', away, away.url)
    expect(away.preventDefault).toHaveBeenCalled()
  })
})

describe('a page with unsaved changes vetoes its unload', () => {
  // What Electron emits when the page's beforeunload handler cancels the unload: calling
  // preventDefault() overrides the veto, so the window closes (or reloads) anyway.
  function vetoUnload(window: FakeBrowserWindow) {
    const event = { preventDefault: vi.fn() }
    window.webContents.emit('will-prevent-unload', event)
    return event
  }

  it('asks the user with a native Leave/Stay question on our window', async () => {
    await start()
    const window = onlyWindow()
    vetoUnload(window)
    expect(dialog.showMessageBoxSync).toHaveBeenCalledOnce()
    const [parent, options] = dialog.showMessageBoxSync.mock.calls[0]!
    expect(parent).toBe(window)
    expect(options).toMatchObject({
      type: 'question',
      buttons: ['Leave', 'Stay'],
      // Enter and Escape both keep the work.
      defaultId: STAY_BUTTON,
      cancelId: STAY_BUTTON,
      message: expect.stringMatching(/unsaved changes/),
    })
  })

  it('Leave lets the window close', async () => {
    await start()
    dialog.showMessageBoxSync.mockReturnValue(LEAVE_BUTTON)
    expect(vetoUnload(onlyWindow()).preventDefault).toHaveBeenCalledOnce()
  })

  it('Stay (or closing the question) keeps the window and its page', async () => {
    await start()
    dialog.showMessageBoxSync.mockReturnValue(STAY_BUTTON)
    expect(vetoUnload(onlyWindow()).preventDefault).not.toHaveBeenCalled()
  })

  it('asks nothing while no page vetoes', async () => {
    await start()
    onlyWindow().emit('close', { preventDefault: vi.fn() })
    expect(dialog.showMessageBoxSync).not.toHaveBeenCalled()
  })
})

describe('lifecycle', () => {
  it('quits when the last window closes (except on macOS)', async () => {
    await start()
    app.emit('window-all-closed')
    expect(app.quit).toHaveBeenCalledTimes(process.platform === 'darwin' ? 0 : 1)
  })

  it('reopens a window on activate when none is open', async () => {
    await start()
    onlyWindow().emit('closed')
    app.emit('activate')
    expect(FakeBrowserWindow.instances).toHaveLength(2)
    app.emit('activate')
    expect(FakeBrowserWindow.instances).toHaveLength(2)
  })
})

describe('needs the Electron binary', () => {
  it.skip('SKIPPED (no Electron binary on this machine): opens a real sandboxed window and calls window.hugeswap through the real contextBridge', () => {})
})
