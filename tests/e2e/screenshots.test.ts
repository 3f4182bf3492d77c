/**
 * One screenshot of each view of the workbench, in Chromium on the built web app. Each shot also
 * checks that its view is there. They go to out/test-results/screenshots; `npm run screenshots`
 * (HUGESWAP_SCREENSHOTS=1) writes them to docs/screenshots instead, where the README shows them.
 */
import { mkdir } from 'node:fs/promises'
import { resolve } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Locator, Page } from 'playwright-core'
import {
  BUSY,
  RUN_TIMEOUT,
  replaceBuffer,
  runAndWait,
  startRun,
  typeAtEnd,
  useWorkbench,
  waitForIdle,
} from './workbench-page'

const ROOT = resolve(import.meta.dirname, '../..')
const DIR = process.env['HUGESWAP_SCREENSHOTS']
  ? resolve(ROOT, 'docs/screenshots')
  : resolve(ROOT, 'out/test-results/screenshots')

const workbench = useWorkbench()
let page: Page

beforeAll(async () => {
  await mkdir(DIR, { recursive: true })
  page = await workbench.open({ dialogs: 'accept' })
  await page.setViewportSize({ width: 1600, height: 1000 })
})

/** The whole window, or one element of it (scrolled into view first). */
async function shot(name: string, what?: Locator): Promise<void> {
  const path = resolve(DIR, `${name}.png`)
  if (what) {
    await what.scrollIntoViewIfNeeded()
    await what.screenshot({ path, animations: 'disabled' })
  } else {
    await page.screenshot({ path, animations: 'disabled' })
  }
}

const testId = (id: string): Locator => page.locator(`[data-testid="${id}"]`)

describe('screenshots of each view', () => {
  it('workbench: the default scenario run in all four variants', async () => {
    await runAndWait(page, 'default scenario')
    expect(await testId('variant').count()).toBe(4)
    await shot('workbench')
  })

  it('charts, inspector and export of that run', async () => {
    await testId('chart-fallbacks').locator('svg').first().waitFor({ state: 'attached' })
    // The results pane scrolled to the charts (an element shot would clip at the pane's edge).
    await testId('charts').evaluate((el) => el.scrollIntoView({ block: 'start' }))
    await shot('charts')
    await testId('inspector-snapshot').filter({ hasText: 'swapped out' }).click()
    await expect
      .poll(() =>
        testId('inspector-variant')
          .filter({ hasText: 'pmd-swap' })
          .first()
          .locator('[data-state="swap-pmd"]')
          .count(),
      )
      .toBe(1)
    await shot('inspector', testId('inspector'))
    expect(await testId('export-text').inputValue()).toContain('Against baseline')
    await shot('export', testId('export'))
  })

  it('history and the comparison of two runs', async () => {
    await page.locator('[data-testid="seed"]').fill('2')
    await runAndWait(page, 'default scenario, seed 2')
    await testId('compare-table').waitFor()
    await shot('history-compare', testId('history'))
  })

  it('the dark theme', async () => {
    await page.emulateMedia({ colorScheme: 'dark' })
    await page.locator('[data-region="results"]').evaluate((el) => el.scrollTo(0, 0))
    // Monaco takes the new theme, then the page paints it: wait for the class and two frames.
    await page.locator('.monaco-editor.vs-dark').waitFor()
    await page.evaluate(
      'new Promise((painted) => requestAnimationFrame(() => requestAnimationFrame(painted)))',
    )
    await shot('dark')
    await page.emulateMedia({ colorScheme: 'light' })
  })

  it('the examples gallery', async () => {
    await testId('examples-toggle').click()
    await testId('examples-search').fill('fallback')
    await expect.poll(() => testId('example').count()).toBeGreaterThan(3)
    await shot('examples')
    await page.keyboard.press('Escape')
  })

  it('an error in the scenario: marker and FILE:LINE:COL', async () => {
    await typeAtEnd(page, 'const = 1')
    await startRun(page)
    await testId('run-error').waitFor({ timeout: RUN_TIMEOUT })
    await page
      .locator('[data-testid="editor"] .squiggly-error')
      .first()
      .waitFor({ state: 'attached' })
    await shot('error')
  })

  it('a run in progress', async () => {
    await replaceBuffer(page, BUSY)
    await startRun(page)
    await testId('progress').waitFor()
    await expect
      .poll(() => testId('progress').innerText(), { timeout: 30_000 })
      .toMatch(/t\.(write|madvise)/)
    await shot('running')
    await testId('cancel').click()
    await waitForIdle(page)
  })

  it('raised no uncaught page errors', () => {
    expect(workbench.pageErrors).toEqual([])
  })
})
