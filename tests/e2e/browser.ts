import { chromium, type Browser as PlaywrightBrowser, type BrowserContext } from 'playwright-core'

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

/** The flags the e2e runs use (the closed network here refuses Chromium's background calls). */
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

export const VIEWPORT = { width: 1600, height: 1000 }

export interface Browser {
  /**
   * A new browser context: its own empty profile (localStorage, cookies, caches), so no test sees
   * what another left behind (an autosave, a history, a divider position). A reload keeps it;
   * closing the browser closes every context.
   */
  newContext(): Promise<BrowserContext>
  version(): string
  close(): Promise<void>
}

/** Headless Debian Chromium (one process per e2e file; a fresh context per page). */
export async function launchChromium(): Promise<Browser> {
  let browser: PlaywrightBrowser
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS })
  } catch (e) {
    throw new Error(
      `could not start Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH): ${
        e instanceof Error ? e.message : String(e)
      }`,
      { cause: e },
    )
  }
  return {
    newContext: () => browser.newContext({ viewport: VIEWPORT }),
    version: () => browser.version(),
    close: () => browser.close(),
  }
}
