/**
 * How the workbench feels, in the built web app in Chromium: nothing moves while a run is going,
 * every control is reachable and usable from the keyboard, and axe-core finds no accessibility
 * violation in either theme.
 */
import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { VARIANT_NAMES } from '../../src/shared/result'
import type { Page } from 'playwright-core'
import {
  BUSY,
  RUN_TIMEOUT,
  editorText,
  focusEditor,
  focusInEditor,
  replaceBuffer,
  injectAxe,
  runAndWait,
  startRun,
  typeAtEnd,
  useWorkbench,
  waitForIdle,
} from './workbench-page'

const workbench = useWorkbench()

/** Where the things a user looks at sit on the page. */
const LANDMARKS = [
  'examples-toggle',
  'open',
  'save',
  'run',
  'cancel',
  'seed',
  'file-name',
  'editor',
  'split-divider',
  'results',
  'change-table',
  'chart-page-tables',
  'inspector',
  'history',
  'status-bar',
  'sim-time',
  'model-id',
]

async function landmarkBoxes(page: Page): Promise<Record<string, string>> {
  const boxes: Record<string, string> = {}
  for (const id of LANDMARKS) {
    const box = await page.locator(`[data-testid="${id}"]`).first().boundingBox()
    boxes[id] = box
      ? [box.x, box.y, box.width, box.height].map((n) => n.toFixed(1)).join(' ')
      : 'missing'
  }
  return boxes
}

describe('feel', () => {
  it('moves nothing on the page while a run is going', async () => {
    const page = await workbench.open()
    await runAndWait(page, 'default scenario')
    await replaceBuffer(page, BUSY)
    const idle = await landmarkBoxes(page)
    expect(Object.values(idle)).not.toContain('missing')

    // Layout shifts not caused by input (Chromium's Layout Instability API).
    await page.evaluate(`
      window.shifts = []
      new PerformanceObserver((list) => {
        for (const e of list.getEntries())
          window.shifts.push({ at: e.startTime, value: e.value, input: e.hadRecentInput })
      }).observe({ type: 'layout-shift' })
    `)
    await startRun(page)
    const progress = page.locator('[data-testid="progress"]')
    await progress.waitFor()
    // Look each time the progress line changes, until the engine has been seen in the scenario's
    // loop three times (its start-up, with "starting…", can take seconds on a loaded machine);
    // nothing may move meanwhile.
    const inLoop = (text: string): boolean => /t\.(write|madvise)/.test(text)
    const seen: string[] = [await progress.innerText()]
    while (seen.filter(inLoop).length < 3) {
      const last = await progress.textContent()
      await expect.poll(() => progress.textContent()).not.toBe(last)
      seen.push(await progress.innerText())
      expect(await landmarkBoxes(page)).toEqual(idle)
    }
    // What the click itself moved within 500 ms is marked hadRecentInput and not counted.
    const shifts = (await page.evaluate('window.shifts.filter((s) => !s.input)')) as {
      value: number
    }[]
    expect(shifts).toEqual([])

    // Escape cancels from anywhere, the editor included.
    await focusEditor(page)
    await page.keyboard.press('Escape')
    await waitForIdle(page)
    expect(await progress.count()).toBe(0)
    expect(await page.locator('[data-testid="run-error"]').count()).toBe(0)
    expect(await landmarkBoxes(page)).toEqual(idle)
    await page.close()
  })

  it('keeps the editor inside its pane when the window shrinks and grows', async () => {
    const page = await workbench.open()
    for (const width of [1200, 1000, 1600]) {
      await page.setViewportSize({ width, height: 900 })
      await expect
        .poll(async () => {
          const editor = (await page
            .locator('[data-testid="editor"] .monaco-editor')
            .boundingBox())!
          const divider = (await page.locator('[data-testid="split-divider"]').boundingBox())!
          return Math.abs(editor.x + editor.width - divider.x) <= 1
        })
        .toBe(true)
    }
    await page.close()
  })

  it('reaches every control with Tab (Ctrl+M leaves the editor) and runs from the keyboard', async () => {
    const page = await workbench.open()
    // Tab from the top of the page lands on the toolbar; Run is reachable and Enter runs.
    await page.keyboard.press('Tab')
    expect(await focusedTestId(page)).toBe('examples-toggle')
    for (let i = 0; i < 20 && (await focusedTestId(page)) !== 'run'; i++) {
      await page.keyboard.press('Tab')
    }
    expect(await focusedTestId(page)).toBe('run')
    await runAndWait(page, 'default scenario (Enter on Run)', () => page.keyboard.press('Enter'))
    // The run kept the focus on Run (a disabled button would have dropped it to <body>).
    expect(await focusedTestId(page)).toBe('run')
    await runAndWait(page, 'default scenario (Ctrl+Enter)', () =>
      page.keyboard.press('Control+Enter'),
    )
    expect(await focusedTestId(page)).toBe('run')
    await page.locator('[data-testid="compare-table"]').waitFor()

    // Walk the whole page with Tab from the top, marking what got the focus.
    await page.locator('h1').click()
    let inEditor = 0
    for (let step = 0; step < 400; step++) {
      await page.keyboard.press('Tab')
      const where = (await page.evaluate(`(() => {
        const el = document.activeElement
        if (!el || el === document.body) return 'body'
        el.dataset.kbSeen = '1'
        return el.closest('.monaco-editor') ? 'editor' : 'page'
      })()`)) as string
      if (where === 'editor') {
        // Tab indents inside Monaco; Ctrl+M (Monaco's own toggle) makes it move the focus on.
        inEditor++
        await page.keyboard.press('Control+m')
      }
      if (where === 'body' && step > 0) break
    }
    expect(inEditor).toBe(1)
    const missed = (await page.evaluate(`(() => {
      const shown = (el) => el.getClientRects().length > 0
      const controls = [...document.querySelectorAll(
        'button:not([disabled]), select:not([disabled]), input:not([disabled]), textarea, a[href], [tabindex]:not([tabindex="-1"])',
      )].filter((el) => shown(el) && el.tabIndex >= 0 && !el.closest('.monaco-editor'))
      // Roving tabs: one tab stop per tab list.
      const lists = [...document.querySelectorAll('[role="tablist"]')].filter(
        (l) => shown(l) && !l.querySelector('[role="tab"][data-kb-seen]'),
      )
      return [...controls.filter((el) => !el.dataset.kbSeen), ...lists].map((el) =>
        el.outerHTML.slice(0, 120),
      )
    })()`)) as string[]
    expect(missed).toEqual([])
    await page.close()
  })

  it('works the inspector timeline, the divider and the examples with the keyboard', async () => {
    const page = await workbench.open()
    await runAndWait(page, 'default scenario')
    // F6 goes round the regions: toolbar, editor (typing works there), results.
    await page.locator('h1').click()
    await page.keyboard.press('F6')
    await expect.poll(() => focusedTestId(page)).toBe('examples-toggle')
    // After a run, F6 lands in the editor's text with the caret where it was (line 1, column 1).
    await page.keyboard.press('F6')
    await expect.poll(() => focusInEditor(page)).toBe(true)
    await page.keyboard.type('Q')
    await expect.poll(() => editorText(page)).toMatch(/^Q/)
    await page.keyboard.press('F6')
    await expect
      .poll(() => page.evaluate('!!document.activeElement.closest("[data-testid=results]")'))
      .toBe(true)
    await page.keyboard.press('Shift+F6')
    await expect.poll(() => focusInEditor(page)).toBe(true)
    await page.keyboard.press('Backspace')
    await expect.poll(() => page.locator('[data-testid="dirty"]').count()).toBe(0)

    const tabs = page.locator('[data-testid="inspector-snapshot"]')
    await tabs.first().focus()
    await page.keyboard.press('ArrowRight')
    await expect.poll(() => tabs.nth(1).getAttribute('aria-selected')).toBe('true')
    await expect.poll(() => focusedText(page)).toContain('swapped out')
    await page.keyboard.press('End')
    await expect.poll(() => tabs.last().getAttribute('aria-selected')).toBe('true')
    await page.keyboard.press('Home')
    await expect.poll(() => tabs.first().getAttribute('aria-selected')).toBe('true')

    const divider = page.locator('[data-testid="split-divider"]')
    const dividerAt = async (): Promise<number> =>
      Number(await divider.getAttribute('aria-valuenow'))
    const before = await dividerAt()
    await divider.focus()
    await page.keyboard.press('ArrowLeft')
    await expect.poll(dividerAt).toBe(before - 2)
    // The pane sizes are remembered across sessions.
    await page.reload()
    await page.locator('[data-testid="editor"] .view-lines').waitFor()
    await expect.poll(dividerAt).toBe(before - 2)
    await divider.focus()
    await page.keyboard.press('ArrowRight')
    await expect.poll(dividerAt).toBe(before)

    await page.locator('[data-testid="examples-toggle"]').focus()
    await page.keyboard.press('Enter')
    await expect.poll(() => focusedTestId(page)).toBe('examples-search')
    await page.keyboard.type('page-tables/pmd-mapped')
    await expect.poll(() => page.locator('[data-testid="example"]').count()).toBe(1)
    await page.keyboard.press('ArrowDown')
    await expect.poll(() => focusedTestId(page)).toBe('example')
    await page.keyboard.press('Enter')
    await expect
      .poll(() => page.locator('[data-testid="file-name"]').innerText())
      .toBe('pmd-mapped.ts')
    // The gallery closed and gave the focus back to its button.
    await expect.poll(() => focusedTestId(page)).toBe('examples-toggle')
    await page.keyboard.press('Enter')
    await expect.poll(() => focusedTestId(page)).toBe('examples-search')
    await page.keyboard.press('Escape')
    await expect.poll(() => page.locator('[data-testid="examples"]').count()).toBe(0)
    await expect.poll(() => focusedTestId(page)).toBe('examples-toggle')
    await page.close()
  })

  it('lands F6 in the editor with a recovered buffer on offer, and keeps that offer', async () => {
    // 'accept': the reload below leaves a dirty buffer, and the page asks first.
    const page = await workbench.open({ dialogs: 'accept' })
    await page.evaluate(`localStorage.setItem('hugeswap.autosave', JSON.stringify({
      name: 'one-thp.ts', path: '', source: '// left unsaved\\n', savedAt: 0 }))`)
    await page.reload()
    await page.locator('[data-testid="recovery"]').waitFor()
    await runAndWait(page, 'default scenario')
    await page.locator('h1').click()
    await page.keyboard.press('F6')
    await page.keyboard.press('F6')
    // The editor's text, not the Restore button above it.
    await expect.poll(() => focusInEditor(page)).toBe(true)
    await page.keyboard.type('Q')
    await expect.poll(() => editorText(page)).toMatch(/^Q/)
    // Its buttons are still on the Tab path from the toolbar.
    await page.locator('[data-testid="cancel"]').focus()
    for (let i = 0; i < 20 && (await focusedTestId(page)) !== 'recover'; i++) {
      await page.keyboard.press('Tab')
    }
    expect(await focusedTestId(page)).toBe('recover')
    // The run and the edit did not drop the offered buffer: a reload offers it again. (That no
    // autosave tick overwrites or drops it is the editor store's unit test.)
    await page.reload()
    await page.locator('[data-testid="recovery"]').waitFor()
    await page.locator('[data-testid="recover"]').click()
    await expect.poll(() => editorText(page)).toContain('// left unsaved')
    await page.close()
  })

  it('stays usable after a run with a million faults per variant: histograms, not samples', async () => {
    const page = await workbench.open()
    await replaceBuffer(
      page,
      `import { defineScenario } from 'hugeswap'
export default defineScenario({
  title: 'A million 4 KB faults',
  machine: { memory: '8G', swap: [{ type: 'nvme', size: '8G' }], thp: { enabled: 'never' } },
  run(k) {
    const t = k.spawn('usemem')
    t.write(t.mmap('4G'))
    k.snapshot('written')
  },
})
`,
    )
    await runAndWait(page, 'a million faults per variant')
    const summary = await page.locator('[data-testid="variant"]').allInnerTexts()
    expect(summary).toHaveLength(VARIANT_NAMES.length)
    for (const line of summary) expect(line).toContain('1,048,576 faults')

    // The charts answer the pointer: the latency histogram's tooltip names a bucket.
    const chart = page.locator('[data-testid="chart-fault-histogram"]')
    await chart.scrollIntoViewIfNeeded()
    const box = (await chart.boundingBox())!
    const tooltip = chart
      .locator('div[style*="position: absolute"]')
      .filter({ hasText: 'baseline' })
    expect(await tooltip.count()).toBe(0)
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.6)
    await tooltip.first().waitFor()
    expect(await tooltip.first().innerText()).toMatch(/(ns|µs|ms)[\s\S]*pmd-swap/)
    await page.locator('[data-testid="inspector-snapshot"]').first().click()

    // What came back from the worker is a fixed-size summary: the run's JSON stays small.
    const [json] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('[data-testid="export-json"]').click(),
    ])
    const bytes = (await readFile(await json.path())).length
    console.log(`e2e: a million-fault run is ${bytes} bytes of JSON`)
    expect(bytes).toBeLessThan(4 * 1024 * 1024)
    await page.close()
  })

  for (const scheme of ['light', 'dark'] as const) {
    it(`passes an axe-core audit in the ${scheme} theme: results, gallery and error`, async () => {
      const page = await workbench.open()
      await page.emulateMedia({ colorScheme: scheme })
      await runAndWait(page, 'default scenario')
      await runAndWait(page, 'default scenario')
      await page.locator('[data-testid="compare-table"]').waitFor()
      await injectAxe(page)
      expect(await axeViolations(page), 'results').toEqual([])

      await page.locator('[data-testid="examples-toggle"]').click()
      await page.locator('[data-testid="examples"]').waitFor()
      expect(await axeViolations(page), 'examples gallery').toEqual([])
      await page.keyboard.press('Escape')

      await typeAtEnd(page, 'const = 1')
      await page.locator('[data-testid="run"]').click()
      await page.locator('[data-testid="run-error"]').waitFor({ timeout: RUN_TIMEOUT })
      expect(await axeViolations(page), 'error panel').toEqual([])
      await page.close()
    })
  }

  it('raised no uncaught page errors', () => {
    expect(workbench.pageErrors).toEqual([])
  })
})

function focusedTestId(page: Page): Promise<string | null> {
  return page.evaluate('document.activeElement?.getAttribute("data-testid") ?? null') as Promise<
    string | null
  >
}

function focusedText(page: Page): Promise<string> {
  return page.evaluate('document.activeElement?.textContent ?? ""') as Promise<string>
}

/**
 * Every axe-core violation, as "rule: target" lines. Colour contrast is not checked inside
 * Monaco: its built-in vs / vs-dark themes (a dimmed last line number, the comment colour) are
 * Monaco's, not ours.
 */
async function axeViolations(page: Page): Promise<string[]> {
  return (await page.evaluate(`(async () => {
    const lines = (r) => r.violations.flatMap((v) =>
      v.nodes.map((n) => v.id + ' (' + v.impact + '): ' + n.target.join(' ')))
    const all = await axe.run(document, { rules: { 'color-contrast': { enabled: false } } })
    const contrast = await axe.run(
      { exclude: [['.monaco-editor']] },
      { runOnly: { type: 'rule', values: ['color-contrast'] } },
    )
    return [...lines(all), ...lines(contrast)]
  })()`)) as string[]
}
