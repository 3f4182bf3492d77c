/**
 * The workbench window. One window; the renderer is untrusted content that reaches main only
 * through the preload's verbs.
 */
import { BrowserWindow, dialog, type WebPreferences } from 'electron'
import type { RendererLocation } from './renderer-location'

/** Exactly these, nothing more: every other preference stays at Electron's (safe) default. */
export function mainWindowWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    webSecurity: true,
  }
}

export function createMainWindow(options: {
  preloadPath: string
  location: RendererLocation
}): BrowserWindow {
  const window = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 900,
    minHeight: 600,
    title: 'Hugeswap',
    // Shown once the first frame is painted, so the user never sees an empty white window.
    show: false,
    webPreferences: mainWindowWebPreferences(options.preloadPath),
  })
  window.once('ready-to-show', () => window.show())
  window.webContents.on('will-prevent-unload', (event) => {
    // preventDefault() here means "ignore the page's veto": the window closes or reloads anyway.
    if (confirmLeave(window)) event.preventDefault()
  })

  // The dev server, or the built renderer over app:// (app-protocol.ts).
  void window.loadURL(options.location.url)
  return window
}

export const LEAVE_BUTTON = 0
export const STAY_BUTTON = 1

/**
 * The page vetoed its unload (the scenario editor does so while its buffer has unsaved changes,
 * see ScenarioEditor.vue's onBeforeUnload). Chromium shows no prompt of its own in Electron, so
 * without this the window would silently refuse to close. Asks the user; true means leave.
 */
export function confirmLeave(window: BrowserWindow): boolean {
  const choice = dialog.showMessageBoxSync(window, {
    type: 'question',
    buttons: ['Leave', 'Stay'],
    defaultId: STAY_BUTTON,
    cancelId: STAY_BUTTON,
    title: 'Unsaved changes',
    message: 'The scenario has unsaved changes.',
    detail: 'Leave without saving them, or stay to save them first.',
  })
  return choice === LEAVE_BUTTON
}
