/**
 * The built web workbench (out/web) in headless Chromium, served from a sub-path by a plain static
 * server, with the real scenario engine in its Web Worker: run the default scenario, break it,
 * fix it, run again.
 */
import { mkdir, readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { launchChromium, type Browser } from './browser'
import { WEB_ROOT } from './global-setup'
import { serveStatic, type StaticServer } from './static-server'

const SCREENSHOT = resolve(import.meta.dirname, '../../docs/screenshots/workbench.png')
const SCENARIO = resolve(import.meta.dirname, '../../scenarios/one-thp.ts')
const RUN_TIMEOUT = 90_000

let server: StaticServer
let browser: Browser
const pageErrors: string[] = []

beforeAll(async () => {
  server = await serveStatic(WEB_ROOT, '/hugeswap/')
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  await server?.close()
})

async function openWorkbench(): Promise<Page> {
  const page = await browser.context.newPage()
  page.on('pageerror', (e) => pageErrors.push(e.message))
  await page.goto(server.url)
  await page.locator('[data-testid="editor"] .view-lines').waitFor()
  await expect.poll(() => editorText(page)).toContain('defineScenario')
  return page
}

/** Monaco renders spaces as U+00A0. */
async function editorText(page: Page): Promise<string> {
  const text = await page.locator('[data-testid="editor"] .view-lines').innerText()
  return text.replace(/\u00a0/g, ' ')
}

async function waitForResults(page: Page): Promise<void> {
  await page.locator('[data-testid="results"]:not(.stale)').waitFor({ timeout: RUN_TIMEOUT })
  for (const id of ['chart-page-tables', 'chart-fault-latency']) {
    await page
      .locator(`[data-testid="${id}"] :is(svg, canvas)`)
      .first()
      .waitFor({ state: 'attached' })
  }
}

describe('web workbench', () => {
  it('runs the default scenario in every variant and draws both charts', async () => {
    const page = await openWorkbench()
    // Progress may flash by quickly: note whether it ever appeared.
    // (A string, not a function: this file is type-checked without the DOM lib.)
    await page.evaluate(`
      window.sawProgress = false
      new MutationObserver(() => {
        if (document.querySelector('[data-testid="progress"]')) window.sawProgress = true
      }).observe(document.body, { childList: true, subtree: true })
    `)
    const started = Date.now()
    await page.locator('[data-testid="run"]').click()
    await waitForResults(page)
    console.log(`e2e: default scenario ran in ${Date.now() - started} ms`)

    expect(await page.evaluate('window.sawProgress')).toBe(true)
    const variants = await page.locator('[data-testid="variant"]').allInnerTexts()
    expect(variants.join('\n')).toMatch(
      /baseline[\s\S]*lazy-deposit[\s\S]*pmd-swap[\s\S]*pmd-swap\+lazy-deposit/,
    )
    expect(await page.locator('[data-testid="counters"] tbody th').first().innerText()).toBe(
      'thp_swpout',
    )
    expect(await page.locator('[data-testid="check"]').count()).toBeGreaterThan(0)
    expect(await page.locator('[data-testid="run-error"]').count()).toBe(0)
    // The page-table chart has one legend entry per variant.
    const legend = await page.locator('[data-testid="chart-page-tables"] svg').innerHTML()
    expect(legend).toContain('pmd-swap+lazy-deposit')

    await mkdir(resolve(SCREENSHOT, '..'), { recursive: true })
    await page.screenshot({ path: SCREENSHOT })
    await page.close()
  })

  it('shows a syntax error at LINE:COL with an editor marker, then recovers after the fix', async () => {
    const page = await openWorkbench()
    const editor = page.locator('[data-testid="editor"] .view-lines')
    await editor.click()
    await page.keyboard.press('Control+End')
    await page.keyboard.type('const = 1')
    await expect.poll(() => editorText(page)).toContain('const = 1')
    // Control+End lands on the last line of the default scenario (it ends with a newline).
    const errorLine = (await readFile(SCENARIO, 'utf8')).split('\n').length

    await page.locator('[data-testid="run"]').click()
    const panel = page.locator('[data-testid="run-error"]')
    await panel.waitFor({ timeout: RUN_TIMEOUT })
    const text = await panel.innerText()
    expect(text).toMatch(new RegExp(`one-thp\\.ts:${errorLine}:\\d+: `))
    await expect
      .poll(() => page.locator('[data-testid="editor"]').getAttribute('data-run-markers'))
      .toBe('1')
    await page
      .locator('[data-testid="editor"] .squiggly-error')
      .first()
      .waitFor({ state: 'attached' })
    expect(await page.locator('[data-testid="results"]').count()).toBe(0)

    // Fix it (delete the broken line) and run again with the keyboard shortcut.
    await editor.click()
    await page.keyboard.press('Control+End')
    await page.keyboard.press('Shift+Home')
    await page.keyboard.press('Backspace')
    await expect.poll(() => editorText(page)).not.toContain('const = 1')
    await page.keyboard.press('Control+Enter')
    await waitForResults(page)
    expect(await panel.count()).toBe(0)
    await expect
      .poll(() => page.locator('[data-testid="editor"]').getAttribute('data-run-markers'))
      .toBe('0')
    await page.close()
  })

  it('cancels a runaway scenario at once and runs again afterwards', async () => {
    const page = await openWorkbench()
    const editor = page.locator('[data-testid="editor"] .view-lines')
    await editor.click()
    await page.keyboard.press('Control+End')
    await page.keyboard.type('while (true) {}')
    await page.locator('[data-testid="run"]').click()
    await page.locator('[data-testid="progress"]').waitFor()
    await page.waitForTimeout(500)
    const cancelled = Date.now()
    await page.locator('[data-testid="cancel"]').click()
    await page.locator('[data-testid="run"]:not([disabled])').waitFor({ timeout: 2_000 })
    expect(Date.now() - cancelled).toBeLessThan(2_000)
    expect(await page.locator('[data-testid="progress"]').count()).toBe(0)
    expect(await page.locator('[data-testid="run-error"]').count()).toBe(0)

    await editor.click()
    await page.keyboard.press('Control+End')
    await page.keyboard.press('Shift+Home')
    await page.keyboard.press('Backspace')
    await expect.poll(() => editorText(page)).not.toContain('while (true)')
    await page.locator('[data-testid="run"]').click()
    await waitForResults(page)
    await page.close()
  })

  it('offers IntelliSense for the hugeswap API', async () => {
    const page = await openWorkbench()
    await page.locator('[data-testid="editor"] .view-lines').click()
    await page.keyboard.press('Control+End')
    await page.keyboard.type('defineScenario({ run(k) { k.')
    const suggest = page.locator('.suggest-widget .monaco-list-row')
    await suggest.first().waitFor({ timeout: 30_000 })
    const labels = await suggest.allInnerTexts()
    expect(labels.join(' ')).toMatch(/snapshot|spawn|expect/)
    await page.close()
  })

  it('raised no uncaught page errors', () => {
    expect(pageErrors).toEqual([])
  })
})
