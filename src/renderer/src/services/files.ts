/**
 * Opening and saving scenario files. In Electron, main shows native dialogs and writes atomically
 * (file:open / file:save / file:save-as); in the browser, Open is an upload and Save a download.
 */
import type { HugeswapApi, OpenedFile, SavedFile } from '../../../shared/ipc'
import { getBackend } from './backend'

export type NativeFiles = NonNullable<HugeswapApi['file']>

/** The native file verbs when the Electron preload provides them. */
export function nativeFiles(): NativeFiles | null {
  return getBackend().file ?? null
}

/** Lets the user pick a local file through a hidden <input type=file>; null when cancelled. */
export function uploadFile(doc: Document = document): Promise<OpenedFile | null> {
  return new Promise((resolve) => {
    const input = doc.createElement('input')
    input.type = 'file'
    input.accept = '.ts,text/plain,text/typescript'
    input.style.display = 'none'
    input.dataset['testid'] = 'file-input'
    const done = (value: OpenedFile | null): void => {
      input.remove()
      resolve(value)
    }
    input.addEventListener('change', () => {
      const file = input.files?.[0]
      if (!file) return done(null)
      void file.text().then(
        (source) => done({ path: '', name: file.name, source }),
        () => done(null),
      )
    })
    input.addEventListener('cancel', () => done(null))
    doc.body.append(input)
    input.click()
  })
}

/** Browser downloads through an `<a download>` blob link (works in Electron's renderer too). */
export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = fileName
  a.style.display = 'none'
  document.body.append(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

export function downloadText(text: string, fileName: string, type: string): void {
  downloadBlob(new Blob([text], { type }), fileName)
}

/** Offers `source` as a download named `name`. */
export function downloadFile(name: string, source: string): SavedFile {
  downloadText(source, name, 'text/typescript')
  return { path: '', name }
}
