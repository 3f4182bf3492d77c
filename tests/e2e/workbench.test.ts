/**
 * The built web workbench (out/web) in headless Chromium, served from a sub-path by a plain static
 * server, with the real scenario engine in its Web Worker: run the default scenario, break it,
 * fix it, run again.
 */
import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  RUN_TIMEOUT,
  deleteLastLine,
  editorText,
  focusEditor,
  replaceBuffer,
  runAndWait,
  startRun,
  typeAtEnd,
  useWorkbench,
  waitForIdle,
} from './workbench-page'

const SCENARIO = resolve(import.meta.dirname, '../../scenarios/one-thp.ts')

const workbench = useWorkbench()

/** The default scenario is in the editor (the page also opens on it). */
async function openWorkbench() {
  const page = await workbench.open()
  await expect.poll(() => editorText(page)).toContain('defineScenario')
  return page
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
    await runAndWait(page, 'default scenario')

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
    await page.close()
  })

  it('shows a syntax error at LINE:COL with an editor marker, then recovers after the fix', async () => {
    const page = await openWorkbench()
    await typeAtEnd(page, 'const = 1')
    // Control+End lands on the last line of the default scenario (it ends with a newline).
    const errorLine = (await readFile(SCENARIO, 'utf8')).split('\n').length

    await startRun(page)
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
    await deleteLastLine(page)
    await expect.poll(() => editorText(page)).not.toContain('const = 1')
    await runAndWait(page, 'fixed scenario', () => page.keyboard.press('Control+Enter'))
    expect(await panel.count()).toBe(0)
    await expect
      .poll(() => page.locator('[data-testid="editor"]').getAttribute('data-run-markers'))
      .toBe('0')
    await page.close()
  })

  it('cancels a runaway scenario at once and runs again afterwards', async () => {
    const page = await openWorkbench()
    const original = await readFile(SCENARIO, 'utf8')
    // A loop without host calls: it would only end at the script time limit, with an error.
    await replaceBuffer(
      page,
      `import { defineScenario } from 'hugeswap'
export default defineScenario({
  title: 'Runaway: a loop with no host calls',
  run(k) {
    k.spawn('spinner')
    while (true) {}
  },
})
`,
    )
    await startRun(page)
    // The worker has reported its last host call before the loop: the script is spinning.
    await expect.poll(() => page.locator('[data-testid="progress"]').innerText()).toMatch(/spawn/)
    await page.locator('[data-testid="cancel"]').click()
    await waitForIdle(page)
    expect(await page.locator('[data-testid="progress"]').count()).toBe(0)
    // Cancelled, not timed out: no error, and the status bar says it was cancelled.
    expect(await page.locator('[data-testid="run-error"]').count()).toBe(0)
    expect(await page.locator('[data-testid="status-bar"]').innerText()).toMatch(/\bcancelled\b/)

    await replaceBuffer(page, original)
    await runAndWait(page, 'default scenario after a cancel')
    await page.close()
  })

  it('offers IntelliSense for the hugeswap API', async () => {
    const page = await openWorkbench()
    await typeAtEnd(page, 'defineScenario({ run(k) { k.')
    const suggest = page.locator('.suggest-widget .monaco-list-row')
    await suggest.first().waitFor({ timeout: 30_000 })
    const labels = await suggest.allInnerTexts()
    expect(labels.join(' ')).toMatch(/snapshot|spawn|expect/)
    await page.close()
  })

  it('checks types live, before any run: an unknown counter is underlined', async () => {
    const page = await openWorkbench()
    expect(await page.locator('[data-testid="editor"] .squiggly-error').count()).toBe(0)
    await focusEditor(page)
    await page.keyboard.press('Control+End')
    await page.keyboard.insertText(
      `export const typo: import('hugeswap').VmstatCounter = 'thp_swpout_pmdd'`,
    )
    await page
      .locator('[data-testid="editor"] .squiggly-error')
      .first()
      .waitFor({ state: 'attached', timeout: 30_000 })
    // Nothing ran: the marker is the TypeScript service's, not a run error.
    expect(await page.locator('[data-testid="editor"]').getAttribute('data-run-markers')).toBe('0')
    expect(await page.locator('[data-testid="run-error"]').count()).toBe(0)
    // The real counter name clears it.
    await page.keyboard.press('Shift+Home')
    await page.keyboard.insertText(
      `export const typo: import('hugeswap').VmstatCounter = 'thp_swpout_pmd'`,
    )
    await expect
      .poll(() => page.locator('[data-testid="editor"] .squiggly-error').count(), {
        timeout: 30_000,
      })
      .toBe(0)
    await page.close()
  })

  it('shows the kernel meaning of a counter and a machine knob on hover', async () => {
    const page = await openWorkbench()
    const hover = page.locator('.monaco-hover-content')
    // The default scenario reads k.vmstat().thp_swpout and sets machine.thp.defrag.
    const cases: [token: string, doc: RegExp][] = [
      ['thp_swpout', /written to swap in one piece/],
      ['defrag', /transparent_hugepage\/defrag/],
    ]
    for (const [token, doc] of cases) {
      const target = page.locator('[data-testid="editor"] .view-lines span', { hasText: token })
      // Hover again on every poll: a hover asked before the TypeScript worker is up (slow on a
      // loaded 2-core CI machine) stays at "Loading..." and is never asked again. Each poll waits
      // for an answered hover (a bounded wait: the unanswered one is then asked again).
      await expect
        .poll(
          async () => {
            await page.mouse.move(0, 0)
            await target.last().hover()
            await hover
              .filter({ hasNotText: /Loading/ })
              .first()
              .waitFor({ timeout: 5_000 })
              .catch(() => undefined)
            return hover.allInnerTexts()
          },
          { timeout: 90_000, interval: 100 },
        )
        .toEqual(expect.arrayContaining([expect.stringMatching(doc)]))
      await page.mouse.move(0, 0)
    }
    await page.close()
  })

  it('raised no uncaught page errors', () => {
    expect(workbench.pageErrors).toEqual([])
  })
})
