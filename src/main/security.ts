/**
 * Process-wide hardening: the Content-Security-Policy on every response, permissions denied, and
 * navigation / window.open / <webview> blocked for every webContents the app ever creates.
 * Electron's security checklist, items 4-7 and 11-14.
 */
import type { App, Session, WebContents } from 'electron'
import { isSameDocument, type RendererLocation } from './renderer-location'

type CspDirectives = Record<string, readonly string[]>

/**
 * The production policy. Notes on the non-obvious sources:
 * - script-src 'wasm-unsafe-eval': lets the page and its workers compile WebAssembly (the QuickJS
 *   engine the browser build runs in a Web Worker, should the renderer use it) without allowing
 *   eval()/new Function. 'unsafe-eval' stays out.
 * - worker-src blob:: Monaco and Vite may start workers from blob: URLs.
 * - style-src 'unsafe-inline': Monaco sets inline styles and injects <style> elements; styles
 *   cannot run script, so this is the accepted trade-off.
 * - img-src / font-src data:: Monaco's codicon font and small inline images.
 */
const BASE_DIRECTIVES = {
  'default-src': ["'self'"],
  'script-src': ["'self'", "'wasm-unsafe-eval'"],
  'worker-src': ["'self'", 'blob:'],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:', 'blob:'],
  'font-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
  'frame-ancestors': ["'none'"],
} as const satisfies CspDirectives

export function contentSecurityPolicy(location: RendererLocation): string {
  const directives: CspDirectives = { ...BASE_DIRECTIVES }
  if (location.kind === 'dev-server') {
    // Vite's HMR client talks to the dev server over a WebSocket; 'self' matching ws: is a
    // CSP3 rule not every Chromium version applied, so name it. Dev only.
    const ws = new URL(location.origin)
    ws.protocol = ws.protocol === 'https:' ? 'wss:' : 'ws:'
    directives['connect-src'] = [...BASE_DIRECTIVES['connect-src'], ws.origin]
  }
  return Object.entries(directives)
    .map(([name, sources]) => `${name} ${sources.join(' ')}`)
    .join('; ')
}

/** Response headers with any CSP the server sent replaced by ours (header names are case-blind). */
export function withCspHeader(
  headers: Record<string, string | string[]> | undefined,
  csp: string,
): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (const [name, value] of Object.entries(headers ?? {})) {
    const lower = name.toLowerCase()
    if (lower === 'content-security-policy' || lower === 'content-security-policy-report-only') {
      continue
    }
    out[name] = Array.isArray(value) ? value : [value]
  }
  out['Content-Security-Policy'] = [csp]
  return out
}

/** Session-level guards; call once the app is ready. */
export function hardenSession(session: Session, location: RendererLocation): void {
  const csp = contentSecurityPolicy(location)
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: withCspHeader(details.responseHeaders, csp) })
  })
  // The workbench needs no camera, notifications, clipboard-read, HID, ... Copy and paste via the
  // keyboard are native editing commands and need no permission.
  session.setPermissionRequestHandler((_webContents, _permission, callback) => callback(false))
  session.setPermissionCheckHandler(() => false)
}

/** Guards for one webContents: our window, and anything else that might appear. */
export function hardenWebContents(contents: WebContents): void {
  // Renderer-initiated navigations only (links, location.href, form posts): our own loadURL /
  // loadFile do not pass through here. In-page routing uses the History API, which does not either.
  contents.on('will-navigate', (event) => {
    if (!isSameDocument(contents.getURL(), event.url)) event.preventDefault()
  })
  contents.setWindowOpenHandler(() => ({ action: 'deny' }))
  contents.on('will-attach-webview', (event) => event.preventDefault())
}

/** App-level guard; call before any window exists so no webContents escapes it. */
export function hardenApp(app: App): void {
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents))
}
