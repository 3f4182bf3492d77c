import { onScopeDispose } from 'vue'

/**
 * The run keys anywhere on the page: Ctrl/Cmd+Enter runs, Escape cancels a run in progress.
 * Inside Monaco the editor's own command handles Ctrl/Cmd+Enter and marks the event handled, so a
 * run never starts twice; an Escape that Monaco used (closing its suggest or find widget) is
 * marked handled too and does not cancel.
 */
export function useRunShortcut(
  actions: { run: () => void; cancel: () => void; running: () => boolean },
  target: Window | undefined = globalThis.window,
): void {
  if (!target) return
  const onKeydown = (e: KeyboardEvent): void => {
    if (e.defaultPrevented) return
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault()
      actions.run()
    } else if (e.key === 'Escape' && actions.running()) {
      e.preventDefault()
      actions.cancel()
    }
  }
  target.addEventListener('keydown', onKeydown)
  onScopeDispose(() => target.removeEventListener('keydown', onKeydown))
}
