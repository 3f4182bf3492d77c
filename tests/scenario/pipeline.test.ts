import { describe, expect, it } from 'vitest'
import { runScenarioWith } from '../../src/scenario/pipeline'
import type { RunOutcome } from '../../src/shared/result'
import type { RunRequest } from '../../src/shared/worker-protocol'
import { createFakeSimulator, type FakeSimulator } from './fake-sim'

function run(source: string, extra: Partial<RunRequest> = {}) {
  const sims: FakeSimulator[] = []
  const outcome = runScenarioWith(
    (opts) => {
      const s = createFakeSimulator(opts)
      sims.push(s)
      return s
    },
    { source, fileName: 'test.ts', ...extra },
  )
  return { outcome, sims }
}

function errorOf(o: RunOutcome) {
  if (o.ok) throw new Error('expected an error, got a result')
  return o.error
}

const ONE_THP = `import { defineScenario } from 'hugeswap'
export default defineScenario({
  title: 'one',
  variants: ['baseline', 'pmd-swap'],
  run(k) {
    const t = k.spawn('usemem')
    const r = t.mmap('2M', { advice: 'hugepage' })
    t.write(r)
    t.madvise(r, 'pageout')
    k.snapshot('swapped out')
    k.expect(t.smaps(r).Swap, 'whole THP in swap').toBe(2048)
    k.expect(t.smaps(r).AnonHugePages).toBe(k.variant.pmdSwap ? 2048 : 0)
  },
})
`

describe('pipeline with a fake simulator', () => {
  it('runs every variant and assembles the result', async () => {
    const { outcome, sims } = run(ONE_THP)
    const o = await outcome
    if (!o.ok) throw new Error(JSON.stringify(o.error))
    expect(o.result.scenario).toEqual({ title: 'one', file: 'test.ts', seed: 1 })
    expect(o.result.variants.map((v) => v.name)).toEqual(['baseline', 'pmd-swap'])
    expect(sims[0].calls).toEqual([
      'spawn usemem',
      'mmap 100 2097152 hugepage',
      'touch 100 139637976727552 2097152 w - -',
      'madvise 100 139637976727552 2097152 pageout',
      'snapshot swapped out',
      'smaps 100 139637976727552 2097152',
      'smaps 100 139637976727552 2097152',
    ])
    const checks = o.result.variants[1].checks
    expect(checks[0]).toEqual({
      label: 'whole THP in swap',
      pass: true,
      actual: 2048,
      expected: 2048,
      matcher: 'toBe',
      location: 'test.ts:11:7',
    })
    expect(checks[1].label).toBe('expect(2048).toBe(2048)')
    expect(o.result.variants[0].checks.every((c) => c.pass)).toBe(true)
  })

  it('is deterministic: identical input gives identical JSON', async () => {
    const a = JSON.stringify(await run(ONE_THP).outcome)
    const b = JSON.stringify(await run(ONE_THP).outcome)
    expect(a).toBe(b)
  })

  it('reports a runtime error at the throwing line, columns mapped back to TypeScript', async () => {
    const src = `import { defineScenario } from 'hugeswap'
export default defineScenario({
  run(k) {
    const n: number = 1; const x: { y: number } | undefined = undefined as any; x!.y
  },
})
`
    const e = errorOf(await run(src).outcome)
    expect(e.kind).toBe('runtime')
    expect(e.file).toBe('test.ts')
    expect(e.line).toBe(4)
    // the JS column of `x.y` is 31 after types are stripped; the TS column is 80
    expect(e.column).toBeGreaterThan(70)
    expect(e.message).toMatch(/TypeError/)
  })

  it('reports a thrown Error at its line', async () => {
    const src = `import { defineScenario } from 'hugeswap'
function helper() {
  throw new Error('boom')
}
export default defineScenario({ run(k) { helper() } })
`
    const e = errorOf(await run(src).outcome)
    expect(e).toMatchObject({ kind: 'runtime', file: 'test.ts', line: 3, message: 'Error: boom' })
  })

  it('turns a SimUsageError into a guest exception at the calling line', async () => {
    const src = `import { defineScenario } from 'hugeswap'
export default defineScenario({
  run(k) {
    const t = k.spawn()
    const r = t.mmap('2M')
    t.madvise(r, 'pagout' as any)
  },
})
`
    const e = errorOf(await run(src).outcome)
    expect(e).toMatchObject({ kind: 'runtime', file: 'test.ts', line: 6 })
    expect(e.message).toMatch(/^t\.madvise: expected one of 'pageout'/)
  })

  it('lets a scenario catch a usage error and go on', async () => {
    const src = `import { defineScenario } from 'hugeswap'
export default defineScenario({
  variants: ['baseline'],
  run(k) {
    const t = k.spawn()
    t.exit()
    let caught = ''
    try { t.status(); t.mmap('2M') } catch (e: any) { caught = e.name + ': ' + e.message }
    k.expect(caught).toBe('SimUsageError: pid 100 has exited')
  },
})
`
    const o = await run(src).outcome
    if (!o.ok) throw new Error(JSON.stringify(o.error))
    expect(o.result.variants[0].checks[0].pass).toBe(true)
  })

  it('reports a SimInvariantError as an internal error with a location', async () => {
    const src = `import { defineScenario } from 'hugeswap'
export default defineScenario({
  run(k) {
    const t = k.spawn()
    const r = t.mmap('2M')
    try { t.madvise(r, 'collapse') } catch {}
    t.write(r)
  },
})
`
    const e = errorOf(await run(src).outcome)
    expect(e).toMatchObject({ kind: 'internal', file: 'test.ts', line: 6 })
    expect(e.message).toMatch(/invariant violated: content tag mismatch/)
  })

  it('records failed checks without stopping the run', async () => {
    const src = `import { defineScenario } from 'hugeswap'
export default defineScenario({
  variants: ['baseline'],
  run(k) {
    k.expect(1, 'one').toBe(2)
    k.expect(5).toBeGreaterThan(3)
    k.expect(5).toBeLessThan(3)
    k.expect(0.1 + 0.2).toBeCloseTo(0.3)
    k.expect(10).toBeCloseTo(11, 0.5)
    k.expect({ a: [1, 2] }).toEqual({ a: [1, 2] })
    k.expect('x' as unknown as number).toBeGreaterThan(1)
  },
})
`
    const o = await run(src).outcome
    if (!o.ok) throw new Error(JSON.stringify(o.error))
    expect(o.result.variants[0].checks.map((c) => c.pass)).toEqual([
      false,
      true,
      false,
      true,
      false,
      true,
      false,
    ])
    expect(o.result.variants[0].checks[0].location).toBe('test.ts:5:7')
  })

  it('supports async run(k), ranges, fork, sub-ranges and the other calls', async () => {
    const src = `import { defineScenario } from 'hugeswap'
export default defineScenario({
  variants: ['baseline'],
  async run(k) {
    const t = k.spawn('p')
    const r = t.mmap(4 * 1024 * 1024)
    await null
    t.read(r.sub('2M', '1M'), { pages: 0.5, order: 'random' })
    const c = t.fork()
    c.read(r)
    k.expect(c.comm).toBe('p')
    k.expect(r.sub('1M', '4K').start - r.start).toBe(1048576)
    k.expect(t.pagemap(r.sub(0, '8K')).length).toBe(2)
    const moved = t.mremap(r)
    k.expect(moved.length).toBe(r.length)
    t.mprotect(moved, 'r'); t.munmap(moved)
    k.expect(k.reclaim('1M')).toBe(1048576)
    k.sleep(5); k.khugepaged(2); k.swapoff(); k.swapon(0)
    k.expect(c.status().VmSwap).toBe(2048)
    k.expect(k.meminfo().MemTotal).toBe(8 * 1024 * 1024)
    c.exit()
  },
})
`
    const { outcome, sims } = run(src)
    const o = await outcome
    if (!o.ok) throw new Error(JSON.stringify(o.error))
    expect(o.result.variants[0].checks.every((c) => c.pass)).toBe(true)
    expect(sims[0].calls).toContain('touch 100 139637978824704 1048576 r 0.5 random')
    expect(sims[0].calls).toContain('touch 101 139637976727552 4194304 r - -')
  })

  it('rejects bad ranges and sub-ranges with a clear message', async () => {
    const src = `import { defineScenario } from 'hugeswap'
export default defineScenario({
  run(k) {
    const r = k.spawn().mmap('2M')
    r.sub('1M', '2M')
  },
})
`
    const e = errorOf(await run(src).outcome)
    expect(e).toMatchObject({ kind: 'runtime', line: 5 })
    expect(e.message).toMatch(/range\.sub: \[1048576, 3145728\) is not inside/)
  })

  it('uses a fresh sandbox per variant', async () => {
    const src = `import { defineScenario } from 'hugeswap'
let counter = 0
export default defineScenario({
  run(k) {
    counter++
    k.expect(counter, 'counter').toBe(1)
  },
})
`
    const o = await run(src).outcome
    if (!o.ok) throw new Error(JSON.stringify(o.error))
    expect(o.result.variants).toHaveLength(4)
    for (const v of o.result.variants) expect(v.checks[0]).toMatchObject({ pass: true, actual: 1 })
  })

  it('seeds Math.random and hides the clock', async () => {
    const src = `import { defineScenario } from 'hugeswap'
export default defineScenario({
  seed: 7,
  variants: ['baseline', 'pmd-swap'],
  run(k) {
    k.expect(typeof Date, 'no Date').toBe('undefined')
    k.expect(Math.random(), 'random').toBeGreaterThan(-1)
  },
})
`
    const o = await run(src).outcome
    if (!o.ok) throw new Error(JSON.stringify(o.error))
    const [a, b] = o.result.variants.map((v) => v.checks[1].actual)
    expect(a).toBe(b)
    expect(o.result.scenario.seed).toBe(7)
    expect(o.result.variants[0].checks[0].pass).toBe(true)
  })
})

describe('options', () => {
  it('rejects an unknown variant, pointing at the variants line', async () => {
    const src = `import { defineScenario } from 'hugeswap'
export default defineScenario({
  title: 'x',
  variants: ['baseline', 'pmd_swap' as any],
  run(k) {},
})
`
    const e = errorOf(await run(src).outcome)
    expect(e).toMatchObject({ kind: 'option', file: 'test.ts', line: 4, column: 3 })
    expect(e.message).toMatch(/unknown variant "pmd_swap"/)
  })

  it('rejects a bad machine with the normalizeMachine message', async () => {
    const src = `import { defineScenario } from 'hugeswap'
export default defineScenario({
  machine: { memory: '8G', thp: { enabled: 'sometimes' as any } },
  run(k) {},
})
`
    const e = errorOf(await run(src).outcome)
    expect(e).toMatchObject({ kind: 'option', file: 'test.ts', line: 3 })
    expect(e.message).toMatch(/machine\.thp\.enabled: expected one of/)
  })

  it('rejects a module without a default export', async () => {
    const e = errorOf(await run(`export const x = 1\n`).outcome)
    expect(e.message).toMatch(/no default export/)
  })

  it('applies request overrides for variants and seed', async () => {
    const o = await run(ONE_THP, { variants: ['pmd-swap+lazy-deposit'], seed: 42 }).outcome
    if (!o.ok) throw new Error(JSON.stringify(o.error))
    expect(o.result.variants.map((v) => v.name)).toEqual(['pmd-swap+lazy-deposit'])
    expect(o.result.scenario.seed).toBe(42)
  })

  it('rejects an unknown --variants name without a file location', async () => {
    const e = errorOf(await run(ONE_THP, { variants: ['nope' as never] }).outcome)
    expect(e).toMatchObject({ kind: 'option' })
    expect(e.file).toBeUndefined()
  })
})

describe('syntax', () => {
  it('reports a TypeScript syntax error at line:col', async () => {
    const e = errorOf(await run(`import { defineScenario } from 'hugeswap'\nconst = 3\n`).outcome)
    expect(e).toEqual({
      kind: 'syntax',
      file: 'test.ts',
      line: 2,
      column: 7,
      message: 'Unexpected token',
    })
  })
})
