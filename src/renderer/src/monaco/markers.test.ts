import { describe, expect, it } from 'vitest'
import type { editor } from 'monaco-editor/editor'
import { SAMPLE_RESULT } from '../../../report/charts/test-fixture'
import { errorMarkers, failedCheckMarkers } from './markers'

/** Just enough of ITextModel for the marker builders. */
function fakeModel(text: string): editor.ITextModel {
  const lines = text.split('\n')
  return {
    getLineCount: () => lines.length,
    getLineMaxColumn: (n: number) => lines[n - 1].length + 1,
    getWordAtPosition: ({ lineNumber, column }: { lineNumber: number; column: number }) => {
      const line = lines[lineNumber - 1]
      const m = /^\w+/.exec(line.slice(column - 1))
      return m ? { word: m[0], startColumn: column, endColumn: column + m[0].length } : null
    },
  } as unknown as editor.ITextModel
}

describe('errorMarkers', () => {
  const model = fakeModel('line one\nconst t = k.spawnn()\n')

  it('puts an error marker on the word at LINE:COL', () => {
    const [m] = errorMarkers(
      { kind: 'runtime', message: 'k.spawnn is not a function', file: 'x.ts', line: 2, column: 13 },
      model,
    )
    expect(m).toMatchObject({ severity: 8, startLineNumber: 2, startColumn: 13, endColumn: 19 })
  })

  it('clamps out-of-range positions and skips errors without a location', () => {
    const [m] = errorMarkers({ kind: 'syntax', message: 'x', line: 99, column: 99 }, model)
    expect(m).toMatchObject({ startLineNumber: 3, startColumn: 1, endColumn: 2 })
    expect(errorMarkers({ kind: 'timeout', message: 'slow' }, model)).toEqual([])
    expect(errorMarkers(null, model)).toEqual([])
  })
})

describe('failedCheckMarkers', () => {
  it('warns at each failed k.expect in this file, naming the variants', () => {
    const model = fakeModel(Array.from({ length: 20 }, () => '    k.expect(x).toBe(1)').join('\n'))
    const markers = failedCheckMarkers(SAMPLE_RESULT, model, 'one-thp.ts')
    expect(markers).toHaveLength(1)
    expect(markers[0]).toMatchObject({ severity: 4, startLineNumber: 14, startColumn: 5 })
    expect(markers[0].message).toContain('baseline: AnonHugePages back: got 0, toBe 2048')
    expect(failedCheckMarkers(SAMPLE_RESULT, model, 'other.ts')).toEqual([])
  })
})
