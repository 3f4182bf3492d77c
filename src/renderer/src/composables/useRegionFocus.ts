import { onScopeDispose } from 'vue'

/** What Tab can land on; Monaco's own input element included. */
const FOCUSABLE = [
  'button:not([disabled])',
  'select:not([disabled])',
  'input:not([disabled])',
  'textarea:not([disabled])',
  '[tabindex]:not([tabindex="-1"])',
  'a[href]',
].join(', ')

/**
 * F6 / Shift+F6 move the focus to the next / previous region of the workbench (the toolbar, the
 * editor, the results), as in VS Code and browsers. It is the way out of the editor for keyboard
 * users, since Tab inside Monaco indents (Ctrl+M toggles that too). Regions are the elements
 * marked `data-region`, in document order. A region lands on its main control, the focusable
 * inside its `data-region-focus` element (the editor's text, not a banner above it), else on its
 * first focusable.
 */
export function useRegionFocus(root: Document | undefined = globalThis.document): void {
  if (!root) return
  const onKeydown = (e: KeyboardEvent): void => {
    if (e.key !== 'F6' || e.ctrlKey || e.metaKey || e.altKey) return
    const regions = [...root.querySelectorAll<HTMLElement>('[data-region]')].filter(
      (r) => r.offsetParent !== null,
    )
    if (regions.length === 0) return
    e.preventDefault()
    const current = regions.findIndex((r) => r.contains(root.activeElement))
    const step = e.shiftKey ? -1 : 1
    const start = current === -1 ? (e.shiftKey ? 0 : -1) : current
    // Skip a region with nothing to focus (the results before any run).
    for (let i = 1; i <= regions.length; i++) {
      const region = regions[(start + step * i + regions.length * 2) % regions.length]!
      const target =
        region.querySelector<HTMLElement>(`[data-region-focus] :is(${FOCUSABLE})`) ??
        region.querySelector<HTMLElement>(FOCUSABLE)
      if (target) {
        target.focus()
        return
      }
    }
  }
  root.addEventListener('keydown', onKeydown, true)
  onScopeDispose(() => root.removeEventListener('keydown', onKeydown, true))
}
