/**
 * Where the renderer is loaded from, and the one question every guard asks about a URL: "is this
 * our app?". Dev loads electron-vite's dev server; a build loads out/renderer/index.html from disk.
 * Free of Electron imports so the IPC sender check and the navigation guard are unit-testable.
 */
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export type RendererLocation =
  { kind: 'dev-server'; url: string; origin: string } | { kind: 'file'; path: string }

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
  return { kind: 'file', path: join(options.mainDir, '../renderer/index.html') }
}

/**
 * True for the renderer page itself: the dev server's origin, or exactly our index.html on disk
 * (any query or hash). Other file:// URLs are not "us": a file URL's origin is opaque, so matching
 * on the scheme alone would trust every local HTML file.
 */
export function isAppUrl(location: RendererLocation, url: string): boolean {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return false
  }
  if (location.kind === 'dev-server') return parsed.origin === location.origin
  if (parsed.protocol !== 'file:') return false
  try {
    // fileURLToPath reads only the (decoded) pathname, so query, hash and percent-encoding
    // differences between Chromium's file URLs and Node's do not matter; a file URL with a host
    // (a network share) throws and is refused.
    return fileURLToPath(parsed) === location.path
  } catch {
    return false
  }
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
