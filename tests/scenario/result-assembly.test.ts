/**
 * The seam between the simulator and the result JSON: every field Simulator.finish() produced
 * reaches the variant's result, unchanged (the pipeline once copied them field by field and left
 * out `mthp` and `khugepaged`). Run on real scenarios, with the real simulator.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runScenarioWith } from '../../src/scenario/runner'
import { createSimulator, type SimulatorOptions, type SimulatorResult } from '../../src/sim'

const ROOT = join(import.meta.dirname, '../..')

describe.each([
  'scenarios/calibration/zram-mthp.ts',
  'scenarios/one-thp.ts',
  'scenarios/conformance/collapse-swapped.ts',
])('%s', (file) => {
  it('carries every field the simulator produced, as it produced it', async () => {
    const produced: SimulatorResult[] = []
    const outcome = await runScenarioWith(
      (opts: SimulatorOptions) => {
        const sim = createSimulator(opts)
        const finish = sim.finish.bind(sim)
        sim.finish = () => {
          const r = finish()
          produced.push(structuredClone(r))
          return r
        }
        return sim
      },
      { source: readFileSync(join(ROOT, file), 'utf8'), fileName: file.split('/').pop()! },
    )
    if (!outcome.ok) throw new Error(JSON.stringify(outcome.error))
    const json = JSON.parse(JSON.stringify(outcome.result)) as typeof outcome.result
    expect(json.variants).toHaveLength(produced.length)
    for (const [i, r] of produced.entries()) {
      const variant = json.variants[i] as unknown as Record<string, unknown>
      for (const [key, value] of Object.entries(r)) {
        expect(variant, `${r.name}: ${key}`).toHaveProperty(key)
        expect(variant[key], `${r.name}: ${key}`).toEqual(JSON.parse(JSON.stringify(value)))
      }
    }
  })
})

it('a khugepaged run reports its collapses and an mTHP run its per-size counters', async () => {
  const run = async (file: string) => {
    const outcome = await runScenarioWith(createSimulator, {
      source: readFileSync(join(ROOT, file), 'utf8'),
      fileName: file.split('/').pop()!,
    })
    if (!outcome.ok) throw new Error(JSON.stringify(outcome.error))
    return outcome.result.variants[0]
  }
  expect((await run('scenarios/conformance/collapse-swapped.ts')).khugepaged).toBeDefined()
  const mthp = (await run('scenarios/calibration/zram-mthp.ts')).mthp ?? {}
  expect(Object.keys(mthp).length).toBeGreaterThan(0)
})
