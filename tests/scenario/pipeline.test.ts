import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { runScenarioWith } from '../../src/scenario/pipeline'
import { SimInvariantError } from '../../src/sim/api'
import {
  VARIANT_FEATURES,
  VARIANT_NAMES,
  type RunOutcome,
  type VariantFeatures,
} from '../../src/shared/result'
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
    expect(o.result.scenario).toEqual({
      title: 'one',
      file: 'test.ts',
      seed: 1,
      sha256: createHash('sha256').update(ONE_THP).digest('hex'),
    })
    expect(o.result.machine?.swap[0].type).toBe('nvme')
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
    expect(o.result.variants).toHaveLength(VARIANT_NAMES.length)
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

describe('mincore, clear_refs, userfaultfd, zswap, folio split, pins and k.machine', () => {
  it('binds each call to the simulator', async () => {
    const src = `import { defineScenario } from 'hugeswap'
export default defineScenario({
  variants: ['pmd-swap'],
  run(k) {
    const t = k.spawn('uffd')
    const r = t.mmap('2M')
    const dst = t.mmap('4M')
    k.expect(t.mincore(r.sub(0, '16K')), 'mincore').toEqual([true, false, true, false])
    t.clearRefs()
    t.clearRefs(1)
    t.uffdRegister(dst, ['missing', 'wp'])
    t.uffdProtect(r, 'wp')
    t.uffdProtect(r.sub('1M', '4K'), 'rwp', false)
    k.expect(t.uffdMove(dst, r), 'moved').toBe(2097152)
    k.expect(t.uffdEvents(), 'events').toEqual([
      { addr: r.start, write: true, wp: true, rwp: false, missing: false },
    ])
    k.expect(t.uffdEvents().length, 'queue emptied').toBe(0)
    k.zswap(true)
    k.zswap(false)
    k.expect(k.splitFolio(t, r), 'split').toBe(true)
    k.expect(k.splitFolio(t, r.sub('4K', '4K')), 'not a folio head').toBe(false)
    t.pin(r)
    t.unpin(r.sub('1M', '1M'))
  },
})
`
    const { outcome, sims } = run(src)
    const o = await outcome
    if (!o.ok) throw new Error(JSON.stringify(o.error))
    expect(o.result.variants[0].checks.filter((c) => !c.pass)).toEqual([])
    const r = 139637976727552
    const dst = r + 2 * 1024 * 1024
    expect(sims[0].calls.slice(3)).toEqual([
      `mincore 100 ${r} 16384`,
      'clearRefs 100 4',
      'clearRefs 100 1',
      `uffdRegister 100 ${dst} 4194304 missing,wp`,
      `uffdProtect 100 ${r} 2097152 wp true`,
      `uffdProtect 100 ${r + 1048576} 4096 rwp false`,
      `uffdMove 100 ${dst} ${r} 2097152`,
      'uffdEvents 100',
      'uffdEvents 100',
      'zswap true',
      'zswap false',
      `splitFolio 100 ${r}`,
      `splitFolio 100 ${r + 4096}`,
      `pin 100 ${r} 2097152 true`,
      `pin 100 ${r + 1048576} 1048576 false`,
    ])
  })

  it('rejects bad arguments with messages naming the call', async () => {
    const src = `import { defineScenario } from 'hugeswap'
export default defineScenario({
  variants: ['baseline'],
  run(k) {
    const t = k.spawn()
    const r = t.mmap('2M')
    const bad: [string, () => unknown][] = [
      ['clearRefs 2', () => t.clearRefs(2 as any)],
      ['clearRefs str', () => t.clearRefs('4' as any)],
      ['register none', () => t.uffdRegister(r, [])],
      ['register typo', () => t.uffdRegister(r, ['wr' as any])],
      ['register twice', () => t.uffdRegister(r, ['wp', 'wp'])],
      ['register no list', () => t.uffdRegister(r, 'wp' as any)],
      ['protect mode', () => t.uffdProtect(r, 'missing' as any)],
      ['protect flag', () => t.uffdProtect(r, 'wp', 'yes' as any)],
      ['move short', () => t.uffdMove(r.sub(0, '4K'), r)],
      ['move no src', () => t.uffdMove(r, undefined as any)],
      ['mincore', () => t.mincore({} as any)],
      ['zswap', () => k.zswap('on' as any)],
      ['split task', () => k.splitFolio({ pid: 999 } as any, r)],
      ['split no task', () => k.splitFolio(undefined as any, r)],
      ['split range', () => k.splitFolio(t, null as any)],
      ['pin range', () => t.pin(undefined as any)],
      ['unpin range', () => t.unpin({ start: 0, length: 0 } as any)],
    ]
    for (const [label, f] of bad) {
      let message = 'no error'
      try { f() } catch (e: any) { message = e.name + ': ' + e.message }
      k.expect(message, label).toBe('')
    }
  },
})
`
    const o = await run(src).outcome
    if (!o.ok) throw new Error(JSON.stringify(o.error))
    const messages = Object.fromEntries(
      o.result.variants[0].checks.map((c) => [c.label, c.actual as string]),
    )
    expect(messages).toEqual({
      'clearRefs 2':
        'SimUsageError: t.clearRefs: expected 1 (referenced bits) or 4 (soft-dirty bits), got 2',
      'clearRefs str':
        'SimUsageError: t.clearRefs: expected 1 (referenced bits) or 4 (soft-dirty bits), got "4"',
      'register none':
        "SimUsageError: t.uffdRegister: expected a non-empty list of modes ('missing', 'wp', 'rwp')",
      'register typo':
        "SimUsageError: t.uffdRegister: mode: expected one of 'missing', 'wp', 'rwp', got \"wr\"",
      'register twice': "SimUsageError: t.uffdRegister: mode 'wp' is listed twice",
      'register no list':
        "SimUsageError: t.uffdRegister: expected a non-empty list of modes ('missing', 'wp', 'rwp')",
      'protect mode':
        "SimUsageError: t.uffdProtect: mode: expected one of 'wp', 'rwp', got \"missing\"",
      'protect flag': 'SimUsageError: t.uffdProtect: protect: expected true or false, got "yes"',
      'move short':
        'SimUsageError: t.uffdMove: dst (4096 bytes) is shorter than src (2097152 bytes)',
      'move no src':
        'SimUsageError: t.uffdMove: src: expected a range from t.mmap() (an object { start, length })',
      mincore:
        'SimUsageError: t.mincore: expected a range from t.mmap() (an object { start, length })',
      zswap: 'SimUsageError: k.zswap: expected true or false, got "on"',
      'split task': 'SimUsageError: k.splitFolio: not a task of this run',
      'split no task': 'SimUsageError: k.splitFolio: not a task of this run',
      'split range':
        'SimUsageError: k.splitFolio: expected a range from t.mmap() (an object { start, length })',
      'pin range':
        'SimUsageError: t.pin: expected a range from t.mmap() (an object { start, length })',
      'unpin range':
        'SimUsageError: t.unpin: expected a range from t.mmap() (an object { start, length })',
    })
  })

  it('gives k.machine: the normalized machine, frozen, per run', async () => {
    const src = `import { defineScenario } from 'hugeswap'
export default defineScenario({
  variants: ['baseline'],
  machine: { memory: '4G', zswap: true, swap: [{ type: 'zram', size: '1G' }],
             thp: { khugepaged: { max_ptes_swap: 0 } }, fault_injection: { pte_alloc: 0.5 } },
  run(k) {
    const m = k.machine
    k.expect(m.memoryBytes, 'memory').toBe(4 * 1024 ** 3)
    k.expect(m.zswap, 'zswap').toBe(true)
    k.expect(m.swap, 'swap').toEqual([{ type: 'zram', sizeBytes: 1024 ** 3, priority: -2, fragmentation: 0, stable_writes: true, compressor: 'lzo', pool_bytes_per_page: 2186 }])
    k.expect(m.thp.khugepaged.max_ptes_swap, 'max_ptes_swap').toBe(0)
    k.expect(m.thp.khugepaged.max_ptes_none, 'max_ptes_none').toBe(511)
    k.expect(m.vm, 'vm').toEqual({ page_cluster: 3, swappiness: 60, min_free_kbytes: 8192, watermark_scale_factor: 10 })
    k.expect(m.fault_injection.pte_alloc, 'pte_alloc').toBe(0.5)
    k.expect(m.fault_injection.swapin_race + m.fault_injection.set_pmd_swap_entry, 'new points').toBe(0)
    k.expect(m.thp_swap, 'thp_swap').toBe(true)
    k.expect(m.fragmentation, 'fragmentation').toBe(0)
    let caught = 'no error'
    try { (m.thp.khugepaged as any).max_ptes_swap = 64 } catch (e: any) { caught = e.name }
    k.expect(caught, 'frozen').toBe('TypeError')
    k.expect(Object.isFrozen(m.swap[0]), 'deep').toBe(true)
  },
})
`
    const o = await run(src).outcome
    if (!o.ok) throw new Error(JSON.stringify(o.error))
    expect(o.result.variants[0].checks.filter((c) => !c.pass)).toEqual([])
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

  it('runs every variant with the features asked for, in VARIANT_NAMES order', async () => {
    const src = (filter: string) => `import { defineScenario } from 'hugeswap'
export default defineScenario({
  variants: ${filter},
  run(k) {},
})
`
    const names = async (filter: string) => {
      const o = await run(src(filter)).outcome
      if (!o.ok) throw new Error(JSON.stringify(o.error))
      return o.result.variants.map((v) => v.name)
    }
    const having = (f: (v: VariantFeatures) => boolean) =>
      VARIANT_NAMES.filter((n) => f(VARIANT_FEATURES[n]))
    expect(await names('{ lazyDeposit: true }')).toEqual(having((v) => v.lazyDeposit))
    expect(await names('{ pmdSwap: false, lazyDeposit: true }')).toEqual(
      having((v) => !v.pmdSwap && v.lazyDeposit),
    )
    expect(await names('{}')).toEqual(VARIANT_NAMES)

    const unknown = errorOf(await run(src('{ thpSwap: true } as any')).outcome)
    expect(unknown).toMatchObject({ kind: 'option', file: 'test.ts', line: 3, column: 3 })
    expect(unknown.message).toMatch(/variants: unknown feature 'thpSwap' \(known: 'pmdSwap', /)
    const notBool = errorOf(await run(src("{ pmdSwap: 'yes' } as any")).outcome)
    expect(notBool.message).toMatch(/variants\.pmdSwap: expected true or false, got "yes"/)
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

describe('params (dotted-path overrides)', () => {
  const MACHINE = `import { defineScenario } from 'hugeswap'
export default defineScenario({
  title: 'sweep',
  seed: 2,
  variants: ['baseline', 'pmd-swap'],
  machine: {
    memory: '8G',
    swap: [{ type: 'zram', size: '16G' }],
    thp: { khugepaged: { max_ptes_swap: 64 } },
  },
  run(k) {
    k.expect(k.machine, 'machine').toBe(null)
  },
})
`
  async function machineOf(params: Record<string, string | number | boolean>) {
    const o = await run(MACHINE, { params }).outcome
    if (!o.ok) throw new Error(JSON.stringify(o.error))
    return { result: o.result, machine: o.result.variants[0].checks[0].actual as never }
  }

  it('overrides the machine, seed and variants before validation', async () => {
    const ok = await machineOf({
      'machine.zswap': 'true',
      'machine.swap[0].size': '4G',
      'machine.thp.khugepaged.max_ptes_swap': '0',
      seed: '5',
      variants: 'pmd-swap+lazy-deposit,baseline',
    })
    expect(ok.result.scenario.seed).toBe(5)
    expect(ok.result.variants.map((v) => v.name)).toEqual(['pmd-swap+lazy-deposit', 'baseline'])
    expect(ok.machine).toMatchObject({
      zswap: true,
      swap: [{ type: 'zram', sizeBytes: 4 * 1024 ** 3 }],
      thp: { khugepaged: { max_ptes_swap: 0 } },
    })
  })

  it('gives --seed precedence over a seed param', async () => {
    const o = await run(MACHINE, { params: { seed: 5 }, seed: 6 }).outcome
    if (!o.ok) throw new Error(JSON.stringify(o.error))
    expect(o.result.scenario.seed).toBe(6)
  })

  it('reports an unusable path as an option error naming it, without a file location', async () => {
    for (const [params, message] of [
      [{ 'machine.zswap.on': true }, /^param 'machine\.zswap\.on': machine\.zswap is /],
      [{ 'machine.memory.x': 1 }, /^param 'machine\.memory\.x': machine\.memory is a string/],
      [{ 'run.x': 1 }, /^param 'run\.x': unknown field 'run' \(known: title, seed, variants/],
      [{ 'machine.swap[3].size': '1G' }, /past the end of machine\.swap \(1 entry\)/],
    ] as const) {
      const e = errorOf(await run(MACHINE, { params }).outcome)
      expect(e.kind).toBe('option')
      expect(e.message).toMatch(message)
      expect(e.file).toBeUndefined()
    }
  })

  it('blames an invalid overridden value on the param, not the file', async () => {
    const typo = { 'machine.fault_injection.swapin_alloc': 0.5 }
    const u = errorOf(await run(MACHINE, { params: typo }).outcome)
    expect(u.message).toMatch(
      /^machine\.fault_injection: unknown field 'swapin_alloc' .*\(from param 'machine\.fault_injection\.swapin_alloc'\)$/,
    )
    expect(u.file).toBeUndefined()

    const e = errorOf(await run(MACHINE, { params: { 'machine.vm.swappiness': '300' } }).outcome)
    expect(e).toEqual({
      kind: 'option',
      message:
        "machine.vm.swappiness: expected a whole number in [0, 200], got 300 (from param 'machine.vm.swappiness')",
    })
    const v = errorOf(await run(MACHINE, { params: { variants: 'baseline,nope' } }).outcome)
    expect(v.message).toMatch(/^variants: unknown variant "nope".*\(from param 'variants'\)$/)
    expect(v.file).toBeUndefined()
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

describe('--audit (RunRequest.audit)', () => {
  it('audits after every operation and stops at the call whose state is inconsistent', async () => {
    let audits = 0
    const outcome = await runScenarioWith(
      (opts) => {
        const s = createFakeSimulator(opts) as ReturnType<typeof createFakeSimulator> & {
          audit(): void
        }
        s.audit = () => {
          audits++
          // The third operation (t.write) leaves the state broken.
          if (audits === 3) throw new SimInvariantError('audit: folio 0: pte mapcount 1, 0 PTEs')
        }
        return s
      },
      { source: ONE_THP, fileName: 'test.ts', audit: true, variants: ['baseline'] },
    )
    const e = errorOf(outcome)
    expect(e.message).toContain('audit: folio 0: pte mapcount 1, 0 PTEs')
    expect(e).toMatchObject({ kind: 'internal', file: 'test.ts', line: 8 })
  })

  it('changes nothing when off, or when the state is sound', async () => {
    const plain = await run(ONE_THP).outcome
    const audited = await runScenarioWith(
      (opts) => Object.assign(createFakeSimulator(opts), { audit: () => {} }),
      { source: ONE_THP, fileName: 'test.ts', audit: true },
    )
    expect(JSON.stringify(audited)).toBe(JSON.stringify(plain))
  })
})
