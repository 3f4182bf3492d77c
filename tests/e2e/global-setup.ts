import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'

export const WEB_ROOT = resolve(import.meta.dirname, '../../out/web')

/** Builds the web app once when out/web is missing (`npm run build:web` does the same). */
export default function setup(): void {
  if (existsSync(resolve(WEB_ROOT, 'index.html'))) return
  const root = resolve(import.meta.dirname, '../..')
  execFileSync(
    process.execPath,
    [resolve(root, 'node_modules/vite/bin/vite.js'), 'build', '-c', 'vite.web.config.ts'],
    {
      cwd: root,
      stdio: 'inherit',
    },
  )
}
