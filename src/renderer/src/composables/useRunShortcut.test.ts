import { effectScope } from 'vue'
import { describe, expect, it, vi } from 'vitest'
import { useRunShortcut } from './useRunShortcut'

function setup(running: boolean) {
  const run = vi.fn()
  const cancel = vi.fn()
  const scope = effectScope()
  scope.run(() => useRunShortcut({ run, cancel, running: () => running }, window))
  const press = (init: KeyboardEventInit): KeyboardEvent => {
    const e = new KeyboardEvent('keydown', { cancelable: true, ...init })
    window.dispatchEvent(e)
    return e
  }
  return { run, cancel, press, stop: () => scope.stop() }
}

describe('useRunShortcut', () => {
  it('runs on Ctrl+Enter and Cmd+Enter, not on a bare Enter', () => {
    const s = setup(false)
    expect(s.press({ key: 'Enter', ctrlKey: true }).defaultPrevented).toBe(true)
    s.press({ key: 'Enter', metaKey: true })
    s.press({ key: 'Enter' })
    expect(s.run).toHaveBeenCalledTimes(2)
    s.stop()
  })

  it('cancels on Escape only while a run is going', () => {
    const idle = setup(false)
    idle.press({ key: 'Escape' })
    expect(idle.cancel).not.toHaveBeenCalled()
    idle.stop()
    const busy = setup(true)
    busy.press({ key: 'Escape' })
    expect(busy.cancel).toHaveBeenCalledTimes(1)
    busy.stop()
  })

  it('leaves keys alone that the editor already handled, and stops listening with its scope', () => {
    const s = setup(true)
    const handled = new KeyboardEvent('keydown', { key: 'Escape', cancelable: true })
    handled.preventDefault()
    window.dispatchEvent(handled)
    expect(s.cancel).not.toHaveBeenCalled()
    s.stop()
    s.press({ key: 'Enter', ctrlKey: true })
    expect(s.run).not.toHaveBeenCalled()
  })
})
