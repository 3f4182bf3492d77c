/**
 * The `app://hugeswap/` protocol that serves the built renderer (out/renderer/) to the window:
 * a standard, secure scheme with an origin of its own, so the page is not a file:// page (whose
 * origin is opaque and whose privileges reach every local file). Each response carries the
 * Content-Security-Policy and a Content-Type named from the file's extension (module scripts and
 * workers need the right one); a path outside the renderer's directory is a 404.
 */
import { readFile } from 'node:fs/promises'
import { extname } from 'node:path'
import { appFilePath, type RendererLocation } from './renderer-location'

/** What the renderer's build contains, by extension. */
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.ttf': 'font/ttf',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.d.ts': 'text/plain; charset=utf-8',
}

function notFound(): Response {
  return new Response('not found', { status: 404, headers: { 'Content-Type': 'text/plain' } })
}

/** The response to one app:// request (the protocol handler, free of Electron for tests). */
export async function serveAppRequest(
  location: RendererLocation,
  url: string,
  csp: string,
): Promise<Response> {
  const file = appFilePath(location, url)
  if (file === null) return notFound()
  let body: Buffer
  try {
    body = await readFile(file)
  } catch {
    return notFound()
  }
  return new Response(new Uint8Array(body), {
    status: 200,
    headers: {
      'Content-Type': CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
      'Content-Security-Policy': csp,
      'X-Content-Type-Options': 'nosniff',
    },
  })
}
