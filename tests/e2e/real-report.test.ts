/**
 * A `hugeswap real --json` report opened in the built web workbench (headless Chromium): the
 * summary, the agreement chart, the differing rows, switching scenarios, and a file that is not
 * such a report. The fixture is a real run on a 6.18 host: readahead-block-pc3.ts (which differs
 * where docs/conformance.md says) and fault-thp-write.ts (which agrees).
 */
import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import type { RealReportFile } from '../../src/shared/real-report'
import { useWorkbench } from './workbench-page'

const FIXTURE = resolve(import.meta.dirname, 'fixtures/real-report.json')
const workbench = useWorkbench()
let page: Page
let fixture: RealReportFile
beforeAll(async () => {
  page = await workbench.open()
  fixture = JSON.parse(await readFile(FIXTURE, 'utf8')) as RealReportFile
})

const panel = (): ReturnType<Page['locator']> => page.locator('[data-testid="real-report"]')

describe('a hugeswap real report in the workbench', () => {
  it('shows the summary, the agreement chart and every differing row', async () => {
    await panel().locator('[data-testid="real-report-input"]').setInputFiles(FIXTURE)
    const first = fixture.reports[0]
    const c = first.comparison
    const summary = panel().locator('[data-testid="real-report-summary"]')
    await expect
      .poll(() => summary.textContent())
      .toContain(`${c.agreeing} of ${c.judged} judged observables agree`)
    expect(await summary.textContent()).toContain(first.kernel.release)
    await panel().locator('svg').first().waitFor({ state: 'attached' })
    const differing = c.steps.flatMap((s) => s.rows.filter((r) => r.judged && !r.agree))
    expect(differing.length).toBeGreaterThan(0)
    const rows = panel().locator('[data-testid="real-report-differences"] tbody tr')
    expect(await rows.count()).toBe(differing.length)
    expect(await rows.first().textContent()).toContain(differing[0].observable)
  })

  it('switches to a scenario that agrees: no differences table', async () => {
    await panel().locator('[data-testid="real-report-select"]').selectOption('1')
    const c = fixture.reports[1].comparison
    expect(c.agreeing).toBe(c.judged)
    await expect
      .poll(() => panel().locator('[data-testid="real-report-summary"]').textContent())
      .toContain(`${c.agreeing} of ${c.judged} judged observables agree`)
    expect(await panel().locator('[data-testid="real-report-differences"]').count()).toBe(0)
  })

  it('says what is wrong with a file that is not a report', async () => {
    await panel()
      .locator('[data-testid="real-report-input"]')
      .setInputFiles({
        name: 'results.json',
        mimeType: 'application/json',
        buffer: Buffer.from(JSON.stringify({ schema: 1, variants: [] })),
      })
    await expect
      .poll(() => panel().locator('[data-testid="real-report-error"]').textContent())
      .toContain('results.json: not a hugeswap real report')
  })
})
