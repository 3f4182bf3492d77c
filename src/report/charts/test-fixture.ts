/** A small hand-made result for unit and component tests (two variants, one snapshot each). */
import type { ResultJson, VariantResult } from '../../shared/result'

const zeroLatency = { mean: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0 }

function variant(
  name: 'baseline' | 'pmd-swap',
  pmdSwap: boolean,
  ptBytes: number,
  histogram: { firstLog2: number; counts: number[] },
): VariantResult {
  return {
    name,
    features: { pmdSwap, lazyDeposit: false },
    vmstat: {
      pgfault: 513,
      pgmajfault: pmdSwap ? 1 : 512,
      pswpout: 512,
      pswpin: 512,
      thp_swpout: 1,
      thp_split_pmd: pmdSwap ? 0 : 1,
      ...(pmdSwap ? { thp_swpout_pmd: 1 } : {}),
      nr_anon_pages: 0,
    },
    meminfo: {
      MemTotal: 8388608,
      AnonHugePages: pmdSwap ? 2048 : 0,
      PageTables: 4,
      SwapFree: 16777216,
    },
    snapshots: [
      {
        label: 'swapped out',
        timeNs: 2_000_000,
        vmstat: {},
        meminfo: {},
        pageTables: { allocated: 1, freed: 0, deposited: 1, withdrawn: 0, peakBytes: 4096 },
        pageTableBytes: ptBytes,
      },
    ],
    pageTables: { allocated: 1, freed: 0, deposited: 1, withdrawn: 0, peakBytes: 4096 },
    pageTableTimeline: [
      { timeNs: 0, bytes: 0 },
      { timeNs: 1_000_000, bytes: 4096 },
      { timeNs: 2_000_000, bytes: ptBytes },
    ],
    faults: {
      count: histogram.counts.reduce((a, b) => a + b, 0),
      latencyNs: { ...zeroLatency, mean: 1500, p50: 1024, max: 60000 },
      byType: {
        do_anonymous_page: { count: 1, latencyNs: zeroLatency },
        ...(pmdSwap
          ? { do_huge_pmd_swap_page: { count: 1, latencyNs: zeroLatency } }
          : { do_swap_page: { count: 512, latencyNs: zeroLatency } }),
      },
      histogram,
    },
    walkers: {},
    fallbacks: {},
    checks: [
      { label: 'whole THP in swap', pass: true, actual: 2048, expected: 2048, matcher: 'toBe' },
      {
        label: 'AnonHugePages back',
        pass: pmdSwap,
        actual: pmdSwap ? 2048 : 0,
        expected: 2048,
        matcher: 'toBe',
        location: 'one-thp.ts:14:5',
      },
    ],
    warnings: [],
    endTimeNs: 3_000_000,
  }
}

export const SAMPLE_RESULT: ResultJson = {
  schema: 1,
  tool: { name: 'hugeswap', version: '0.1.0', model: 'test' },
  scenario: { title: 'One THP', file: 'one-thp.ts', seed: 1 },
  variants: [
    variant('baseline', false, 4096, { firstLog2: 8, counts: [0, 2, 500, 11] }),
    variant('pmd-swap', true, 4096, { firstLog2: 9, counts: [1, 0, 0, 0, 0, 0, 1] }),
  ],
}
