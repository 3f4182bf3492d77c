/**
 * `hugeswap run --runs N`: N runs on a worker pool with seeds derived from the base seed
 * (run i: (B + i * 0x9e3779b9) mod 2^32), the multi-run JSON and tables, and the exit status.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseCommandLine } from '../../src/cli/args'
import { runSeed } from '../../src/cli/pool'
import type { RunsJson } from '../../src/cli/run'
import type { ResultJson } from '../../src/shared/result'
import { fixture, hugeswap } from './fixtures/launcher'

let tmp: string
beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'hugeswap-runs-'))
  expect((await hugeswap('--version')).status).toBe(0)
})
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

describe('seed derivation', () => {
  it('keeps the base seed for run 0 and steps by the golden ratio, mod 2^32', () => {
    expect(runSeed(1, 0)).toBe(1)
    expect(runSeed(1, 1)).toBe(2654435770)
    expect(runSeed(1, 2)).toBe(1013904243)
    expect(runSeed(4294967295, 1)).toBe((4294967295 + 0x9e3779b9) % 2 ** 32)
  })

  it('parses --runs and rejects nonsense', () => {
    expect(parseCommandLine(['run', '--runs', '3'])).toEqual({
      kind: 'run',
      options: { format: 'text', runs: 3 },
    })
    for (const bad of ['0', '-1', '1.5', 'x', '1001']) {
      expect(parseCommandLine(['run', `--runs=${bad}`])).toMatchObject({ kind: 'usage-error' })
    }
  })
})

describe.concurrent('hugeswap run --runs', () => {
  it('writes { schema: 1, runs } with three derived seeds, run 0 = the single run', async ({
    expect,
  }) => {
    const path = join(tmp, 'runs.json')
    const [many, one] = await Promise.all([
      hugeswap('run', fixture('seeded.ts'), '--runs', '3', '--seed', '7', '--json', path),
      hugeswap('run', fixture('seeded.ts'), '--seed', '7', '--json', '-'),
    ])
    expect(many.stderr).toBe('')
    expect(many.status).toBe(0)
    const runs = JSON.parse(readFileSync(path, 'utf8')) as RunsJson
    expect(runs.schema).toBe(1)
    expect(runs.runs.map((r) => r.scenario.seed)).toEqual([7, runSeed(7, 1), runSeed(7, 2)])
    // Run 0 is exactly what a single run with the base seed gives.
    expect(JSON.stringify(runs.runs[0], null, 2) + '\n').toBe(one.stdout)
    // The mail report with the LKP table over three runs.
    expect(many.stdout).toContain('seeds=7,')
    expect(many.stdout).toContain('runs=3')
    expect(many.stdout).toMatch(/%stddev/)
    expect(many.stdout).toMatch(/\+- +\d+%/)
  })

  it("takes the scenario's own seed as the base when --seed is absent", async ({ expect }) => {
    const r = await hugeswap('run', fixture('passing.ts'), '--runs', '3', '--json', '-')
    expect(r.status).toBe(0)
    const runs = JSON.parse(r.stdout) as { runs: ResultJson[] }
    expect(runs.runs.map((x) => x.scenario.seed)).toEqual([1, 2654435770, 1013904243])
  })

  it('prints the LKP and mmtests tables over the runs', async ({ expect }) => {
    const [lkp, mmtests] = await Promise.all([
      hugeswap('run', fixture('seeded.ts'), '--runs', '3', '--format', 'lkp'),
      hugeswap('run', fixture('seeded.ts'), '--runs', '3', '--format', 'mmtests'),
    ])
    expect(lkp.status).toBe(0)
    expect(lkp.stdout).toMatch(/^testcase: seeded\.ts/)
    expect(lkp.stdout).toMatch(/parameters: seeds=1,2654435770,1013904243 runs=3/)
    expect(lkp.stdout).toMatch(/ \+- +\d+% .* proc-vmstat\.pswpin\n/)
    expect(mmtests.status).toBe(0)
    expect(mmtests.stdout).toMatch(/\nStddev /)
  })

  it('exits 1 when a check fails in any run, naming the run', async ({ expect }) => {
    const r = await hugeswap('run', fixture('failing-check.ts'), '--runs', '2', '--format', 'lkp')
    expect(r.status).toBe(1)
    expect(r.stderr).toMatch(/^run 0 \(seed \d+\): failing-check\.ts:12:\d+: check failed/m)
    expect(r.stderr).toMatch(/^run 1 \(seed \d+\): /m)
  })

  it('exits 2 when the scenario cannot run', async ({ expect }) => {
    const r = await hugeswap('run', fixture('runtime-error.ts'), '--runs', '2')
    expect(r.status).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(/runtime-error\.ts:10:\d+: /)
  })
})
