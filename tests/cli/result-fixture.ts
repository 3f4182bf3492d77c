/**
 * A hand-made result for the text-report tests: four variants listed out of display order, a
 * counter that only exists with the series, fallbacks, a failed check, a toBeCloseTo check, a
 * warning, and non-ASCII user text that the report must escape; latency histograms, walkers, mTHP
 * stats and snapshots (one label needing CSV quoting). RESULT_FIXTURE_RUN2 is a second run of the
 * same scenario (seed 8) for the multi-run (stddev) formats.
 */
import {
  VARIANT_FEATURES,
  type ResultJson,
  type VariantName,
  type VariantResult,
} from '../../src/shared/result'

const latency = (p50: number, p99: number) => ({
  mean: p50,
  p50,
  p90: p99,
  p99,
  p999: p99,
  max: p99,
})

function variant(name: VariantName, over: Partial<VariantResult>): VariantResult {
  return {
    name,
    features: VARIANT_FEATURES[name],
    vmstat: {},
    meminfo: {},
    snapshots: [],
    pageTables: { allocated: 0, freed: 0, deposited: 0, withdrawn: 0, peakBytes: 0 },
    pageTableTimeline: [],
    faults: {
      count: 0,
      latencyNs: latency(0, 0),
      byType: {},
      histogram: { firstLog2: 0, counts: [] },
    },
    walkers: {},
    fallbacks: {},
    checks: [],
    warnings: [],
    endTimeNs: 0,
    ...over,
  }
}

const splitVmstat = {
  thp_swpout: 1,
  thp_split_pmd: 1,
  thp_swpout_fallback: 0,
  thp_fault_alloc: 1,
  pswpout: 512,
  pswpin: 8,
  pgfault: 514,
  pgmajfault: 1,
}

const pmdVmstat = {
  thp_swpout: 1,
  thp_swpout_pmd: 1,
  thp_split_pmd: 0,
  thp_swpout_fallback: 0,
  thp_fault_alloc: 1,
  pswpout: 512,
  pswpin: 512,
  pgfault: 2,
  pgmajfault: 1,
}

/** The machine's sizes, as every variant reports them. */
const machine = { MemTotal: 8388608, AnonPages: 2048, SwapTotal: 16777216 }

const splitHistogram = { firstLog2: 8, counts: [400, 100, 10, 0, 0, 0, 0, 4] }
const pmdHistogram = { firstLog2: 10, counts: [1, 0, 0, 0, 0, 0, 1] }

const snapshot = (
  label: string,
  timeNs: number,
  over: Partial<VariantResult['snapshots'][number]> = {},
): VariantResult['snapshots'][number] => ({
  label,
  timeNs,
  vmstat: { pswpout: 512, thp_swpout: 1 },
  meminfo: { AnonHugePages: 0, PageTables: 8 },
  pageTables: { allocated: 1, freed: 0, deposited: 1, withdrawn: 0, peakBytes: 4096 },
  pageTableBytes: 4096,
  faults: { count: 1, totalNs: 121160 },
  io: [{ readPages: 0, writePages: 512 }],
  ...over,
})

const check = (location: string, over: Partial<VariantResult['checks'][number]> = {}) => ({
  label: 'whole THP in swap',
  pass: true,
  actual: 2048,
  expected: 2048,
  matcher: 'toBe',
  location,
  ...over,
})

export const RESULT_FIXTURE: ResultJson = {
  schema: 1,
  tool: { name: 'hugeswap', version: '0.1.0', model: 'test-model-1' },
  scenario: {
    title: 'One THP: swap out, fault back \u2014 caf\u00e9',
    file: 'one-thp.ts',
    seed: 7,
  },
  variants: [
    variant('pmd-swap', {
      vmstat: pmdVmstat,
      meminfo: { ...machine, PageTables: 8, AnonHugePages: 2048, SwapFree: 16775168 },
      pageTables: { allocated: 1, freed: 0, deposited: 1, withdrawn: 0, peakBytes: 4096 },
      faults: {
        count: 2,
        latencyNs: latency(1830, 95_250.5),
        totalNs: 97_080.5,
        byType: { 'swapin-pmd': { count: 1, latencyNs: latency(95_250.5, 95_250.5) } },
        histogram: pmdHistogram,
      },
      walkers: {
        smaps: { calls: 3, entriesVisited: 3, lockHoldNs: 9 },
        madvise_pageout: { calls: 1, entriesVisited: 1, lockHoldNs: 3 },
      },
      mthp: { 'hugepages-2048kB': { swpout: 1, swpin: 1 } },
      snapshots: [snapshot('swapped out, "cold"', 147_560)],
      endTimeNs: 250_000,
      checks: [
        check('one-thp.ts:22:5'),
        check('one-thp.ts:29:5', { label: 'PMD restored', actual: 2048, expected: 2048 }),
      ],
    }),
    variant('baseline', {
      vmstat: { ...splitVmstat, thp_split_pmd_failed: 0 },
      meminfo: { ...machine, PageTables: 12, AnonHugePages: 0, SwapFree: 16775168 },
      pageTables: { allocated: 1, freed: 0, deposited: 1, withdrawn: 1, peakBytes: 8192 },
      faults: {
        count: 514,
        latencyNs: latency(412, 61_003),
        byType: {},
        histogram: splitHistogram,
      },
      walkers: {
        smaps: { calls: 3, entriesVisited: 1025 },
        madvise_pageout: { calls: 1, entriesVisited: 512 },
      },
      snapshots: [
        snapshot('swapped out, "cold"', 147_560, {
          pageTables: { allocated: 1, freed: 0, deposited: 0, withdrawn: 1, peakBytes: 8192 },
          pageTableBytes: 8192,
        }),
      ],
      endTimeNs: 900_000,
      fallbacks: { split_for_swap: 1 },
      checks: [
        check('one-thp.ts:22:5'),
        check('one-thp.ts:29:5', { label: 'PMD restored', pass: false, actual: 0, expected: 2048 }),
        check('one-thp.ts:30:5', {
          label: 'PTE tables \u00b1 one page',
          actual: 12,
          expected: [8, 4],
          matcher: 'toBeCloseTo',
        }),
        check('one-thp.ts:31:5', {
          label: '',
          actual: 514,
          expected: 100,
          matcher: 'toBeGreaterThan',
        }),
      ],
      warnings: ['t.read on an exited task ignored'],
    }),
    variant('pmd-swap+lazy-deposit', {
      vmstat: pmdVmstat,
      meminfo: { ...machine, PageTables: 0, AnonHugePages: 2048, SwapFree: 16775168 },
      pageTables: { allocated: 1, freed: 1, deposited: 0, withdrawn: 0, peakBytes: 4096 },
      faults: {
        count: 2,
        latencyNs: latency(1830, 95_250.5),
        byType: {},
        histogram: pmdHistogram,
      },
      mthp: { 'hugepages-2048kB': { swpout: 1, swpin: 1 } },
    }),
    variant('lazy-deposit', {
      vmstat: { ...splitVmstat, thp_split_pmd_failed: 0 },
      meminfo: { ...machine, PageTables: 4, AnonHugePages: 0, SwapFree: 16775168 },
      pageTables: { allocated: 1, freed: 0, deposited: 0, withdrawn: 0, peakBytes: 4096 },
      faults: {
        count: 514,
        latencyNs: latency(405, 60_100),
        byType: {},
        histogram: { firstLog2: 8, counts: [401, 99, 10, 0, 0, 0, 0, 4] },
      },
      fallbacks: { split_for_swap: 1, pte_table_alloc_failed: 0 },
    }),
  ],
}

/**
 * The same scenario run again with seed 8: baseline faults are slower and one more, pmd-swap's are
 * faster, a fallback reason only this run has (pmd-swap), the rest unchanged (stddev 0).
 */
export const RESULT_FIXTURE_RUN2: ResultJson = (() => {
  const run: ResultJson = structuredClone(RESULT_FIXTURE)
  run.scenario.seed = 8
  const find = (name: VariantName): VariantResult => run.variants.find((v) => v.name === name)!
  const baseline = find('baseline')
  baseline.vmstat.pgfault = 515
  baseline.faults.count = 515
  baseline.faults.latencyNs = latency(450, 66_000)
  baseline.faults.histogram = { firstLog2: 8, counts: [380, 120, 10, 0, 0, 0, 0, 3, 2] }
  const pmd = find('pmd-swap')
  pmd.faults.latencyNs = latency(1700, 90_000)
  pmd.faults.histogram = { firstLog2: 9, counts: [0, 0, 1, 0, 0, 0, 0, 1] }
  pmd.fallbacks = { swapin_pmd_alloc_failed: 1 }
  pmd.pageTables.peakBytes = 8192
  return run
})()
