/**
 * The metrics every text format compares across variants, in report order. One list, so the
 * summary, the LKP table, the mmtests table and the CSV always talk about the same numbers.
 *
 * Names follow LKP: the source first, the metric name last. Kernel counters keep the kernel's
 * spelling and prefix (`proc-vmstat.thp_swpout`, `meminfo.PageTables`); everything the simulator
 * measures itself starts with `hugeswap.` (`hugeswap.faults.latency.p99_us`,
 * `hugeswap.pagetables.peak_kB`, `hugeswap.walkers.<name>.entries`, `hugeswap.fallbacks.<reason>`,
 * `hugeswap.mthp.<size>.<stat>`), so a reader never mistakes a model figure for a kernel counter.
 *
 * Several runs (`--runs N`, one seed each) are folded by aggregateRuns(): per variant and metric
 * the mean, the SAMPLE standard deviation (n - 1 in the denominator, as LKP's %stddev), min and max.
 */
import type { ResultJson, VariantName, VariantResult } from '../../shared/result'

export const VMSTAT_METRICS = [
  'thp_swpout',
  'thp_swpout_pmd',
  'thp_split_pmd',
  'thp_split_pmd_failed',
  'thp_swpout_fallback',
  'thp_fault_alloc',
  'pswpout',
  'pswpin',
  'pgfault',
  'pgmajfault',
] as const

export const MEMINFO_METRICS = ['PageTables', 'AnonHugePages', 'SwapFree'] as const

export type MetricSection =
  'vmstat' | 'meminfo' | 'thp' | 'pageTables' | 'faults' | 'walkers' | 'fallbacks' | 'mthp'

/**
 * `count`: an event or page count; `kB`: a size; `us`: a latency in microseconds; `pct`: already a
 * percentage (compared by absolute difference, as LKP does).
 */
export type MetricUnit = 'count' | 'kB' | 'us' | 'pct'

export interface Metric {
  section: MetricSection
  /** The row label inside its section (`thp_swpout`, `latency p50 us`). */
  label: string
  /** The flat LKP-style name: `proc-vmstat.thp_swpout`, `hugeswap.pagetables.peak_kB`. */
  key: string
  unit: MetricUnit
  /**
   * One value per variant, in the order given (the mean over the runs when aggregated); undefined
   * where the kernel has no such counter.
   */
  values: (number | undefined)[]
}

/** A metric and how to read it from one variant's result. */
export interface MetricDef extends Omit<Metric, 'values'> {
  value: (v: VariantResult) => number | undefined
}

export const SECTION_TITLES = {
  vmstat: 'vmstat',
  meminfo: 'meminfo (kB)',
  thp: 'THP mapping',
  pageTables: 'page-table ledger (PTE tables)',
  faults: 'faults',
  walkers: 'page-table walkers (entries visited)',
  fallbacks: 'fallbacks by reason',
  mthp: 'mTHP stats',
} as const satisfies Record<MetricSection, string>

/** Sections the summary leaves out entirely when empty (the others print `<title>: none`). */
export const OPTIONAL_SECTIONS: readonly MetricSection[] = ['thp', 'walkers', 'mthp']

/** Baseline first (it is what every other column is read against), the rest as run. */
export function displayOrder(variants: readonly VariantResult[]): VariantResult[] {
  const baseline = variants.filter((v) => v.name === 'baseline')
  return [...baseline, ...variants.filter((v) => v.name !== 'baseline')]
}

const sortedKeys = (records: (Record<string, unknown> | undefined)[]): string[] =>
  [...new Set(records.flatMap((r) => Object.keys(r ?? {})))].sort()

/** `hugepages-2048kB` -> `2048kB` (the sysfs directory name without its constant prefix). */
function mthpSize(dir: string): string {
  return dir.replace(/^hugepages-/, '')
}

/** The metrics that `variants` can show, in report order (the dynamic names sorted). */
export function metricDefs(variants: readonly VariantResult[]): MetricDef[] {
  const def = (
    section: MetricSection,
    label: string,
    key: string,
    unit: MetricUnit,
    value: (v: VariantResult) => number | undefined,
  ): MetricDef => ({ section, label, key, unit, value })
  const latencyUs = (v: VariantResult, p: 'p50' | 'p99'): number | undefined =>
    v.faults.count > 0 ? v.faults.latencyNs[p] / 1000 : undefined
  const hasAnonPages = variants.some((v) => (v.meminfo.AnonPages ?? 0) > 0)
  const walkers = sortedKeys(variants.map((v) => v.walkers))
  const reasons = sortedKeys(variants.map((v) => v.fallbacks))
  const mthp = sortedKeys(variants.map((v) => v.mthp)).flatMap((dir) =>
    sortedKeys(variants.map((v) => v.mthp?.[dir])).map((stat) => [dir, stat] as const),
  )

  return [
    ...VMSTAT_METRICS.map((name) =>
      def('vmstat', name, `proc-vmstat.${name}`, 'count', (v) => v.vmstat[name]),
    ),
    ...MEMINFO_METRICS.map((name) =>
      def('meminfo', name, `meminfo.${name}`, 'kB', (v) => v.meminfo[name]),
    ),
    ...(hasAnonPages
      ? [
          def('thp', 'AnonHugePages %', 'hugeswap.thp.anon_huge_pct', 'pct', (v) => {
            const anon = v.meminfo.AnonPages
            return anon > 0 ? ((v.meminfo.AnonHugePages ?? 0) / anon) * 100 : undefined
          }),
        ]
      : []),
    def(
      'pageTables',
      'allocated',
      'hugeswap.pagetables.allocated',
      'count',
      (v) => v.pageTables.allocated,
    ),
    def(
      'pageTables',
      'deposited',
      'hugeswap.pagetables.deposited',
      'count',
      (v) => v.pageTables.deposited,
    ),
    def(
      'pageTables',
      'peak kB',
      'hugeswap.pagetables.peak_kB',
      'kB',
      (v) => v.pageTables.peakBytes / 1024,
    ),
    def('faults', 'count', 'hugeswap.faults.count', 'count', (v) => v.faults.count),
    def('faults', 'latency p50 us', 'hugeswap.faults.latency.p50_us', 'us', (v) =>
      latencyUs(v, 'p50'),
    ),
    def('faults', 'latency p99 us', 'hugeswap.faults.latency.p99_us', 'us', (v) =>
      latencyUs(v, 'p99'),
    ),
    ...walkers.map((name) =>
      def(
        'walkers',
        name,
        `hugeswap.walkers.${name}.entries`,
        'count',
        (v) => v.walkers[name]?.entriesVisited ?? 0,
      ),
    ),
    ...reasons.map((reason) =>
      def(
        'fallbacks',
        reason,
        `hugeswap.fallbacks.${reason}`,
        'count',
        (v) => v.fallbacks[reason] ?? 0,
      ),
    ),
    ...mthp.map(([dir, stat]) =>
      def(
        'mthp',
        `${mthpSize(dir)} ${stat}`,
        `hugeswap.mthp.${mthpSize(dir)}.${stat}`,
        'count',
        (v) => v.mthp?.[dir]?.[stat] ?? 0,
      ),
    ),
  ]
}

export function comparisonMetrics(variants: readonly VariantResult[]): Metric[] {
  return metricDefs(variants).map(({ value, ...m }) => ({ ...m, values: variants.map(value) }))
}

// ---------------------------------------------------------------------------------------------
// Several runs

/** One variant's metric over several runs. `stddev` is the sample standard deviation (n - 1). */
export interface MetricStats {
  /** Runs in which the metric exists. */
  n: number
  mean: number
  stddev: number
  min: number
  max: number
}

export interface AggregatedMetric extends Metric {
  /** Per variant (same order as `values`, which hold the means); undefined where never present. */
  stats: (MetricStats | undefined)[]
}

export interface RunsAggregate {
  runs: number
  /** Each run's seed, in run order. */
  seeds: number[]
  /** Every variant any run has, baseline first, then in the order the runs list them. */
  variants: VariantName[]
  metrics: AggregatedMetric[]
}

/** One result, or several runs of the same scenario (`--runs N`): what every format accepts. */
export type RunsInput = ResultJson | readonly ResultJson[]

/** The runs behind `input`; throws on an empty list or on runs of different scenarios. */
export function toRuns(input: RunsInput): readonly ResultJson[] {
  const runs: readonly ResultJson[] = Array.isArray(input) ? input : [input as ResultJson]
  if (runs.length === 0) throw new RangeError('no runs to report')
  const { file } = runs[0].scenario
  const other = runs.find((r) => r.scenario.file !== file)
  if (other) {
    throw new Error(`runs of different scenarios: ${file} and ${other.scenario.file}`)
  }
  return runs
}

/** Mean, sample stddev, min and max; identical values give a stddev of exactly 0. */
export function statsOf(values: readonly number[]): MetricStats | undefined {
  const n = values.length
  if (n === 0) return undefined
  const min = Math.min(...values)
  const max = Math.max(...values)
  if (min === max) return { n, mean: min, stddev: 0, min, max }
  const mean = values.reduce((s, x) => s + x, 0) / n
  const squares = values.reduce((s, x) => s + (x - mean) ** 2, 0)
  return { n, mean, stddev: n > 1 ? Math.sqrt(squares / (n - 1)) : 0, min, max }
}

/** The stddev as a percentage of the mean (LKP's `%stddev`); Infinity when the mean is 0. */
export function stddevPercent(stats: MetricStats): number {
  if (stats.stddev === 0) return 0
  return stats.mean === 0 ? Infinity : (stats.stddev / Math.abs(stats.mean)) * 100
}

/** Per variant x metric: mean, sample stddev, min, max over the runs (one run: stddev 0). */
export function aggregateRuns(results: readonly ResultJson[]): RunsAggregate {
  const runs = toRuns(results)
  const all = runs.flatMap((r) => r.variants)
  const names = [...new Set(displayOrder(all).map((v) => v.name))]
  const byName = runs.map((r) => new Map(r.variants.map((v) => [v.name, v])))
  const metrics = metricDefs(all).map(({ value, ...m }): AggregatedMetric => {
    const stats = names.map((name) =>
      statsOf(
        byName
          .map((variants) => {
            const v = variants.get(name)
            return v === undefined ? undefined : value(v)
          })
          .filter((x): x is number => x !== undefined),
      ),
    )
    return { ...m, values: stats.map((s) => s?.mean), stats }
  })
  return { runs: runs.length, seeds: runs.map((r) => r.scenario.seed), variants: names, metrics }
}

// ---------------------------------------------------------------------------------------------
// Numbers and text

/**
 * Integers as they are (kernel style, no separators); fractions to six significant digits, or to
 * the unit from 100000 up (a mean of 16775168 and 16775169 is 16775168.5, not 1.67752e+7).
 */
export function formatNumber(n: number): string {
  if (Number.isInteger(n) || !Number.isFinite(n)) return String(n)
  if (Math.abs(n) >= 100_000) return String(Math.round(n))
  return String(Number(n.toPrecision(6)))
}

/** Microseconds with about three significant digits (0.41, 61.0, 1234). */
export function formatMicros(us: number): string {
  return us.toFixed(us < 10 ? 2 : us < 1000 ? 1 : 0)
}

export function formatMetricValue(unit: MetricUnit, value: number): string {
  if (unit === 'us') return formatMicros(value)
  if (unit === 'pct') return value.toFixed(1)
  return formatNumber(value)
}

/** Escapes everything outside printable ASCII (user titles and labels may hold any Unicode). */
export function ascii(text: string): string {
  return text.replace(/[^\x20-\x7e]/gu, (ch) => {
    const code = ch.codePointAt(0)!
    return code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, '0')}`
  })
}

/** `7`, `7,9`, or `7-12` for a consecutive run of seeds. */
export function formatSeeds(seeds: readonly number[]): string {
  const consecutive = seeds.length > 2 && seeds.every((s, i) => i === 0 || s === seeds[i - 1] + 1)
  return consecutive ? `${seeds[0]}-${seeds.at(-1)}` : seeds.join(',')
}

/** A user string inside double quotes: `\` and `"` backslash-escaped, then made ASCII. */
export function quoted(text: string): string {
  return `"${ascii(text.replace(/[\\"]/g, (c) => `\\${c}`))}"`
}

/**
 * The last line of every text format, so a pasted table always says where it came from:
 * `-- scenario "<title>", seed N, hugeswap <version>, model <model>`; with several runs
 * `seeds 7-9 (3 runs)` in place of `seed N`.
 */
export function formatFooter(input: RunsInput): string {
  const runs = toRuns(input)
  const { title, seed } = runs[0].scenario
  const { version, model } = runs[0].tool
  const seeds =
    runs.length === 1
      ? `seed ${seed}`
      : `seeds ${formatSeeds(runs.map((r) => r.scenario.seed))} (${runs.length} runs)`
  const costs = runs[0].scenario.costs ? `, costs ${runs[0].scenario.costs}` : ''
  return ascii(
    `-- scenario ${quoted(title)}, ${seeds}, hugeswap ${version}, model ${model}${costs}`,
  )
}
