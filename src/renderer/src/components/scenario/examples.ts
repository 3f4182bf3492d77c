/**
 * Every scenario under scenarios/ (selftests included), bundled into the renderer as raw text so
 * the gallery works offline in both builds.
 */
const modules = import.meta.glob<string>('../../../../../scenarios/**/*.ts', {
  query: '?raw',
  import: 'default',
  eager: true,
})

export interface Example {
  /** Path below scenarios/, e.g. `fallbacks/F2-swap-file.ts`. */
  id: string
  /** Base name, used as the editor's file name. */
  fileName: string
  /** Folder below scenarios/ ('' for top-level files). */
  group: string
  /** First line of the leading doc comment, if any. */
  title: string
  source: string
}

function titleOf(source: string): string {
  const m = /^\s*\/\*\*?\s*\n?\s*\*?\s*(.+)/.exec(source) ?? /^\s*\/\/\s*(.+)/.exec(source)
  return m?.[1]?.replace(/\*\/\s*$/, '').trim() ?? ''
}

export const EXAMPLES: readonly Example[] = Object.entries(modules)
  .map(([path, source]) => {
    const id = path.replace(/^.*?\/scenarios\//, '')
    const parts = id.split('/')
    return {
      id,
      fileName: parts[parts.length - 1]!,
      group: parts.slice(0, -1).join('/'),
      title: titleOf(source),
      source,
    }
  })
  .sort((a, b) => (a.group === b.group ? a.id.localeCompare(b.id) : a.group.localeCompare(b.group)))

/** Examples whose path, or title, or text contains every word of `query` (case-insensitive). */
export function searchExamples(query: string, examples: readonly Example[] = EXAMPLES): Example[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean)
  if (words.length === 0) return [...examples]
  return examples.filter((e) => {
    const hay = `${e.id}\n${e.title}\n${e.source}`.toLowerCase()
    return words.every((w) => hay.includes(w))
  })
}
