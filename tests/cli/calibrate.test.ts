/**
 * `hugeswap calibrate` without touching the machine: its C program builds, its statistics, the
 * fit (against the real model, with made-up kernel figures), the Markdown section it rewrites,
 * and `machine.costs: 'measured'` end to end through the pipeline and the profile loader.
 */
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { CALIBRATE_PROGRAM } from '../../src/cli/calibrate/calib-c'
import { fitProfile, modelRunner } from '../../src/cli/calibrate/index'
import {
  MEASUREMENTS,
  formatCalibrationMarkdown,
  summarize,
  type CostProfileFile,
  type Measured,
} from '../../src/cli/calibrate/profile'
import { loadMeasuredCosts } from '../../src/cli/costs'
import { runScenarioWith } from '../../src/scenario/pipeline'
import { createSimulator } from '../../src/sim'
import type { RunOutcome } from '../../src/shared/result'
import type { RunRequest } from '../../src/shared/worker-protocol'

const run = promisify(execFile)

describe('the calibrate program', () => {
  it('compiles with -Wall -Werror', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hs-calib-'))
    try {
      await writeFile(join(dir, 'c.c'), CALIBRATE_PROGRAM)
      await run('cc', ['-O2', '-Wall', '-Werror', '-o', join(dir, 'c'), join(dir, 'c.c')])
      // Without a measurement it says how to call it, and fails.
      const out = await run(join(dir, 'c'), []).catch((e: { code: number; stdout: string }) => e)
      expect(out).toMatchObject({ code: 2, stdout: expect.stringMatching(/^E usage/) })
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})

describe('summarize', () => {
  it('gives quantiles and a mean without the slowest 1%', () => {
    const samples = Array.from({ length: 100 }, (_, i) => i + 1)
    samples[99] = 1_000_000 // one preempted sample
    const s = summarize(samples)
    expect(s).toMatchObject({ n: 100, min: 1, p50: 50, p90: 90, p99: 99, max: 1_000_000 })
    expect(s.mean).toBe(50) // 1..99
  })
})

const measured = (mean: number): Measured => ({
  n: 1,
  min: mean,
  p50: mean,
  p90: mean,
  p99: mean,
  max: mean,
  mean,
  info: {},
})

describe('fitProfile', () => {
  it(
    "lands every fitted measurement on the kernel's mean, in the real model",
    { timeout: 120_000 },
    async () => {
      const model = modelRunner('v6.18')
      // A made-up kernel: every operation three times the model's default, plus 1 us.
      const kernel: Record<string, Measured> = {}
      for (const m of MEASUREMENTS) {
        kernel[m.name] = measured(
          Math.round(3 * (await model(m, { cpu: {}, devices: {}, compressors: {} })) + 1000),
        )
      }
      const { costs, rows, unused } = await fitProfile(kernel, model)
      expect(unused).toEqual([])
      const fitted = rows.filter((r) => r.fits)
      expect(fitted.map((r) => r.name)).toEqual([
        'fault-4k',
        'fault-thp',
        'pageout-thp-zram',
        'swapin-zram-pc0',
        'swapin-nvme-pc0',
      ])
      for (const r of fitted) {
        expect(r.modelMeasured / r.kernel.mean, r.name).toBeGreaterThan(0.99)
        expect(r.modelMeasured / r.kernel.mean, r.name).toBeLessThan(1.01)
      }
      // Each fitted figure moved, and only those five.
      expect(Object.keys(costs.cpu).sort()).toEqual(['clear2mNs', 'faultEntryNs'])
      expect(Object.keys(costs.compressors.lzo ?? {}).sort()).toEqual([
        'compressNs',
        'decompressNs',
      ])
      expect(Object.keys(costs.devices.nvme ?? {})).toEqual(['readLatencyNs'])
    },
  )
})

describe('formatCalibrationMarkdown', () => {
  const profile = {
    measured: {
      tool: 'hugeswap 0',
      model: 'm',
      kernel: '6.18.1',
      host: 'h',
      cpu: 'c',
      date: '2026-12-04T00:00:00Z',
      contents: 'x',
      devices: 'y',
    },
    costs: { cpu: { faultEntryNs: 9 }, devices: {}, compressors: {} },
    measurements: [
      {
        name: 'fault-4k',
        what: 'w',
        kernel: measured(2000),
        modelDefault: 1000,
        modelMeasured: 2000,
        fits: 'cpu.faultEntryNs (default 500)',
      },
    ],
  } as unknown as CostProfileFile

  it('replaces its own section and keeps the rest of the document', () => {
    const first = formatCalibrationMarkdown(profile, '# Doc\n\nintro\n')
    expect(first).toMatch(/^# Doc\n\nintro\n\n<!-- hugeswap calibrate: begin -->/)
    expect(first).toContain(
      '| fault-4k | w | 2.00 | 2.00 | 2.00 | 1.00 | 2.00x | cpu.faultEntryNs | 1.00x |',
    )
    const again = formatCalibrationMarkdown(profile, first + '\ntail\n')
    expect(again.match(/hugeswap calibrate: begin/g)).toHaveLength(1)
    expect(again.endsWith('\ntail\n')).toBe(true)
  })
})

const MEASURED_SCENARIO = `import { defineScenario } from 'hugeswap'
export default defineScenario({
  title: 'm',
  variants: ['baseline'],
  machine: { costs: { profile: 'measured', cpu: { clear4kNs: 7 } } },
  run(k) {
    const t = k.spawn('a')
    t.write(t.mmap('2M', { advice: 'nohugepage' }))
  },
})
`

function runReal(req: Partial<RunRequest>): Promise<RunOutcome> {
  return runScenarioWith((opts) => createSimulator(opts), {
    source: MEASURED_SCENARIO,
    fileName: 'm.ts',
    ...req,
  })
}

describe("machine.costs: 'measured'", () => {
  it('says how to get a profile when none was given', async () => {
    const o = await runReal({})
    expect(o.ok).toBe(false)
    if (!o.ok)
      expect(o.error.message).toMatch(/no measured cost profile.*hugeswap calibrate.*--costs FILE/)
  })

  it("runs on the profile's figures, with the scenario's own on top", async () => {
    const o = await runReal({
      measuredCosts: {
        source: 'test',
        cpu: { faultEntryNs: 12_345, clear4kNs: 1 },
        compressors: { lzo: { compressNs: 3 } },
      },
    })
    if (!o.ok) throw new Error(o.error.message)
    expect(o.result.scenario.costs).toBe('measured: test')
    // A 4 KB fault pays the profile's entry and the scenario's own clear.
    const t = o.result.variants[0].faults.byType['anon-4k']
    expect(t.breakdownNs).toMatchObject({ entry: 12_345, clear: 7 })
  })

  it('loads a profile file, and refuses what is not one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hs-costs-'))
    try {
      const good = join(dir, 'good.json')
      await writeFile(
        good,
        JSON.stringify({
          kind: 'hugeswap-costs',
          measured: { kernel: '6.18', date: '2026-12-04' },
          costs: { cpu: { faultEntryNs: 5 } },
        }),
      )
      const loaded = await loadMeasuredCosts(good, dir)
      expect(loaded).toEqual({
        ok: true,
        costs: { source: `${good} (kernel 6.18, 2026-12-04)`, cpu: { faultEntryNs: 5 } },
      })
      await writeFile(join(dir, 'bad.json'), '{"kind": "nope"}')
      expect(await loadMeasuredCosts('bad.json', dir)).toMatchObject({
        ok: false,
        message: expect.stringMatching(/^bad.json: not a cost profile/),
      })
      expect(await loadMeasuredCosts('missing.json', dir)).toMatchObject({
        ok: false,
        message: expect.stringMatching(/cannot read missing.json/),
      })
      // No --costs and nothing at the default place: no profile, no error.
      expect(await loadMeasuredCosts(undefined, dir, { HOME: dir })).toEqual({ ok: true })
      expect(JSON.parse(await readFile(good, 'utf8')).kind).toBe('hugeswap-costs')
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
