import { effectScope } from 'vue'
import { afterEach, describe, expect, it } from 'vitest'
import { useRegionFocus } from './useRegionFocus'

// happy-dom has no layout: every element counts as shown.
function page(html: string): () => void {
  document.body.innerHTML = html
  for (const el of document.querySelectorAll<HTMLElement>('[data-region]'))
    Object.defineProperty(el, 'offsetParent', { get: () => document.body })
  const scope = effectScope()
  scope.run(() => useRegionFocus(document))
  return () => scope.stop()
}

const f6 = (shiftKey = false): void =>
  void document.dispatchEvent(
    new KeyboardEvent('keydown', { key: 'F6', shiftKey, bubbles: true, cancelable: true }),
  )
const focused = (): string | null => (document.activeElement as HTMLElement).id || null

describe('useRegionFocus', () => {
  let stop: () => void = () => undefined
  afterEach(() => stop())

  it('cycles the regions with F6 and back with Shift+F6, skipping an empty one', () => {
    stop = page(`
      <header data-region="toolbar"><button id="run">Run</button></header>
      <section data-region="editor"><div id="edit" tabindex="0"></div></section>
      <section data-region="empty"><p>nothing yet</p></section>
      <section data-region="results"><button id="export" disabled></button><select id="pick"></select></section>`)
    f6()
    expect(focused()).toBe('run')
    f6()
    expect(focused()).toBe('edit')
    f6()
    expect(focused()).toBe('pick')
    f6()
    expect(focused()).toBe('run')
    f6(true)
    expect(focused()).toBe('pick')
    f6(true)
    expect(focused()).toBe('edit')
  })

  it("lands on a region's main control before the controls above it", () => {
    stop = page(`
      <header data-region="toolbar"><button id="run">Run</button></header>
      <section data-region="editor">
        <div role="alert"><button id="restore">Restore it</button></div>
        <div data-region-focus><div id="edit" tabindex="0"></div></div>
      </section>`)
    f6()
    f6()
    expect(focused()).toBe('edit')
  })

  it('leaves other keys and modified F6 alone', () => {
    stop = page(`<header data-region="toolbar"><button id="run">Run</button></header>`)
    const e = new KeyboardEvent('keydown', { key: 'F6', ctrlKey: true, cancelable: true })
    document.dispatchEvent(e)
    expect(e.defaultPrevented).toBe(false)
    expect(focused()).toBe(null)
  })
})
