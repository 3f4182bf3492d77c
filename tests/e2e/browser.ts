import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type BrowserContext } from 'playwright-core'

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

export interface Browser {
  context: BrowserContext
  close(): Promise<void>
}

/** Headless Debian Chromium with a fresh profile directory. */
export async function launchChromium(): Promise<Browser> {
  const userDataDir = await mkdtemp(join(tmpdir(), 'hugeswap-e2e-'))
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1600, height: 1000 },
  })
  return {
    context,
    async close() {
      await context.close()
      await rm(userDataDir, { recursive: true, force: true })
    },
  }
}
