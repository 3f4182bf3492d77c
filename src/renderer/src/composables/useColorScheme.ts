import { onScopeDispose, ref, type Ref } from 'vue'

/** True while the system prefers a dark colour scheme; follows changes live. */
export function useColorScheme(win: Window | undefined = globalThis.window): Ref<boolean> {
  const dark = ref(false)
  const query = win?.matchMedia?.('(prefers-color-scheme: dark)')
  if (!query) return dark
  dark.value = query.matches
  const update = (e: MediaQueryListEvent): void => {
    dark.value = e.matches
  }
  query.addEventListener('change', update)
  onScopeDispose(() => query.removeEventListener('change', update))
  return dark
}
