/**
 * TypeScript -> JavaScript for the sandbox. sucrase strips types and keeps ESM `import`/`export`
 * (QuickJS evaluates the result as an ES module) and every line where it was, so a QuickJS stack
 * frame's line is the TypeScript line. Columns move when types are removed on the same line; the
 * token-level source map sucrase emits brings them back (`toSourcePosition`).
 */
import { parse, type Node } from 'acorn'
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
    return { ok: true, value: markLoops({ code: out.code, lines }) }
  } catch (e) {
    return { ok: false, error: syntaxError(e, source, fileName) }
  }
}

/** What every loop body calls first (guest-prelude.ts defines it: an empty function). */
export const LOOP_MARK = '__hugeswap_loop'

const LOOPS = new Set([
  'ForStatement',
  'ForInStatement',
  'ForOfStatement',
  'WhileStatement',
  'DoWhileStatement',
])

/**
 * Makes every loop body start with a call to LOOP_MARK. QuickJS records a frame's position only
 * at calls, so a loop that calls nothing (\`for (;;) {}\`, a busy counter) would be reported at
 * the last call before it when the time limit stops it: with the mark, the limit points at the
 * loop. The call goes on the body's first line and is mapped to the loop's own column when the
 * loop starts on that line; no line moves, and the source map's columns are shifted past it.
 * Code acorn cannot parse is left as it is (the position is then only less precise).
 */
export function markLoops(t: Transpiled): Transpiled {
  let ast: Node
  try {
    ast = parse(t.code, { ecmaVersion: 'latest', sourceType: 'module' }) as Node
  } catch {
    return t
  }
  const inserts: { at: number; text: string; loopStart: number }[] = []
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit)
    if (node === null || typeof node !== 'object') return
    const n = node as Node & { body?: Node }
    if (typeof n.type !== 'string') return
    if (LOOPS.has(n.type) && n.body) {
      const call = `${LOOP_MARK}();`
      if (n.body.type === 'BlockStatement') {
        inserts.push({ at: n.body.start + 1, text: call, loopStart: n.start })
      } else {
        inserts.push({ at: n.body.start, text: `{${call}`, loopStart: n.start })
        inserts.push({ at: n.body.end, text: '}', loopStart: -1 })
      }
    }
    for (const [key, value] of Object.entries(n)) {
      if (key !== 'type' && key !== 'start' && key !== 'end') visit(value)
    }
  }
  visit(ast)
  if (inserts.length === 0) return t
  inserts.sort((a, b) => b.at - a.at)
  let code = t.code
  const lines = t.lines.map((segs) => segs.map((s) => [s[0], s[1]] as [number, number]))
  for (const { at, text, loopStart } of inserts) {
    const { line, column } = lineColumnAt(code, at)
    const col0 = column - 1
    const segs = (lines[line - 1] ??= [])
    // The source column the text at `at` had, before anything moved.
    const src = toSourcePosition({ code, lines }, line, column).column - 1
    const loop = loopStart >= 0 ? lineColumnAt(code, loopStart) : null
    const callSrc =
      loop && loop.line === line
        ? toSourcePosition({ code, lines }, line, loop.column).column - 1
        : src
    for (const seg of segs) if (seg[0] >= col0) seg[0] += text.length
    // Every column of the inserted call maps to the loop (QuickJS may report any of them).
    for (let i = 0; i < text.length; i++) segs.push([col0 + i, callSrc])
    segs.push([col0 + text.length, src])
    segs.sort((a, b) => a[0] - b[0])
    code = code.slice(0, at) + text + code.slice(at)
  }
  return { code, lines }
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
