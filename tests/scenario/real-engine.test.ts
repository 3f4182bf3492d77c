/**
 * The pipeline on the real simulator (src/sim): the default scenario runs, its checks pass, and
 * the result is deterministic and shaped as docs/result-json.md says.
 */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runScenario } from '../../src/scenario/runner'
import { VARIANT_NAMES, type RunProgress } from '../../src/shared/result'

const root = resolve(import.meta.dirname, '../..')
const oneThp = readFileSync(resolve(root, 'scenarios/one-thp.ts'), 'utf8')

describe('runScenario on the real engine', () => {
  it('runs scenarios/one-thp.ts in every variant with every check passing', async () => {
    const progress: RunProgress[] = []
    const o = await runScenario(
      { source: oneThp, fileName: 'one-thp.ts' },
      { onProgress: (p) => progress.push(p) },
    )
    if (!o.ok) throw new Error(JSON.stringify(o.error))
    const { result } = o
    expect(result.schema).toBe(1)
    expect(result.tool.name).toBe('hugeswap')
    expect(result.scenario).toEqual({
      title: 'One THP: swap out, fault back',
      file: 'one-thp.ts',
      seed: 1,
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    })
    expect(result.variants.map((v) => v.name)).toEqual(VARIANT_NAMES)
    for (const v of result.variants) {
      expect(v.checks.length).toBeGreaterThan(0)
      expect(v.checks.filter((c) => !c.pass)).toEqual([])
      expect(v.snapshots.map((s) => s.label)).toEqual(['faulted in', 'swapped out', 'faulted back'])
      expect(v.checks[0].location).toMatch(/^one-thp\.ts:\d+:\d+$/)
    }
    for (const v of result.variants) {
      expect(v.vmstat.thp_swpout_pmd, v.name).toBe(v.features.pmdSwap ? 1 : undefined)
    }
    expect(progress[0]).toMatchObject({
      variantIndex: 0,
      variantCount: VARIANT_NAMES.length,
      percent: 0,
    })
    expect(progress.at(-1)).toMatchObject({ phase: 'done', percent: 100 })
    const percents = progress.map((p) => p.percent)
    expect(percents).toEqual([...percents].sort((a, b) => a - b))
  })

  it('gives byte-identical JSON for identical input', async () => {
    const req = { source: oneThp, fileName: 'one-thp.ts', variants: ['pmd-swap' as const] }
    const [a, b] = await Promise.all([runScenario(req), runScenario(req)])
    expect(JSON.stringify(a)).toBe(JSON.stringify(b))
  })

  it('reports an engine usage error at the calling line', async () => {
    const source = `import { defineScenario } from 'hugeswap'
export default defineScenario({
  variants: ['baseline'],
  run(k) {
    const t = k.spawn()
    const r = t.mmap('2M')
    t.munmap(r)
    t.madvise({ start: r.start + 123, length: 5 }, 'pageout')
  },
})
`
    const o = await runScenario({ source, fileName: 'bad.ts' })
    if (o.ok) throw new Error('expected an error')
    expect(o.error).toMatchObject({ kind: 'runtime', file: 'bad.ts', line: 8 })
  })
})

describe('scenario params', () => {
  const source = `import { defineScenario } from 'hugeswap'
export default defineScenario({
  variants: ['pmd-swap'],
  params: { thps: 1, label: 'x' },
  run(k, p) {
    const t = k.spawn('t')
    const r = t.mmap(p.thps * 2 * 1024 * 1024, { advice: 'hugepage' })
    t.write(r)
    k.expect(t.smaps(r).AnonHugePages, p.label).toBe(2048 * p.thps)
    k.expect(Object.isFrozen(p), 'params are frozen').toBe(true)
  },
})
`
  it('passes the declared params to run(k, params) and records them in the result', async () => {
    const o = await runScenario({ source, fileName: 'p.ts' })
    if (!o.ok) throw new Error(JSON.stringify(o.error))
    expect(o.result.scenario.params).toEqual({ thps: 1, label: 'x' })
    expect(o.result.variants[0].checks.every((c) => c.pass)).toBe(true)
  })

  it('overrides one from the request, typed like its default', async () => {
    const o = await runScenario({ source, fileName: 'p.ts', params: { 'params.thps': '3' } })
    if (!o.ok) throw new Error(JSON.stringify(o.error))
    expect(o.result.scenario.params).toEqual({ thps: 3, label: 'x' })
    expect(o.result.variants[0].checks[0]).toMatchObject({ pass: true, actual: 6144 })
  })

  it('refuses an undeclared one and a declared value that is not a primitive', async () => {
    const o = await runScenario({ source, fileName: 'p.ts', params: { 'params.thp': '3' } })
    expect(o.ok).toBe(false)
    if (!o.ok) {
      expect(o.error.message).toBe(
        "param 'params.thp': no scenario parameter 'thp' (declared: thps, label)",
      )
    }
    const bad = source.replace("params: { thps: 1, label: 'x' }", 'params: { thps: [1] }')
    const b = await runScenario({ source: bad, fileName: 'p.ts' })
    expect(b.ok).toBe(false)
    if (!b.ok) {
      expect(b.error).toMatchObject({
        kind: 'option',
        file: 'p.ts',
        line: 4,
        message: 'params.thps: expected a number, string or boolean, got [1]',
      })
    }
  })
})

describe('a check on a missing property', () => {
  it('records undefined, not null, and every report prints undefined', async () => {
    const source = `import { defineScenario } from 'hugeswap'
export default defineScenario({
  variants: ['baseline'],
  run(k) {
    const t = k.spawn('t')
    const r = t.mmap('2M')
    k.expect((t.smaps(r) as Record<string, number>).NoSuchField, 'missing').toBe(0)
  },
})
`
    const o = await runScenario({ source, fileName: 'u.ts' })
    if (!o.ok) throw new Error(JSON.stringify(o.error))
    const check = o.result.variants[0].checks[0]
    expect(check.pass).toBe(false)
    expect('actual' in check && check.actual !== undefined).toBe(false)
    const { formatSummary } = await import('../../src/report/text/summary')
    expect(formatSummary(o.result)).toContain('missing: actual undefined, expected 0')
  })
})
