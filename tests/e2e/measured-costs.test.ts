/**
 * A cost profile from `hugeswap calibrate` opened in the web workbench (headless Chromium): a
 * scenario with `machine.costs: 'measured'` then runs on its figures, in the page's Web Worker,
 * and the result says which profile it used. Without one, the run says how to get one.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { replaceBuffer, runAndWait, useWorkbench } from './workbench-page'

const workbench = useWorkbench()
let page: Page
beforeAll(async () => {
  page = await workbench.open()
})

const SCENARIO = `import { defineScenario } from 'hugeswap'
export default defineScenario({
  title: 'measured costs',
  variants: ['baseline'],
  machine: { memory: '1G', swap: [{ type: 'zram', size: '1G' }], costs: 'measured' },
  run(k) {
    const t = k.spawn('a')
    const r = t.mmap('2M', { advice: 'hugepage' })
    t.write(r)
    k.snapshot('written')
  },
})
`

const PROFILE = {
  kind: 'hugeswap-costs',
  measured: { kernel: '6.18.44-test', date: '2026-12-04T20:00:00Z' },
  costs: { cpu: { faultEntryNs: 4321 } },
}

describe('measured costs in the workbench', () => {
  it('without a profile, the run says how to get one', async () => {
    await replaceBuffer(page, SCENARIO)
    await page.locator('[data-testid="run"]').click()
    await expect
      .poll(() => page.locator('[data-testid="run-error"]').textContent(), { timeout: 60_000 })
      .toContain('hugeswap calibrate')
  })

  it('runs on an opened profile and names it in the result', async () => {
    await page.locator('[data-testid="costs-input"]').setInputFiles({
      name: 'costs.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(PROFILE)),
    })
    await expect
      .poll(() => page.locator('[data-testid="costs-source"]').textContent())
      .toContain('costs.json (kernel 6.18.44-test, 2026-12-04)')
    await runAndWait(page, 'measured costs')
    expect(await page.locator('[data-testid="costs-used"]').textContent()).toContain(
      'measured: costs.json (kernel 6.18.44-test, 2026-12-04)',
    )
  })

  it('refuses a file that is not a profile, and keeps the one it has', async () => {
    await page.locator('[data-testid="costs-input"]').setInputFiles({
      name: 'results.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify({ schema: 1 })),
    })
    await expect
      .poll(() => page.locator('body').textContent())
      .toContain('results.json: not a cost profile written by hugeswap calibrate')
    expect(await page.locator('[data-testid="costs-source"]').textContent()).toContain('costs.json')
  })
})
