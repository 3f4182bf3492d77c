/**
 * What every e2e file shares: the built web workbench (out/web) served from a sub-path by a plain
 * static server, one headless Chromium per file, and the few page moves the tests repeat.
 */
import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { afterAll, beforeAll, expect } from 'vitest'
import type { Page } from 'playwright-core'
import { launchChromium, type Browser } from './browser'
import { WEB_ROOT } from './global-setup'
import { serveStatic, type StaticServer } from './static-server'

export const RUN_TIMEOUT = 90_000

export interface Workbench {
  /** A new tab on the workbench, with the editor drawn. `dialogs: 'accept'` answers them all. */
  open(options?: { dialogs?: 'accept' }): Promise<Page>
  /** Uncaught errors of every page opened here; each file ends by expecting none. */
  readonly pageErrors: string[]
  browser(): Browser
}

/** Registers the file's beforeAll/afterAll: one server and one browser for all its tests. */
export function useWorkbench(): Workbench {
  let server: StaticServer | undefined
  let browser: Browser | undefined
  const pageErrors: string[] = []

  beforeAll(async () => {
    server = await serveStatic(WEB_ROOT, '/hugeswap/')
    browser = await launchChromium()
  })
  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  return {
    pageErrors,
    browser: () => browser!,
    async open(options = {}) {
      const page = await browser!.context.newPage()
      page.on('pageerror', (e) => pageErrors.push(e.message))
      if (options.dialogs === 'accept') page.on('dialog', (d) => void d.accept())
      await page.goto(server!.url)
      await page.locator('[data-testid="editor"] .view-lines').waitFor()
      return page
    },
  }
}

/** The editor's text (Monaco renders spaces as U+00A0). */
export async function editorText(page: Page): Promise<string> {
  const text = await page.locator('[data-testid="editor"] .view-lines').innerText()
  return text.replace(/\u00a0/g, ' ')
}

/** A scenario that keeps the engine busy (and its progress moving) until it is cancelled. */
export const BUSY = `import { defineScenario } from 'hugeswap'
export default defineScenario({
  title: 'Busy: one THP paged out and faulted back until cancelled',
  machine: { memory: '1G', swap: [{ type: 'nvme', size: '4G' }] },
  run(k) {
    const t = k.spawn('busy')
    const r = t.mmap('2M', { advice: 'hugepage' })
    for (let i = 0; i < 1e9; i++) {
      t.write(r)
      t.madvise(r, 'pageout')
    }
  },
})
`

/** Replaces the whole buffer (insertText, so Monaco's auto-closing never doubles a bracket). */
export async function replaceBuffer(page: Page, text: string): Promise<void> {
  await page.locator('[data-testid="editor"] .view-lines').click()
  await page.keyboard.press('Control+a')
  await page.keyboard.insertText(text)
}

/** Types `text` on a new last line of the buffer. */
export async function typeAtEnd(page: Page, text: string): Promise<void> {
  await page.locator('[data-testid="editor"] .view-lines').click()
  await page.keyboard.press('Control+End')
  await page.keyboard.type(text)
  await expect.poll(() => editorText(page)).toContain(text.split('\n')[0])
}

/** Deletes the buffer's last line (what typeAtEnd added, when it typed one line). */
export async function deleteLastLine(page: Page): Promise<void> {
  await page.locator('[data-testid="editor"] .view-lines').click()
  await page.keyboard.press('Control+End')
  await page.keyboard.press('Shift+Home')
  await page.keyboard.press('Backspace')
}

/** Waits until a run has finished and its results and first charts are drawn. */
export async function waitForResults(page: Page): Promise<void> {
  await page.locator('[data-testid="results"]:not(.stale)').waitFor({ timeout: RUN_TIMEOUT })
  await page.locator('[data-testid="run"]:not([disabled])').waitFor({ timeout: RUN_TIMEOUT })
  for (const id of ['chart-page-tables', 'chart-fault-latency']) {
    await page
      .locator(`[data-testid="${id}"] :is(svg, canvas)`)
      .first()
      .waitFor({ state: 'attached' })
  }
}

/** Clicks Run and waits for the results; logs the wall time for the CI log. */
export async function runAndWait(page: Page, what = 'scenario'): Promise<void> {
  const started = Date.now()
  await page.locator('[data-testid="run"]:not([disabled])').click()
  await waitForResults(page)
  console.log(`e2e: ${what} ran in ${Date.now() - started} ms`)
}

/** axe-core, injected by the test driver (the app's CSP rightly refuses inline scripts). */
export async function injectAxe(page: Page): Promise<void> {
  const source = await readFile(
    resolve(import.meta.dirname, '../../node_modules/axe-core/axe.min.js'),
    'utf8',
  )
  await page.evaluate(source)
}
