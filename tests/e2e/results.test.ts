/**
 * The results side of the built web workbench (out/web) in headless Chromium: the page-table
 * inspector, the exports (mail text, PNG download), the run history across a reload, and the
 * compare table of two runs.
 */
import { readFile } from 'node:fs/promises'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { CHART_IDS, chartSvg } from '../../src/report/export'
import type { ResultJson } from '../../src/shared/result'
import { runAndWait, useWorkbench } from './workbench-page'

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]

// One page for the whole file: the later tests use the earlier runs (history, compare).
const workbench = useWorkbench()
let page: Page
beforeAll(async () => {
  page = await workbench.open()
})

const runDefault = (): Promise<void> => runAndWait(page, 'default scenario')

const rangeState = (variant: string): Promise<string | null> =>
  page
    .locator(`[data-testid="inspector-variant"][data-variant="${variant}"]`)
    .locator('[data-testid="inspector-range"]')
    .first()
    .getAttribute('data-state')

describe('web workbench results', () => {
  it('draws every chart and inspects the page tables at the swapped-out snapshot', async () => {
    await runDefault()
    for (const id of ['chart-page-tables', 'chart-fault-latency', 'chart-counters']) {
      await page.locator(`[data-testid="${id}"] svg`).first().waitFor({ state: 'attached' })
    }
    await page.locator('[data-testid="inspector-snapshot"]', { hasText: 'swapped out' }).click()
    await expect.poll(() => rangeState('pmd-swap')).toBe('swap-pmd')
    await expect.poll(() => rangeState('baseline')).toBe('pte')
    await page.locator('[data-testid="inspector-snapshot"]', { hasText: 'faulted in' }).click()
    await expect.poll(() => rangeState('baseline')).toBe('pmd')
  })

  it('exports the mail report as ASCII text with the LKP %stddev header', async () => {
    const text = await page.locator('[data-testid="export-text"]').inputValue()
    expect(text).toContain('%stddev')
    expect([...text].filter((c) => c.charCodeAt(0) > 0x7f)).toEqual([])
    expect(await page.locator('[data-testid="change-table"] tbody tr').count()).toBeGreaterThan(0)
  })

  it('exports a chart as a PNG download', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('[data-testid="export-png"]').click(),
    ])
    // The scenario and the chart in the name: exports of several scenarios do not collide.
    expect(download.suggestedFilename()).toBe('one-thp.page-tables.png')
    const bytes = await readFile(await download.path())
    expect([...bytes.subarray(0, 8)]).toEqual(PNG_SIGNATURE)
    // 2x the 900-wide chart with its caption: the IHDR width, and a height past the bare 1120.
    expect(bytes.readUInt32BE(16)).toBe(1800)
    expect(bytes.readUInt32BE(20)).toBeGreaterThan(1120)
  })

  it('exports every chart as the SVG the CLI writes, byte for byte, and the run as JSON', async () => {
    const [json] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('[data-testid="export-json"]').click(),
    ])
    expect(json.suggestedFilename()).toBe('one-thp.results.json')
    const result = JSON.parse(await readFile(await json.path(), 'utf8')) as ResultJson
    expect(result.variants.map((v) => v.name)).toContain('pmd-swap')
    // The on-screen charts measured text before this: the export must not depend on that.
    for (const id of CHART_IDS) {
      await page.locator('[data-testid="export-chart"]').selectOption(id)
      const [svg] = await Promise.all([
        page.waitForEvent('download'),
        page.locator('[data-testid="export-svg"]').click(),
      ])
      expect(svg.suggestedFilename()).toBe(`one-thp.${id}.svg`)
      const bytes = await readFile(await svg.path(), 'utf8')
      expect(bytes, id).toBe(chartSvg(result, id))
      // Captioned: the scenario, its seed and the model travel with the picture.
      expect(bytes).toContain(`seed ${result.scenario.seed}`)
      expect(bytes).toContain(result.tool.model)
    }
    await page.locator('[data-testid="export-chart"]').selectOption('page-tables')
  })

  it('keeps the history across a reload and compares two runs', async () => {
    await runDefault()
    const entries = page.locator('[data-testid="history-entry"]')
    expect(await entries.count()).toBeGreaterThanOrEqual(2)

    await page.reload()
    await page.locator('[data-testid="editor"] .view-lines').waitFor()
    await entries.first().waitFor()
    expect(await entries.count()).toBeGreaterThanOrEqual(2)
    expect(await page.locator('[data-testid="results"]').count()).toBe(0)
    expect(await entries.first().innerText()).toContain('One THP')

    await entries.nth(1).click()
    await page.locator('[data-testid="results"]').waitFor()
    await expect.poll(() => page.locator('[data-testid="variant"]').count()).toBe(4)

    const table = page.locator('[data-testid="compare"] [data-testid="compare-table"]')
    await table.waitFor()
    const text = await table.innerText()
    expect(text).toContain('proc-vmstat.thp_swpout')
    expect(text).toContain('pmd-swap')
    expect(await table.locator('tbody tr').count()).toBeGreaterThan(5)
  })

  it('raised no uncaught page errors', () => {
    expect(workbench.pageErrors).toEqual([])
  })
})
