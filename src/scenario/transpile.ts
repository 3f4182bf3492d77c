/**
 * TypeScript -> JavaScript for the sandbox. sucrase strips types and keeps ESM `import`/`export`
 * (QuickJS evaluates the result as an ES module) and every line where it was, so a QuickJS stack
 * frame's line is the TypeScript line. Columns move when types are removed on the same line; the
 * token-level source map sucrase emits brings them back (`toSourcePosition`).
 */
import { transform } from 'sucrase'
import type { ScenarioError } from '../shared/result'
import { decodeMappings, type LineSegments } from './source-map'

export interface Transpiled {
  /** JavaScript, line for line the TypeScript source. */
  code: string
  /** Per generated line: [generatedColumn, sourceColumn] pairs (0-based), sorted. */
  lines: LineSegments[]
}

export type TranspileOutcome = { ok: true; value: Transpiled } | { ok: false; error: ScenarioError }

export function transpileScenario(source: string, fileName: string): TranspileOutcome {
  try {
    const out = transform(source, {
      transforms: ['typescript'],
      filePath: fileName,
      sourceMapOptions: { compiledFilename: fileName.replace(/\.ts$/, '.js') },
      disableESTransforms: true,
    })
    const lines = out.sourceMap ? decodeMappings(out.sourceMap.mappings) : []
    return { ok: true, value: { code: out.code, lines } }
  } catch (e) {
    return { ok: false, error: syntaxError(e, source, fileName) }
  }
}

/** sucrase throws a SyntaxError whose `pos` is a character offset and message ends in `(L:C)`. */
function syntaxError(e: unknown, source: string, fileName: string): ScenarioError {
  // sucrase says `Error transforming one-thp.ts: Unexpected token (5:3)`; the location is ours.
  const message =
    e instanceof Error
      ? e.message.replace(/^Error transforming [^:]*: /, '').replace(/\s*\(\d+:\d+\)$/, '')
      : String(e)
  const pos = (e as { pos?: unknown } | null)?.pos
  if (typeof pos !== 'number') return { kind: 'syntax', file: fileName, message }
  const { line, column } = lineColumnAt(source, pos)
  return { kind: 'syntax', file: fileName, line, column, message }
}

/** 1-based line and column of a character offset. */
export function lineColumnAt(source: string, offset: number): { line: number; column: number } {
  let line = 1
  let lineStart = 0
  const end = Math.min(offset, source.length)
  for (let i = 0; i < end; i++) {
    if (source.charCodeAt(i) === 10) {
      line++
      lineStart = i + 1
    }
  }
  return { line, column: end - lineStart + 1 }
}

/**
 * Maps a 1-based (line, column) in the generated JavaScript to the TypeScript source. Lines are
 * identical; the column is moved by the offset of the nearest token at or before it.
 */
export function toSourcePosition(
  t: Transpiled,
  line: number,
  column: number,
): { line: number; column: number } {
  const segments = t.lines[line - 1]
  if (!segments || segments.length === 0) return { line, column }
  const col0 = column - 1
  let best: [number, number] | undefined
  for (const seg of segments) {
    if (seg[0] > col0) break
    best = seg
  }
  if (!best) return { line, column }
  return { line, column: best[1] + (col0 - best[0]) + 1 }
}
