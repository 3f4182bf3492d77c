/**
 * App lifecycle, with its dependencies handed in so tests can drive it with a mocked `electron`
 * (index.ts supplies the real scenario process runner, which only exists in the electron-vite build).
 */
import { app, dialog, protocol, session, type BrowserWindow } from 'electron'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseCostProfile } from '../shared/cost-profile'
import type { MeasuredCosts } from '../shared/worker-protocol'
import { registerIpcHandlers } from './ipc'
import { serveAppRequest } from './app-protocol'
import { APP_SCHEME, isAppUrl, resolveRendererLocation } from './renderer-location'
import { contentSecurityPolicy, hardenApp, hardenSession } from './security'
import { createFileService } from './services/file-service'
import { createHistoryService, HISTORY_FILE_NAME } from './services/history-service'
import {
  createScenarioService,
  type RunInProcess,
  type SpareProcesses,
} from './services/scenario-service'
import { createMainWindow } from './windows'

/**
 * The profile `hugeswap calibrate` wrote, if there is one. A few kB, read at each run so a new
 * calibration needs no restart; one that cannot be used is said on stderr and left out.
 */
function readCostProfile(path: string): MeasuredCosts | undefined {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch {
    return undefined
  }
  const parsed = parseCostProfile(text, path)
  if (parsed.ok) return parsed.costs
  console.error(`hugeswap: ${parsed.message}`)
  return undefined
}

export interface StartOptions {
  /** Directory of the built main bundle (out/main); preload and renderer sit beside it. */
  mainDir: string
  /** Runs a scenario in a utilityProcess of its own (index.ts binds node-host's runInProcess). */
  runInProcess: RunInProcess
  /**
   * The cost profile `hugeswap calibrate` writes (`machine.costs: 'measured'` reads it when the
   * window opened none); index.ts gives the user's, tests give none or their own.
   */
  costProfilePath?: string
  /** A warmed-up scenario process for the next run (index.ts: node-host's createProcessSpare). */
  spare?: SpareProcesses
}

export function startApp(options: StartOptions): Promise<void> {
  // One instance per user: a second launch hands over to the first (which shows its window)
  // and quits, so two apps never write the same history file.
  if (!app.requestSingleInstanceLock()) {
    app.quit()
    return Promise.resolve()
  }
  // Every renderer sandboxed, whatever its webPreferences say. Must run before `ready`.
  app.enableSandbox()
  hardenApp(app)

  const location = resolveRendererLocation({
    isPackaged: app.isPackaged,
    devServerUrl: process.env['ELECTRON_RENDERER_URL'],
    mainDir: options.mainDir,
  })
  if (location.kind === 'app') {
    // Before `ready`: app:// is a standard, secure scheme (an origin of its own, fetch, module
    // workers and the code cache, as an https page has), served by serveAppRequest().
    protocol.registerSchemesAsPrivileged([
      {
        scheme: APP_SCHEME,
        privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
      },
    ])
  }
  const preloadPath = join(options.mainDir, '../preload/index.cjs')
  const scenarios = createScenarioService({
    runInProcess: options.runInProcess,
    measuredCosts: () =>
      options.costProfilePath === undefined ? undefined : readCostProfile(options.costProfilePath),
    spare: options.spare,
  })

  let mainWindow: BrowserWindow | null = null
  const openMainWindow = () => {
    const window = createMainWindow({ preloadPath, location })
    window.on('closed', () => {
      // Nobody is left to see the result; stop the process.
      scenarios.cancel()
      if (mainWindow === window) mainWindow = null
    })
    mainWindow = window
  }

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })

  return app.whenReady().then(() => {
    hardenSession(session.defaultSession, location)
    if (location.kind === 'app') {
      const csp = contentSecurityPolicy(location)
      protocol.handle(APP_SCHEME, (request) => serveAppRequest(location, request.url, csp))
    }
    registerIpcHandlers({
      getMainWindow: () => mainWindow,
      isAppUrl: (url) => isAppUrl(location, url),
      scenarios,
      files: createFileService({
        showOpenDialog: (o) =>
          mainWindow ? dialog.showOpenDialog(mainWindow, o) : dialog.showOpenDialog(o),
        showSaveDialog: (o) =>
          mainWindow ? dialog.showSaveDialog(mainWindow, o) : dialog.showSaveDialog(o),
      }),
      // The per-user app data folder (~/.config/hugeswap on Linux); it survives a restart.
      history: createHistoryService({ path: join(app.getPath('userData'), HISTORY_FILE_NAME) }),
    })
    openMainWindow()
    app.on('second-instance', () => {
      const window = mainWindow
      if (window === null) {
        openMainWindow()
        return
      }
      if (window.isMinimized()) window.restore()
      window.focus()
    })
    // macOS: clicking the dock icon with no window open reopens one.
    app.on('activate', () => {
      if (mainWindow === null) openMainWindow()
    })
  })
}
