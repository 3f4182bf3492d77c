/**
 * The workbench window. One window; the renderer is untrusted content that reaches main only
 * through the preload's verbs.
 */
import { BrowserWindow, type WebPreferences } from 'electron'
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

  const { location } = options
  if (location.kind === 'dev-server') void window.loadURL(location.url)
  else void window.loadFile(location.path)
  return window
}
