/** Scenario errors as Monaco markers. Pure apart from reading the model's words. */
import type { editor } from 'monaco-editor/editor'
import type { ResultJson, ScenarioError } from '../../../shared/result'

export const RUN_MARKER_OWNER = 'hugeswap-run'

/** 8 = MarkerSeverity.Error; a literal so this module needs no Monaco runtime. */
const SEVERITY_ERROR = 8

/** The marker for an error with a location, spanning the word at that spot; none without one. */
export function errorMarkers(
  error: ScenarioError | null,
  model: editor.ITextModel,
): editor.IMarkerData[] {
  if (!error || error.line === undefined) return []
  const line = Math.min(Math.max(1, error.line), model.getLineCount())
  const maxColumn = model.getLineMaxColumn(line)
  const column = Math.min(Math.max(1, error.column ?? 1), maxColumn)
  const word = model.getWordAtPosition({ lineNumber: line, column })
  const endColumn =
    word && word.endColumn > column ? word.endColumn : Math.min(column + 1, maxColumn)
  return [
    {
      severity: SEVERITY_ERROR,
      message: error.message,
      source: `hugeswap (${error.kind})`,
      startLineNumber: line,
      startColumn: column,
      endLineNumber: line,
      endColumn: endColumn > column ? endColumn : column + 1,
    },
  ]
}

/** A check's value as JSON, and `undefined` for a missing property (JSON has no word for it). */
const shown = (x: unknown): string => (x === undefined ? 'undefined' : JSON.stringify(x))

/** 4 = MarkerSeverity.Warning. */
const SEVERITY_WARNING = 4

/** `one-thp.ts:18:13` -> line and column, when the file is the one in the editor. */
function parseLocation(location: string | undefined, fileName: string): [number, number] | null {
  const m = location ? /^(.*):(\d+):(\d+)$/.exec(location) : null
  if (!m || m[1] !== fileName) return null
  return [Number(m[2]), Number(m[3])]
}

/** Failed checks as warnings at their `k.expect` call, one marker per place listing the variants. */
export function failedCheckMarkers(
  result: ResultJson | null,
  model: editor.ITextModel,
  fileName: string,
): editor.IMarkerData[] {
  const byPlace = new Map<string, { line: number; column: number; lines: string[] }>()
  for (const v of result?.variants ?? []) {
    for (const c of v.checks) {
      const at = c.pass ? null : parseLocation(c.location, fileName)
      if (!at) continue
      const key = at.join(':')
      const place = byPlace.get(key) ?? { line: at[0], column: at[1], lines: [] }
      place.lines.push(
        `${v.name}: ${c.label || 'check'}: got ${shown(c.actual)}, ${c.matcher} ${shown(c.expected)}`,
      )
      byPlace.set(key, place)
    }
  }
  return [...byPlace.values()].map((p) => {
    const line = Math.min(Math.max(1, p.line), model.getLineCount())
    return {
      severity: SEVERITY_WARNING,
      message: `Check failed\n${p.lines.join('\n')}`,
      source: 'hugeswap',
      startLineNumber: line,
      startColumn: Math.max(1, p.column),
      endLineNumber: line,
      endColumn: model.getLineMaxColumn(line),
    }
  })
}
