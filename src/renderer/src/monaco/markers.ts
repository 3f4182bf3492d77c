/** Scenario errors as Monaco markers. Pure apart from reading the model's words. */
import type { editor } from 'monaco-editor/editor'
import type { ScenarioError } from '../../../shared/result'

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
