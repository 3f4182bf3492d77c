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

/**
 * Faults from `types` (name -> [count, p50 ns, p99 ns]), with per-type totals (count x p50 for
 * simplicity) and two phases: the THP fault before the snapshot, the swap-ins after it.
 */
function faultsOf(
  types: Record<string, [number, number, number]>,
  histogram: VariantResult['faults']['histogram'],
  snapshotLabel: string,
  endNs: number,
): Pick<VariantResult, 'faults' | 'phases'> {
  const byType: VariantResult['faults']['byType'] = {}
  let count = 0
  let totalNs = 0
  for (const [type, [n, p50, p99]] of Object.entries(types)) {
    byType[type] = { count: n, totalNs: n * p50, latencyNs: latency(p50, p99) }
    count += n
    totalNs += n * p50
  }
  const phase = (name: string, startNs: number, end: number, keep: (type: string) => boolean) => {
    const types = Object.entries(byType).filter(([t]) => keep(t))
    return {
      name,
      startNs,
      endNs: end,
      faults: {
        count: types.reduce((s, [, t]) => s + t.count, 0),
        totalNs: types.reduce((s, [, t]) => s + t.totalNs!, 0),
        byType: Object.fromEntries(
          types.map(([type, t]) => [
            type,
            { count: t.count, totalNs: t.totalNs!, latencyNs: t.latencyNs },
          ]),
        ),
      },
    }
  }
  const all = Object.values(byType)
  return {
    faults: {
      count,
      latencyNs: latency(
        Math.min(...all.map((t) => t.latencyNs.p50)),
        Math.max(...all.map((t) => t.latencyNs.p99)),
      ),
      totalNs,
      byType,
      histogram,
    },
    phases: [
      phase(`start -> ${snapshotLabel}`, 0, 147_560, (t) => t === 'anon-thp'),
      phase(`${snapshotLabel} -> end`, 147_560, endNs, (t) => t !== 'anon-thp'),
    ],
  }
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

const SNAPSHOT = 'swapped out, "cold"'
const PMD_TYPES: Record<string, [number, number, number]> = {
  'anon-thp': [1, 121_160, 121_160],
  'pmd-swapin-io': [1, 95_250, 95_250],
}
const SPLIT_TYPES: Record<string, [number, number, number]> = {
  'anon-thp': [1, 121_160, 121_160],
  'swapin-cache': [512, 412, 450],
  'swapin-io': [1, 61_003, 61_003],
}

export const RESULT_FIXTURE: ResultJson = {
  schema: 1,
  tool: { name: 'hugeswap', version: '0.1.0', model: 'test-model-1' },
  scenario: {
    title: 'One THP: swap out, fault back \u2014 caf\u00e9',
    file: 'one-thp.ts',
    seed: 7,
    sha256: '5f0c9b0e8c3a4d2e1f60718293a4b5c6d7e8f90112233445566778899aabbccd',
  },
  machine: {
    memoryBytes: 8 * 2 ** 30,
    swap: [{ type: 'nvme', sizeBytes: 16 * 2 ** 30, priority: -2 }],
    zswap: false,
    thp: {
      enabled: 'always',
      defrag: 'madvise',
      use_zero_page: true,
      hugepages: { '64kB': 'never', '2048kB': 'inherit' },
    },
    vm: { page_cluster: 3, swappiness: 60, min_free_kbytes: 67584 },
    kernel_base: 'mm-2026',
    costs: 'desktop-nvme',
  },
  variants: [
    variant('pmd-swap', {
      vmstat: pmdVmstat,
      meminfo: { ...machine, PageTables: 8, AnonHugePages: 2048, SwapFree: 16775168 },
      pageTables: { allocated: 1, freed: 0, deposited: 1, withdrawn: 0, peakBytes: 4096 },
      ...faultsOf(PMD_TYPES, pmdHistogram, SNAPSHOT, 250_000),
      walkers: {
        smaps: { calls: 3, entriesVisited: 3, lockHoldNs: 9 },
        madvise_pageout: { calls: 1, entriesVisited: 1, lockHoldNs: 3 },
      },
      mthp: { 'hugepages-2048kB': { swpout: 1, swpin: 1 } },
      snapshots: [snapshot(SNAPSHOT, 147_560)],
      endTimeNs: 250_000,
      checks: [
        check('one-thp.ts:22:5'),
        check('one-thp.ts:29:5', { label: 'PMD restored', actual: 2048, expected: 2048 }),
      ],
    }),
    variant('baseline', {
      vmstat: splitVmstat,
      meminfo: { ...machine, PageTables: 12, AnonHugePages: 0, SwapFree: 16775168 },
      pageTables: { allocated: 1, freed: 0, deposited: 1, withdrawn: 1, peakBytes: 8192 },
      ...faultsOf(SPLIT_TYPES, splitHistogram, SNAPSHOT, 900_000),
      walkers: {
        smaps: { calls: 3, entriesVisited: 1025 },
        madvise_pageout: { calls: 1, entriesVisited: 512 },
      },
      snapshots: [
        snapshot(SNAPSHOT, 147_560, {
          pageTables: { allocated: 1, freed: 0, deposited: 0, withdrawn: 1, peakBytes: 8192 },
          pageTableBytes: 8192,
        }),
      ],
      endTimeNs: 900_000,
      fallbacks: { 'F12-pmd-cow-split': 1 },
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
      vmstat: { ...pmdVmstat, thp_split_pmd_failed: 0 },
      meminfo: { ...machine, PageTables: 0, AnonHugePages: 2048, SwapFree: 16775168 },
      pageTables: { allocated: 1, freed: 1, deposited: 0, withdrawn: 0, peakBytes: 4096 },
      ...faultsOf(PMD_TYPES, pmdHistogram, SNAPSHOT, 0),
      mthp: { 'hugepages-2048kB': { swpout: 1, swpin: 1 } },
    }),
    variant('lazy-deposit', {
      vmstat: { ...splitVmstat, thp_split_pmd_failed: 0 },
      meminfo: { ...machine, PageTables: 4, AnonHugePages: 0, SwapFree: 16775168 },
      pageTables: { allocated: 1, freed: 0, deposited: 0, withdrawn: 0, peakBytes: 4096 },
      ...faultsOf(
        {
          'anon-thp': [1, 120_660, 120_660],
          'swapin-cache': [512, 405, 440],
          'swapin-io': [1, 60_100, 60_100],
        },
        { firstLog2: 8, counts: [401, 99, 10, 0, 0, 0, 0, 4] },
        SNAPSHOT,
        0,
      ),
      fallbacks: { 'F12-pmd-cow-split': 1, 'lazy-deposit-pte-alloc-failed': 0 },
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
  Object.assign(
    baseline,
    faultsOf(
      {
        'anon-thp': [1, 121_160, 121_160],
        'swapin-cache': [513, 450, 480],
        'swapin-io': [1, 66_000, 66_000],
      },
      { firstLog2: 8, counts: [380, 120, 10, 0, 0, 0, 0, 3, 2] },
      SNAPSHOT,
      900_000,
    ),
  )
  const pmd = find('pmd-swap')
  Object.assign(
    pmd,
    faultsOf(
      { 'anon-thp': [1, 121_160, 121_160], 'pmd-swapin-io': [1, 90_000, 90_000] },
      { firstLog2: 9, counts: [0, 0, 1, 0, 0, 0, 0, 1] },
      SNAPSHOT,
      250_000,
    ),
  )
  pmd.fallbacks = { 'F6-swapin-alloc-failed': 1 }
  pmd.pageTables.peakBytes = 8192
  return run
})()
