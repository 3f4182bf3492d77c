/** A small hand-made result for unit and component tests (two variants, one snapshot each). */
import {
  VARIANT_FEATURES,
  type ResultJson,
  type VariantName,
  type VariantResult,
} from '../../shared/result'
import { SERIES_EVENT_NAMES, vmEventExists } from '../vocabulary'

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
        'anon-thp': { count: 1, latencyNs: zeroLatency },
        ...(pmdSwap
          ? { 'pmd-swapin-io': { count: 1, latencyNs: zeroLatency } }
          : { 'swapin-io': { count: 512, latencyNs: zeroLatency } }),
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

function latency(p50: number, p99: number, p999: number): VariantResult['faults']['latencyNs'] {
  return { mean: Math.round((p50 + p99) / 2), p50, p90: p99, p99, p999, max: p999 * 2 }
}

function richVariant(
  name: VariantName,
  ptKiB: [number, number, number],
  over: Partial<VariantResult> & Pick<VariantResult, 'faults'>,
): VariantResult {
  const labels = ['faulted in', 'swapped out', 'faulted back']
  const pmdSwap = VARIANT_FEATURES[name].pmdSwap
  return {
    name,
    features: VARIANT_FEATURES[name],
    vmstat: {
      pswpout: 1024,
      pswpin: 1024,
      pgmajfault: pmdSwap ? 2 : 1024,
      thp_swpout: 2,
      thp_split_pmd: pmdSwap ? 0 : 2,
    },
    meminfo: { PageTables: ptKiB[2] + 8, AnonHugePages: pmdSwap ? 4096 : 0 },
    snapshots: labels.map((label, i) => ({
      label,
      timeNs: (i + 1) * 1_000_000,
      vmstat: {
        pswpout: i === 0 ? 0 : 1024,
        pswpin: i === 2 ? 1024 : 0,
        thp_swpout: i === 0 ? 0 : 2,
        thp_split_pmd: i === 0 || pmdSwap ? 0 : 2,
        pgmajfault: i === 2 ? (pmdSwap ? 2 : 1024) : 0,
      },
      meminfo: { PageTables: ptKiB[i] + 8 },
      pageTables: { allocated: 2, freed: 0, deposited: 2, withdrawn: 0, peakBytes: 8192 },
      pageTableBytes: ptKiB[i] * 1024,
      faults: { count: i * 10, totalNs: i * 50_000 },
    })),
    pageTables: { allocated: 2, freed: 0, deposited: 2, withdrawn: 0, peakBytes: 8192 },
    pageTableTimeline: [
      { timeNs: 0, bytes: 0 },
      { timeNs: 1_000_000, bytes: ptKiB[0] * 1024 },
      { timeNs: 2_000_000, bytes: ptKiB[1] * 1024 },
      { timeNs: 3_000_000, bytes: ptKiB[2] * 1024 },
    ],
    walkers: {},
    fallbacks: {},
    checks: [],
    warnings: [],
    endTimeNs: 3_500_000,
    ...over,
  }
}

/**
 * All four variants with percentiles, per-type breakdowns, walkers, fallbacks and three snapshots:
 * the fixture of the chart builders and their golden SVGs.
 */
export const FOUR_VARIANT_RESULT: ResultJson = {
  schema: 1,
  tool: { name: 'hugeswap', version: '0.1.0', model: 'test' },
  scenario: { title: 'Two THPs', file: 'two-thps.ts', seed: 7 },
  variants: [
    richVariant('baseline', [0, 8, 8], {
      faults: {
        count: 1026,
        latencyNs: latency(1500, 9000, 40_000),
        totalNs: 2_000_000,
        breakdownNs: { entry: 200, io: 1200, install: 100 },
        byType: {
          'anon-thp': {
            count: 2,
            latencyNs: latency(40_000, 40_000, 40_000),
            breakdownNs: { entry: 200, alloc: 9000, clear: 30_000, install: 800 },
          },
          'swapin-io': {
            count: 1024,
            latencyNs: latency(1500, 9000, 9000),
            breakdownNs: { entry: 200, io: 1200, install: 100 },
          },
        },
        histogram: { firstLog2: 9, counts: [4, 300, 600, 100, 16, 3, 1] },
      },
      walkers: {
        madvise_pageout: { calls: 2, entriesVisited: 1024 },
        smaps: { calls: 3, entriesVisited: 3075 },
      },
      fallbacks: {},
    }),
    richVariant('lazy-deposit', [0, 8, 8], {
      faults: {
        count: 1026,
        latencyNs: latency(1400, 8500, 38_000),
        totalNs: 1_900_000,
        byType: {
          'anon-thp': {
            count: 2,
            latencyNs: latency(38_000, 38_000, 38_000),
            breakdownNs: { entry: 200, alloc: 9000, clear: 28_000, install: 800 },
          },
          'swapin-io': {
            count: 1024,
            latencyNs: latency(1400, 8500, 8500),
            breakdownNs: { entry: 200, io: 1100, install: 100 },
          },
        },
        histogram: { firstLog2: 9, counts: [5, 320, 590, 90, 16, 3, 2] },
      },
      walkers: {
        madvise_pageout: { calls: 2, entriesVisited: 1024 },
        smaps: { calls: 3, entriesVisited: 3075 },
      },
      fallbacks: { 'lazy-deposit-pte-alloc-failed': 1 },
    }),
    richVariant('pmd-swap', [8, 0, 8], {
      faults: {
        count: 4,
        latencyNs: latency(30_000, 120_000, 120_000),
        totalNs: 300_000,
        byType: {
          'anon-thp': {
            count: 2,
            latencyNs: latency(40_000, 40_000, 40_000),
            breakdownNs: { entry: 200, alloc: 9000, clear: 30_000, install: 800 },
          },
          'pmd-swapin-io': {
            count: 2,
            latencyNs: latency(110_000, 120_000, 120_000),
            breakdownNs: { entry: 200, alloc: 9000, io: 100_000, install: 800 },
          },
        },
        histogram: { firstLog2: 15, counts: [2, 2] },
      },
      walkers: {
        madvise_pageout: { calls: 2, entriesVisited: 2 },
        smaps: { calls: 3, entriesVisited: 6 },
      },
      fallbacks: { 'F2-no-free-cluster': 1, 'F6-swapin-alloc-failed': 2 },
    }),
    richVariant('pmd-swap+lazy-deposit', [0, 0, 0], {
      faults: {
        count: 4,
        latencyNs: latency(29_000, 118_000, 118_000),
        totalNs: 290_000,
        byType: {
          'anon-thp': {
            count: 2,
            latencyNs: latency(38_000, 38_000, 38_000),
            breakdownNs: { entry: 200, alloc: 9000, clear: 28_000, install: 800 },
          },
          'pmd-swapin-io': {
            count: 2,
            latencyNs: latency(108_000, 118_000, 118_000),
            breakdownNs: { entry: 200, alloc: 9000, io: 98_000, install: 800 },
          },
        },
        histogram: { firstLog2: 15, counts: [2, 2] },
      },
      walkers: {
        madvise_pageout: { calls: 2, entriesVisited: 2 },
        smaps: { calls: 3, entriesVisited: 6 },
      },
      fallbacks: { 'F2-no-free-cluster': 1 },
    }),
  ],
}

/**
 * FOUR_VARIANT_RESULT under the simulator's real names: fallback reasons the kernel model reports
 * (each with a label), every counter of the counters chart moving (thp_swpout_pmd only in the PMD
 * swap variants, thp_split_pmd_failed only with lazy deposit, as in a real run), and khugepaged
 * scan results. For the labels and the counters chart with every key counter moving.
 */
export const KERNEL_NAMES_RESULT: ResultJson = {
  ...FOUR_VARIANT_RESULT,
  scenario: { title: 'Two THPs, fallbacks', file: 'two-thps-fallbacks.ts', seed: 7 },
  variants: FOUR_VARIANT_RESULT.variants.map((v, n): VariantResult => {
    const { pmdSwap } = v.features
    // Every event a series adds, where the variant has the series (as a real run has them).
    const series = (at: number): Record<string, number> => ({
      thp_swpout_fallback: at,
      ...Object.fromEntries(
        SERIES_EVENT_NAMES.filter((name) => vmEventExists(name, v.features)).map((name) => [
          name,
          name === 'thp_swpout_pmd' ? 2 * at : at,
        ]),
      ),
    })
    return {
      ...v,
      // Two THP faults, then one fault per major fault on the way back.
      vmstat: {
        ...v.vmstat,
        ...series(1),
        pgmajfault: pmdSwap ? 3 : 1024,
        thp_fault_alloc: 2,
        pgfault: 2 + (pmdSwap ? 3 : 1024),
      },
      snapshots: v.snapshots.map((s, i) => ({
        ...s,
        vmstat: {
          ...s.vmstat,
          ...series(i === 0 ? 0 : 1),
          thp_fault_alloc: 2,
          pgfault: 2 + (s.vmstat.pgmajfault ?? 0),
        },
      })),
      fallbacks: [
        {},
        { 'lazy-deposit-pte-alloc-failed': 1 },
        { 'F2-no-free-cluster': 1, 'F6-swapin-alloc-failed': 2 },
        { 'F2-no-free-cluster': 1, 'F16-stable-writes-writeback': 1 },
      ][n],
      khugepaged: {
        pages_collapsed: 512,
        full_scans: 1,
        results: pmdSwap
          ? { SCAN_PMD_NULL: 1, SCAN_SUCCEED: 1 }
          : { SCAN_EXCEED_SWAP_PTE: 1, SCAN_SUCCEED: 1 },
      },
    }
  }),
}
