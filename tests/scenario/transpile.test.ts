import { describe, expect, it } from 'vitest'
import { lineColumnAt, toSourcePosition, transpileScenario } from '../../src/scenario/transpile'

const TS = `import { defineScenario, type Task } from 'hugeswap'
interface Opts {
  size: string
}
type Pid = number
const opts: Opts = { size: '2M' } satisfies Opts
function touch(t: Task, n: number = 1): void {
  for (let i: number = 0; i < n; i++) t.write(t.mmap(opts.size))
}
enum Never { A }
export default defineScenario({ run(k) { touch(k.spawn() as Task, 2 as Pid) } })
`

describe('transpileScenario', () => {
  it('keeps ESM and every line where it was', () => {
    const out = transpileScenario(TS, 'a.ts')
    if (!out.ok) throw new Error(out.error.message)
    const js = out.value.code.split('\n')
    expect(js.length).toBe(TS.split('\n').length)
    expect(js[0]).toMatch(/^import \{ defineScenario,\s*\} from 'hugeswap'/)
    expect(js[6]).toMatch(/^function touch\(t, n = 1\) \{/)
    expect(js[7]).toMatch(/t\.write\(t\.mmap\(opts\.size\)\)/)
    expect(js[10]).toMatch(/^export default defineScenario/)
  })

  it('maps generated columns back to the TypeScript columns', () => {
    const out = transpileScenario(TS, 'a.ts')
    if (!out.ok) throw new Error(out.error.message)
    const line = 8
    const jsCol = out.value.code.split('\n')[line - 1].indexOf('t.write') + 1
    const tsCol = TS.split('\n')[line - 1].indexOf('t.write') + 1
    expect(jsCol).not.toBe(tsCol)
    expect(toSourcePosition(out.value, line, jsCol)).toEqual({ line, column: tsCol })
  })

  it('marks every loop body with a call mapped to the loop itself (timeouts point at loops)', () => {
    const out = transpileScenario(TS, 'a.ts')
    if (!out.ok) throw new Error(out.error.message)
    const js = out.value.code.split('\n')[7]
    expect(js).toMatch(/\{__hugeswap_loop\(\);t\.write\(t\.mmap\(opts\.size\)\)\}/)
    const markCol = js.indexOf('__hugeswap_loop') + 1
    const forCol = TS.split('\n')[7].indexOf('for') + 1
    for (const col of [markCol, markCol + 15])
      expect(toSourcePosition(out.value, 8, col)).toEqual({ line: 8, column: forCol })
  })

  it('reports a syntax error with its line and column', () => {
    const out = transpileScenario(`const a = 1\nlet b: = 2\n`, 'bad.ts')
    expect(out).toEqual({
      ok: false,
      error: { kind: 'syntax', file: 'bad.ts', line: 2, column: 8, message: 'Unexpected token' },
    })
  })

  it('lineColumnAt counts 1-based lines and columns', () => {
    expect(lineColumnAt('ab\ncd', 0)).toEqual({ line: 1, column: 1 })
    expect(lineColumnAt('ab\ncd', 4)).toEqual({ line: 2, column: 2 })
  })
})
