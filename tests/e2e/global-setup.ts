import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { CHROMIUM, launchChromium } from './browser'

export const WEB_ROOT = resolve(import.meta.dirname, '../../out/web')

/**
 * Once per e2e run: names the Chromium build under test (so a failure says which one), and builds
 * the web app when out/web is missing (`npm run build:web` does the same).
 */
export default async function setup(): Promise<void> {
  const browser = await launchChromium()
  try {
    console.log(`e2e: Chromium ${browser.version()} (${CHROMIUM})`)
  } finally {
    await browser.close()
  }
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
