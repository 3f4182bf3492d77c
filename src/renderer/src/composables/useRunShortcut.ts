import { onScopeDispose } from 'vue'

/**
 * Ctrl/Cmd+Enter anywhere on the page. Inside Monaco the editor's own command handles the key and
 * marks the event handled, so a run never starts twice.
 */
export function useRunShortcut(
  run: () => void,
  target: Window | undefined = globalThis.window,
): void {
  if (!target) return
  const onKeydown = (e: KeyboardEvent): void => {
    if (e.defaultPrevented || e.key !== 'Enter' || !(e.ctrlKey || e.metaKey)) return
    e.preventDefault()
    run()
  }
  target.addEventListener('keydown', onKeydown)
  onScopeDispose(() => target.removeEventListener('keydown', onKeydown))
}
