import { onBeforeUnmount, onMounted, shallowRef, watch, type Ref } from 'vue'
import { monaco } from '../monaco/setup'
import { useColorScheme } from './useColorScheme'

export interface MonacoEditorOptions {
  /** The element to mount into. */
  container: Ref<HTMLElement | null>
  /** Initial text. */
  value: string
  /** Model URI path, e.g. `/one-thp.ts`: TypeScript needs the .ts extension. */
  path: string
  onChange: (text: string) => void
  /** Ctrl/Cmd+Enter inside the editor. */
  onRun: () => void
}

/** Creates a TypeScript editor in `container`; the instance lives in a shallowRef, never a store. */
export function useMonacoEditor(options: MonacoEditorOptions) {
  const editor = shallowRef<monaco.editor.IStandaloneCodeEditor | null>(null)
  const dark = useColorScheme()

  onMounted(() => {
    const el = options.container.value
    if (!el) return
    const uri = monaco.Uri.file(options.path)
    const model =
      monaco.editor.getModel(uri) ?? monaco.editor.createModel(options.value, 'typescript', uri)
    const instance = monaco.editor.create(el, {
      model,
      theme: dark.value ? 'vs-dark' : 'vs',
      automaticLayout: true,
      minimap: { enabled: false },
      fontSize: 13,
      tabSize: 2,
      scrollBeyondLastLine: false,
      fixedOverflowWidgets: true,
    })
    instance.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter, () => options.onRun())
    model.onDidChangeContent(() => options.onChange(model.getValue()))
    editor.value = instance
  })

  watch(dark, (isDark) => monaco.editor.setTheme(isDark ? 'vs-dark' : 'vs'))

  onBeforeUnmount(() => {
    editor.value?.getModel()?.dispose()
    editor.value?.dispose()
    editor.value = null
  })

  return { editor }
}
