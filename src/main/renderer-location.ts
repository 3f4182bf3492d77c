/**
 * Where the renderer is loaded from, and the one question every guard asks about a URL: "is this
 * our app?". Dev loads electron-vite's dev server; a build loads out/renderer/ through the app's
 * own `app://hugeswap/` protocol (app-protocol.ts), never from file://: a file URL's origin is
 * opaque, and a page there could read other local files with the file protocol's privileges.
 * Free of Electron imports so the IPC sender check and the navigation guard are unit-testable.
 */
import { join, resolve, sep } from 'node:path'

/** The scheme and origin the built renderer is served from (a standard, secure scheme). */
export const APP_SCHEME = 'app'
export const APP_ORIGIN = `${APP_SCHEME}://hugeswap`

export type RendererLocation =
  | { kind: 'dev-server'; url: string; origin: string }
  | { kind: 'app'; url: string; origin: string; dir: string }

/**
 * `ELECTRON_RENDERER_URL` is set by `electron-vite dev`. A packaged app ignores it: an environment
 * variable must not be able to point the privileged window (preload + IPC) at another site.
 */
export function resolveRendererLocation(options: {
  isPackaged: boolean
  devServerUrl: string | undefined
  mainDir: string
}): RendererLocation {
  if (!options.isPackaged && options.devServerUrl) {
    const origin = new URL(options.devServerUrl).origin
    return { kind: 'dev-server', url: options.devServerUrl, origin }
  }
  const dir = resolve(join(options.mainDir, '../renderer'))
  return { kind: 'app', url: `${APP_ORIGIN}/index.html`, origin: APP_ORIGIN, dir }
}

/**
 * True for the renderer page itself: the dev server's origin, or exactly our index.html on the
 * app's origin (any query or hash). Another page on the app's origin is not "us".
 */
export function isAppUrl(location: RendererLocation, url: string): boolean {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return false
  }
  if (location.kind === 'dev-server') return parsed.origin === location.origin
  return onAppOrigin(parsed) && parsed.pathname === '/index.html'
}

/**
 * Whether `url` is on app://hugeswap. Compared by scheme and host: Node's URL parser (main's)
 * gives every scheme it does not know an opaque origin ("null"), whatever Chromium registered.
 */
function onAppOrigin(url: URL): boolean {
  return url.protocol === `${APP_SCHEME}:` && url.host === new URL(APP_ORIGIN).host
}

/**
 * The file an `app://hugeswap/...` request names inside the renderer's directory, or null: another
 * origin, a path that decodes to something odd, or one that leaves the directory.
 */
export function appFilePath(location: RendererLocation, url: string): string | null {
  if (location.kind !== 'app') return null
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return null
  }
  if (!onAppOrigin(parsed)) return null
  let path: string
  try {
    path = decodeURIComponent(parsed.pathname)
  } catch {
    return null
  }
  if (path.includes('\0') || path.includes('\\')) return null
  const file = resolve(location.dir, `.${path}`)
  return file.startsWith(location.dir + sep) ? file : null
}

/** Same document, ignoring the fragment (an in-page anchor is not a navigation away). */
export function isSameDocument(currentUrl: string, targetUrl: string): boolean {
  try {
    const a = new URL(currentUrl)
    const b = new URL(targetUrl)
    a.hash = ''
    b.hash = ''
    return a.href === b.href
  } catch {
    return false
  }
}
