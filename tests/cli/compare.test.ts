/**
 * `hugeswap compare A.json B.json`: variant by variant, A as the baseline column and B with its
 * change; either file a single result or a runs file; exit 2 on unreadable or foreign input.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { formatCompare, parseResults, type Side } from '../../src/cli/compare'
import type { ResultJson } from '../../src/shared/result'
import { RESULT_FIXTURE } from './result-fixture'
import { fixture, hugeswap } from './fixtures/launcher'

let tmp: string
let single: string
let runs: string
beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'hugeswap-compare-'))
  single = join(tmp, 'a.json')
  runs = join(tmp, 'b.json')
  const [a, b] = await Promise.all([
    hugeswap('run', fixture('seeded.ts'), '--json', single),
    hugeswap('run', fixture('seeded.ts'), '--runs', '3', '--seed', '5', '--json', runs),
  ])
  expect(a.status).toBe(0)
  expect(b.status).toBe(0)
})
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

describe('compare layouts', () => {
  const side = (file: string, r: ResultJson[]): Side => ({ file, runs: r })
  const other = structuredClone(RESULT_FIXTURE)
  const pmd = other.variants.find((v) => v.name === 'pmd-swap')!
  pmd.vmstat.pswpin = (pmd.vmstat.pswpin ?? 0) + 100
  other.variants = other.variants.filter((v) => v.name !== 'lazy-deposit')

  it('prints one LKP block per variant in both files, A first, then B and its change', () => {
    const text = formatCompare(side('a.json', [RESULT_FIXTURE]), side('b.json', [other]), 'lkp')
    expect(text).toMatch(/^A = a\.json: /)
    expect(text).toMatch(/\nB = b\.json: /)
    expect(text).toContain('only in A (skipped): lazy-deposit')
    const blocks = text.split('\nvariant: ').slice(1)
    expect(blocks.map((b) => b.split('\n')[0])).toEqual([
      'baseline',
      'pmd-swap',
      'pmd-swap+lazy-deposit',
    ])
    // Columns headed A and B, never a file name cut to fit (the names are on the lines above).
    expect(blocks[0]).toMatch(/^baseline\n +A +B\n/)
    expect(text).not.toContain('...')
    expect(blocks[1]).toMatch(/ +0\.0% .*proc-vmstat\.pswpout\n/)
    expect(blocks[1]).toMatch(/ (\+[\d.]+%|n\/a) .*proc-vmstat\.pswpin\n/)
    expect(text).toMatch(/^[\x20-\x7e\n]*$/)
  })

  it('says what differs besides the numbers: seed, model, source, params, machine', () => {
    const b = structuredClone(RESULT_FIXTURE)
    b.scenario.seed = 9
    b.tool.model = 'test-model-2'
    b.scenario.sha256 = 'ff'.repeat(32)
    b.scenario.params = { procs: 50 }
    b.machine!.swap[0].type = 'zram'
    const text = formatCompare(side('a.json', [RESULT_FIXTURE]), side('b.json', [b]), 'lkp')
    expect(text).toContain('what differs besides the numbers:')
    expect(text).toContain('  model: test-model-1 -> test-model-2')
    expect(text).toContain('  scenario source (sha256): 5f0c9b0e8c3a4d2e -> ffffffffffffffff')
    expect(text).toContain('  seed: 7 -> 9')
    expect(text).toContain('  params.procs: (none) -> 50')
    expect(text).toContain('  machine.swap[0].type: nvme -> zram')
    const same = formatCompare(
      side('a.json', [RESULT_FIXTURE]),
      side('b.json', [RESULT_FIXTURE]),
      'lkp',
    )
    expect(same).toContain('A and B differ in nothing but their numbers')
  })

  it('prints mmtests and text layouts', () => {
    const a = side('a.json', [RESULT_FIXTURE])
    const b = side('b.json', [other])
    expect(formatCompare(a, b, 'mmtests')).toMatch(/\nOps pswpout +\d+ +\d+\n/)
    expect(formatCompare(a, b, 'text')).toMatch(/\nmetric +A +B +change\n/)
  })

  it('rejects what is not a schema-1 result', () => {
    expect(() => parseResults('x.json', [])).toThrow(/expected a JSON object/)
    expect(() => parseResults('x.json', { schema: 2, variants: [] })).toThrow(
      /x\.json: schema 2: this hugeswap reads schema 1/,
    )
    expect(() => parseResults('x.json', { schema: 1 })).toThrow(/not a hugeswap result/)
    expect(() => parseResults('x.json', { schema: 1, runs: [] })).toThrow(/runs list is empty/)
    expect(parseResults('x.json', { schema: 1, runs: [RESULT_FIXTURE] })).toHaveLength(1)
  })
})

describe.concurrent('hugeswap compare', () => {
  it('compares a single result with a runs file and exits 0', async ({ expect }) => {
    const r = await hugeswap('compare', single, runs)
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
    expect(r.stdout).toMatch(/^A = .*a\.json: seeded\.ts \(CLI fixture: seeded\), seed 1,/)
    expect(r.stdout).toMatch(/\nB = .*b\.json: .*seeds 5,\d+,\d+ \(3 runs\)/)
    expect(r.stdout).toContain('\nvariant: baseline\n')
    expect(r.stdout).toContain('\nvariant: pmd-swap\n')
    expect(r.stdout).toMatch(/%change/)
    expect(r.stdout).toMatch(/proc-vmstat\.pswpin\n/)
  })

  it('prints the mmtests layout with --format mmtests', async ({ expect }) => {
    const r = await hugeswap('compare', runs, single, '--format', 'mmtests')
    expect(r.status).toBe(0)
    expect(r.stdout).toMatch(/\nOps pswpout +\d+ +\d+\n/)
  })

  it('exits 2 on bad JSON, a foreign schema, a missing file or a wrong argument count', async ({
    expect,
  }) => {
    const bad = join(tmp, 'bad.json')
    const foreign = join(tmp, 'foreign.json')
    writeFileSync(bad, '{ "schema": 1, ')
    writeFileSync(foreign, JSON.stringify({ schema: 2, variants: [] }))
    const [badJson, schema, missing, count] = await Promise.all([
      hugeswap('compare', single, bad),
      hugeswap('compare', foreign, single),
      hugeswap('compare', single, join(tmp, 'nope.json')),
      hugeswap('compare', single),
    ])
    expect(badJson.status).toBe(2)
    expect(badJson.stderr).toMatch(/bad\.json: not valid JSON/)
    expect(schema.status).toBe(2)
    expect(schema.stderr).toMatch(/foreign\.json: schema 2: this hugeswap reads schema 1/)
    expect(missing.status).toBe(2)
    expect(missing.stderr).toMatch(/nope\.json: cannot read: no such file or directory/)
    expect(count.status).toBe(2)
    expect(count.stderr).toMatch(/compare takes two result files/)
    for (const r of [badJson, schema, missing, count]) expect(r.stdout).toBe('')
  })
})
