/**
 * What every e2e file shares: the built web workbench (out/web) served from a sub-path by a plain
 * static server, one headless Chromium per file with a fresh context (empty storage) per page, and
 * the few page moves the tests repeat. Every move waits for the condition it needs (the focus in
 * the editor, a run started, results drawn), never for time; eslint bans waitForTimeout here.
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
  /**
   * A new tab on the workbench in a context of its own (nothing stored by an earlier test), with
   * the editor drawn. `dialogs: 'accept'` answers them all.
   */
  open(options?: { dialogs?: 'accept' }): Promise<Page>
  /** Uncaught errors of every page opened here; each file ends by expecting none. */
  readonly pageErrors: string[]
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
    async open(options = {}) {
      const context = await browser!.newContext()
      const page = await context.newPage()
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

/** Where the keyboard focus is: in Monaco's text input (its EditContext or textarea)? */
export function focusInEditor(page: Page): Promise<boolean> {
  return page.evaluate(
    '!!document.activeElement?.closest("[data-testid=editor] .monaco-editor")',
  ) as Promise<boolean>
}

/**
 * Clicks into the editor and waits until it has the keyboard focus, so no key goes elsewhere.
 * The click goes to the editor's viewport (`.overflow-guard`), not to `.view-lines`: that layer
 * moves with Monaco's scrolling, and once a long line scrolls it sideways (a narrow editor pane,
 * the caret at a line's end) its centre can lie outside the window, where a click focuses
 * nothing.
 */
export async function focusEditor(page: Page): Promise<void> {
  await page.locator('[data-testid="editor"] .monaco-editor .overflow-guard').click()
  await expect.poll(() => focusInEditor(page)).toBe(true)
}

/** Replaces the whole buffer (insertText, so Monaco's auto-closing never doubles a bracket). */
export async function replaceBuffer(page: Page, text: string): Promise<void> {
  const before = await editorText(page)
  await focusEditor(page)
  await page.keyboard.press('Control+a')
  await page.keyboard.insertText(text)
  // The new line nearest the caret (Monaco draws only the lines in view).
  const fresh = text
    .split('\n')
    .reverse()
    .find((line) => line.trim() !== '' && !before.includes(line))
  if (fresh) await expect.poll(() => editorText(page)).toContain(fresh)
}

/** Types `text` on a new last line of the buffer. */
export async function typeAtEnd(page: Page, text: string): Promise<void> {
  await focusEditor(page)
  await page.keyboard.press('Control+End')
  await page.keyboard.type(text)
  await expect.poll(() => editorText(page)).toContain(text.split('\n')[0])
}

/** Deletes the buffer's last line (what typeAtEnd added, when it typed one line). */
export async function deleteLastLine(page: Page): Promise<void> {
  await focusEditor(page)
  await page.keyboard.press('Control+End')
  await page.keyboard.press('Shift+Home')
  await page.keyboard.press('Backspace')
}

/** Resolves once the page has no run going (Run is enabled again). */
export async function waitForIdle(page: Page): Promise<void> {
  await page
    .locator('[data-testid="run"]:not([aria-disabled="true"])')
    .waitFor({ timeout: RUN_TIMEOUT })
}

/** Waits until a run has finished and its results and first charts are drawn. */
export async function waitForResults(page: Page): Promise<void> {
  await page.locator('[data-testid="results"]:not(.stale)').waitFor({ timeout: RUN_TIMEOUT })
  await waitForIdle(page)
  for (const id of ['chart-page-tables', 'chart-fault-latency']) {
    await page
      .locator(`[data-testid="${id}"] :is(svg, canvas)`)
      .first()
      .waitFor({ state: 'attached' })
  }
}

/**
 * Starts a run with `start` (a click on Run unless told otherwise) and waits until that run has
 * begun: an observer set up before `start` sees the Run button turn aria-disabled, however short
 * the run. Without it, results of an earlier run could pass for this one's.
 */
export async function startRun(
  page: Page,
  start: () => Promise<void> = () => page.locator('[data-testid="run"]').click(),
): Promise<void> {
  await page.evaluate(`(() => {
    const run = document.querySelector('[data-testid="run"]')
    window.__hugeswapRunStarted = false
    const seen = new MutationObserver(() => {
      if (run.getAttribute('aria-disabled') !== 'true') return
      window.__hugeswapRunStarted = true
      seen.disconnect()
    })
    seen.observe(run, { attributes: true, attributeFilter: ['aria-disabled'] })
  })()`)
  await start()
  await expect.poll(() => page.evaluate('window.__hugeswapRunStarted')).toBe(true)
}

/** Starts a run (see startRun) and waits for its results; logs the wall time for the CI log. */
export async function runAndWait(
  page: Page,
  what = 'scenario',
  start?: () => Promise<void>,
): Promise<void> {
  const started = Date.now()
  await startRun(page, start)
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
