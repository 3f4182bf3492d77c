import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join, normalize, sep } from 'node:path'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.ttf': 'font/ttf',
  '.woff2': 'font/woff2',
  '.png': 'image/png',
}

export interface StaticServer {
  /** Base URL including the sub-path, ending in `/`. */
  url: string
  close(): Promise<void>
}

/**
 * A tiny static file server on 127.0.0.1 (random port) serving `dir` under `subPath`, like any
 * plain web server would: no SPA fallback, no special headers.
 */
export async function serveStatic(dir: string, subPath = '/'): Promise<StaticServer> {
  const server: Server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)
    if (!path.startsWith(subPath)) return void res.writeHead(404).end()
    let file = normalize(join(dir, path.slice(subPath.length)))
    if (file !== dir && !file.startsWith(dir + sep)) return void res.writeHead(403).end()
    try {
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html')
      const size = (await stat(file)).size
      res.writeHead(200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'content-length': size,
      })
      createReadStream(file).pipe(res)
    } catch {
      res.writeHead(404).end()
    }
  })
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}${subPath}`,
    close: () => new Promise((done) => server.close(() => done())),
  }
}
