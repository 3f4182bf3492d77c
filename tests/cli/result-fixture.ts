/**
 * A hand-made result for the text-report tests: four variants listed out of display order, a
 * counter that only exists with the series, fallbacks, a failed check, a toBeCloseTo check, a
 * warning, and non-ASCII user text that the report must escape.
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
      meminfo: { PageTables: 8, AnonHugePages: 2048, SwapFree: 16775168 },
      pageTables: { allocated: 1, freed: 0, deposited: 1, withdrawn: 0, peakBytes: 4096 },
      faults: {
        count: 2,
        latencyNs: latency(1830, 95_250.5),
        byType: {},
        histogram: { firstLog2: 0, counts: [] },
      },
      checks: [
        check('one-thp.ts:22:5'),
        check('one-thp.ts:29:5', { label: 'PMD restored', actual: 2048, expected: 2048 }),
      ],
    }),
    variant('baseline', {
      vmstat: { ...splitVmstat, thp_split_pmd_failed: 0 },
      meminfo: { PageTables: 12, AnonHugePages: 0, SwapFree: 16775168 },
      pageTables: { allocated: 1, freed: 0, deposited: 1, withdrawn: 1, peakBytes: 8192 },
      faults: {
        count: 514,
        latencyNs: latency(412, 61_003),
        byType: {},
        histogram: { firstLog2: 0, counts: [] },
      },
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
      meminfo: { PageTables: 0, AnonHugePages: 2048, SwapFree: 16775168 },
      pageTables: { allocated: 1, freed: 1, deposited: 0, withdrawn: 0, peakBytes: 4096 },
      faults: {
        count: 2,
        latencyNs: latency(1830, 95_250.5),
        byType: {},
        histogram: { firstLog2: 0, counts: [] },
      },
    }),
    variant('lazy-deposit', {
      vmstat: { ...splitVmstat, thp_split_pmd_failed: 0 },
      meminfo: { PageTables: 4, AnonHugePages: 0, SwapFree: 16775168 },
      pageTables: { allocated: 1, freed: 0, deposited: 0, withdrawn: 0, peakBytes: 4096 },
      faults: {
        count: 514,
        latencyNs: latency(405, 60_100),
        byType: {},
        histogram: { firstLog2: 0, counts: [] },
      },
      fallbacks: { split_for_swap: 1, pte_table_alloc_failed: 0 },
    }),
  ],
}
