/**
 * The editor around the scenario in the built web workbench: the examples gallery opens a bundled
 * scenario that then runs to results, Ctrl+S downloads the buffer, and the status bar names the
 * model revision and the simulated time of the last run.
 */
import { describe, expect, it } from 'vitest'
import { MODEL_ID } from '../../src/sim/version'
import type { Dialog } from 'playwright-core'
import { editorText, runAndWait, typeAtEnd, useWorkbench } from './workbench-page'

const workbench = useWorkbench()
const openWorkbench = () => workbench.open({ dialogs: 'accept' })

describe('editor', () => {
  it('opens an example from the gallery and runs it to results', async () => {
    const page = await openWorkbench()
    await page.locator('[data-testid="examples-toggle"]').click()
    const gallery = page.locator('[data-testid="examples"]')
    await gallery.waitFor()
    // Every scenario is bundled, selftests included.
    expect(await gallery.locator('[data-testid="example"]').count()).toBeGreaterThan(50)
    await gallery.locator('[data-testid="examples-search"]').fill('page-tables/pmd-mapped')
    await expect.poll(() => gallery.locator('[data-testid="example"]').count()).toBe(1)
    await gallery.locator('[data-testid="example"]').click()
    await expect.poll(() => gallery.count()).toBe(0)
    await expect
      .poll(() => page.locator('[data-testid="file-name"]').innerText())
      .toBe('pmd-mapped.ts')
    await expect.poll(() => editorText(page)).toContain('defineScenario')

    await runAndWait(page, 'example page-tables/pmd-mapped')
    expect(await page.locator('[data-testid="run-error"]').count()).toBe(0)
    await expect
      .poll(() => page.locator('[data-testid="sim-time"]').innerText())
      .toMatch(/\d+(\.\d+)? (s|ms|µs|ns)/)
    await page.close()
  })

  it('downloads the buffer on Ctrl+S in the browser', async () => {
    const page = await openWorkbench()
    await typeAtEnd(page, '// edited')
    await page.locator('[data-testid="dirty"]').waitFor()
    const download = page.waitForEvent('download')
    await page.keyboard.press('Control+s')
    const file = await download
    expect(file.suggestedFilename()).toBe('one-thp.ts')
    const path = await file.path()
    const { readFile } = await import('node:fs/promises')
    expect(await readFile(path, 'utf8')).toContain('// edited')
    await expect.poll(() => page.locator('[data-testid="dirty"]').count()).toBe(0)
    await page.close()
  })

  it('shows the model id in the status bar', async () => {
    const page = await openWorkbench()
    const bar = page.locator('[data-testid="status-bar"]')
    await bar.waitFor()
    expect(await bar.locator('[data-testid="model-id"]').innerText()).toBe(MODEL_ID)
    await page.close()
  })

  it('runs only the variants ticked in the picker', async () => {
    const page = await openWorkbench()
    await page.locator('[data-testid="variant-option"][value="baseline"]').uncheck()
    await page.locator('[data-testid="seed"]').fill('7')
    await page.locator('[data-testid="seed"]').press('Tab')
    await runAndWait(page, 'three variants')
    const variants = await page.locator('[data-testid="variant"]').allInnerTexts()
    expect(variants.join('\n')).toMatch(/lazy-deposit/)
    expect(variants.some((t) => /^\s*baseline\b/.test(t))).toBe(false)
    await page.close()
  })

  it('offers an autosaved buffer back after a reload', async () => {
    const page = await openWorkbench()
    await typeAtEnd(page, '// recover me')
    // The autosave tick has stored the buffer.
    await expect
      .poll(() => page.evaluate('localStorage.getItem("hugeswap.autosave")'))
      .toContain('// recover me')
    await page.reload()
    await page.locator('[data-testid="recovery"]').waitFor()
    await page.locator('[data-testid="recover"]').click()
    await expect.poll(() => editorText(page)).toContain('// recover me')
    await page.locator('[data-testid="dirty"]').waitFor()
    await page.close()
  })

  it('asks before leaving the page with unsaved changes, and not once they are saved', async () => {
    const page = await workbench.open()
    await typeAtEnd(page, '// unsaved')
    const asked = new Promise<Dialog>((resolve) => page.once('dialog', resolve))
    await page.close({ runBeforeUnload: true })
    const dialog = await asked
    expect(dialog.type()).toBe('beforeunload')
    await dialog.dismiss()
    expect(page.isClosed()).toBe(false)

    const download = page.waitForEvent('download')
    await page.keyboard.press('Control+s')
    await download
    await expect.poll(() => page.locator('[data-testid="dirty"]').count()).toBe(0)
    const closed = new Promise<void>((resolve) => page.once('close', () => resolve()))
    page.once('dialog', (d) => void d.dismiss())
    await page.close({ runBeforeUnload: true })
    await closed
    expect(page.isClosed()).toBe(true)
  })

  it('raised no uncaught page errors', () => {
    expect(workbench.pageErrors).toEqual([])
  })
})
