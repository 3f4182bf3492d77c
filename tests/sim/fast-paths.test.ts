/**
 * The per-page paths are the oracle of every fast path (docs/performance.md): the whole scenario
 * library runs with fast paths on and off and the result JSON must be byte-identical. The model
 * fuzz (tests/model/random-ops.test.ts) holds its random sequences to the same rule.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { FaultRecorder } from '../../src/sim/engine/faults'
import { runScenarioWith } from '../../src/scenario/runner'
import { createSimulator } from '../../src/sim'
import { scenariosDir } from '../scenarios/run-scenario'

function scenarioFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((d) =>
      d.isDirectory()
        ? scenarioFiles(join(dir, d.name))
        : d.name.endsWith('.ts')
          ? [join(dir, d.name)]
          : [],
    )
    .sort()
}

async function run(file: string, fastPaths: boolean): Promise<string> {
  const outcome = await runScenarioWith((o) => createSimulator({ ...o, fastPaths }), {
    source: readFileSync(file, 'utf8'),
    fileName: relative(scenariosDir, file),
  })
  return JSON.stringify(outcome)
}

describe('fast paths against their per-page oracle', () => {
  const files = scenarioFiles(scenariosDir)

  it('finds the scenario library', () => {
    expect(files.length).toBeGreaterThan(100)
  })

  for (const file of files) {
    const name = relative(scenariosDir, file)
    it(`${name}: the same result JSON, byte for byte`, { timeout: 120_000 }, async () => {
      const fast = await run(file, true)
      const slow = await run(file, false)
      // Compare as text: a difference shows as the first differing stretch, not a 2 MB dump.
      if (fast !== slow) {
        let i = 0
        while (fast[i] === slow[i]) i++
        expect(fast.slice(Math.max(0, i - 200), i + 200)).toBe(
          slow.slice(Math.max(0, i - 200), i + 200),
        )
      }
      expect(JSON.parse(fast).ok, `${name} runs`).toBeDefined()
    })
  }
})

describe('the batched swap-cache hits (swapinCachedRun) are taken, so the comparison above covers them', () => {
  afterEach(() => vi.restoreAllMocks())

  it('fork-twice-swapped.ts records runs of equal faults at once with fast paths, never without', async () => {
    const file = join(scenariosDir, 'conformance/fork-twice-swapped.ts')
    const spy = vi.spyOn(FaultRecorder.prototype, 'recordMany')
    const batched = () => spy.mock.calls.filter(([, , , times]) => times > 1).length
    await run(file, true)
    // The children read a THP's 512 pages back from the swap cache: one call per run of equal
    // faults, not one per fault.
    expect(batched()).toBeGreaterThan(0)
    spy.mockClear()
    await run(file, false)
    expect(batched()).toBe(0)
  })
})
