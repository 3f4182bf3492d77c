/**
 * The metrics every text format compares across variants, in report order. One list, so the
 * summary, the LKP table, the mmtests table and the CSV always talk about the same numbers.
 *
 * Names follow LKP: the source first, the metric name last. Kernel counters keep the kernel's
 * spelling and prefix (`proc-vmstat.thp_swpout`, `meminfo.PageTables`); everything the simulator
 * measures itself starts with `hugeswap.` (`hugeswap.faults.swapin-io.p99_us`,
 * `hugeswap.pagetables.peak_kB`, `hugeswap.walkers.<name>.entries`, `hugeswap.fallbacks.<reason>`,
 * `hugeswap.khugepaged.result.<SCAN_*>`, `hugeswap.mthp.<size>.<stat>`), so a reader never
 * mistakes a model figure for a kernel counter. Fallback reasons and scan results keep their exact
 * names in the tables; their readable labels ride along as `description`.
 *
 * Several runs (`--runs N`, one seed each) are folded by aggregateRuns(): per variant and metric
 * the mean, the SAMPLE standard deviation (n - 1 in the denominator, as LKP's %stddev), min and max.
 */
import type { MachineSummary, ResultJson, VariantName, VariantResult } from '../../shared/result'
import {
  fallbackLabel,
  KEY_VMSTAT_EVENTS,
  meminfoOf,
  scanResultLabel,
  type MeminfoField,
  type MetricKey,
} from '../vocabulary'

export const MEMINFO_METRICS = [
  'PageTables',
  'AnonHugePages',
  'SwapFree',
] as const satisfies readonly MeminfoField[]

export type MetricSection =
  | 'vmstat'
  | 'meminfo'
  | 'thp'
  | 'pageTables'
  | 'faults'
  | 'walkers'
  | 'fallbacks'
  | 'khugepaged'
  | 'mthp'

/**
 * `count`: an event or page count; `kB`: a size; `us`: a latency in microseconds; `ms`: a summed
 * time in milliseconds; `pct`: already a percentage (compared by absolute difference, as LKP does).
 */
export type MetricUnit = 'count' | 'kB' | 'us' | 'ms' | 'pct'

export interface Metric {
  section: MetricSection
  /** The row label inside its section (`thp_swpout`, `latency p50 us`). */
  label: string
  /** The flat LKP-style name: `proc-vmstat.thp_swpout`, `hugeswap.pagetables.peak_kB`. */
  key: MetricKey
  unit: MetricUnit
  /**
   * What the name means, for a reader who does not know it by heart: the label of a fallback
   * reason (`F2-swap-file`) or of a khugepaged scan result (`SCAN_EXCEED_SWAP_PTE`).
   */
  description?: string
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
  khugepaged: 'khugepaged',
  mthp: 'mTHP stats',
} as const satisfies Record<MetricSection, string>

/** Sections the summary leaves out entirely when empty (the others print `<title>: none`). */
export const OPTIONAL_SECTIONS: readonly MetricSection[] = ['thp', 'walkers', 'khugepaged', 'mthp']

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
    key: MetricKey,
    unit: MetricUnit,
    value: (v: VariantResult) => number | undefined,
    description?: string,
  ): MetricDef =>
    description === undefined
      ? { section, label, key, unit, value }
      : { section, label, key, unit, value, description }
  // Latency percentiles only per fault type: a percentile over THP write faults and swap-in I/O
  // together answers no question (issue 13).
  const typeUs = (v: VariantResult, type: string, p: 'p50' | 'p99'): number | undefined => {
    const t = v.faults.byType[type]
    return t && t.count > 0 ? t.latencyNs[p] / 1000 : undefined
  }
  const faultTypes = sortedKeys(variants.map((v) => v.faults.byType))
  const hasAnonPages = variants.some((v) => (meminfoOf(v.meminfo, 'AnonPages') ?? 0) > 0)
  const walkers = sortedKeys(variants.map((v) => v.walkers))
  const reasons = sortedKeys(variants.map((v) => v.fallbacks))
  // khugepaged is in every result; its section only where it did something.
  const khugepaged = variants.some(
    (v) =>
      v.khugepaged !== undefined &&
      (v.khugepaged.pages_collapsed > 0 ||
        v.khugepaged.full_scans > 0 ||
        Object.keys(v.khugepaged.results).length > 0),
  )
  const scanResults = khugepaged ? sortedKeys(variants.map((v) => v.khugepaged?.results)) : []
  const mthp = sortedKeys(variants.map((v) => v.mthp)).flatMap((dir) =>
    sortedKeys(variants.map((v) => v.mthp?.[dir])).map((stat) => [dir, stat] as const),
  )

  return [
    ...KEY_VMSTAT_EVENTS.map((name) =>
      def('vmstat', name, `proc-vmstat.${name}`, 'count', (v) => v.vmstat[name]),
    ),
    ...MEMINFO_METRICS.map((name) =>
      def('meminfo', name, `meminfo.${name}`, 'kB', (v) => v.meminfo[name]),
    ),
    ...(hasAnonPages
      ? [
          def('thp', 'AnonHugePages %', 'hugeswap.thp.anon_huge_pct', 'pct', (v) => {
            const anon = meminfoOf(v.meminfo, 'AnonPages') ?? 0
            return anon > 0
              ? ((meminfoOf(v.meminfo, 'AnonHugePages') ?? 0) / anon) * 100
              : undefined
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
    def('faults', 'time ms', 'hugeswap.faults.time_ms', 'ms', (v) => faultTimeMs(v)),
    ...faultTypes.flatMap((type) => [
      def('faults', `${type} count`, `hugeswap.faults.${type}.count`, 'count', (v) =>
        v.faults.byType[type] ? v.faults.byType[type].count : undefined,
      ),
      def('faults', `${type} p50 us`, `hugeswap.faults.${type}.p50_us`, 'us', (v) =>
        typeUs(v, type, 'p50'),
      ),
      def('faults', `${type} p99 us`, `hugeswap.faults.${type}.p99_us`, 'us', (v) =>
        typeUs(v, type, 'p99'),
      ),
    ]),
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
        fallbackLabel(reason),
      ),
    ),
    ...(khugepaged
      ? [
          def(
            'khugepaged',
            'pages_collapsed',
            'hugeswap.khugepaged.pages_collapsed',
            'count',
            (v) => v.khugepaged?.pages_collapsed,
          ),
          def(
            'khugepaged',
            'full_scans',
            'hugeswap.khugepaged.full_scans',
            'count',
            (v) => v.khugepaged?.full_scans,
          ),
          ...scanResults.map((result) =>
            def(
              'khugepaged',
              result,
              `hugeswap.khugepaged.result.${result}`,
              'count',
              (v) => (v.khugepaged ? (v.khugepaged.results[result] ?? 0) : undefined),
              scanResultLabel(result),
            ),
          ),
        ]
      : []),
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

/** Total time the variant's tasks spent in page faults (simulated), ms. */
export function faultTimeMs(v: VariantResult): number {
  const ns =
    v.faults.totalNs ??
    Object.values(v.faults.byType).reduce(
      (s, t) => s + (t.totalNs ?? t.latencyNs.mean * t.count),
      0,
    )
  return ns / 1e6
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
  if (unit === 'us' || unit === 'ms') return formatMicros(value)
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
 * The footer of every text format, so a pasted table always says where it came from and how to
 * rerun it: the command line (tool version, model, seed, params), the scenario's title and source
 * digest, and the simulated machine. Lines of at most 75 columns; none starts with "-- ", which
 * mail clients take for a signature delimiter and cut from replies.
 *
 *   Reproduce: hugeswap run fork-heap.ts --seed 1 --param params.procs=20
 *     (hugeswap 0.1.0, model hugeswap-model-7/pmd-swap-v7/lazy-deposit-v3)
 *   Scenario: "fork-heap", source sha256:1a2b3c4d5e6f7a8b
 *   Machine (simulated): 1 GiB RAM; swap: nvme 1 GiB; zswap off; THP
 *     enabled=always defrag=madvise use_zero_page=1; mTHP: none; ...
 */
export function formatFooter(input: RunsInput): string {
  const runs = toRuns(input)
  const { title, seed, file, sha256, params } = runs[0].scenario
  const { version, model } = runs[0].tool
  const command = [
    `hugeswap run ${file} --seed ${seed}`,
    ...(runs.length > 1 ? [`--runs ${runs.length}`] : []),
    ...Object.entries(params ?? {}).map(([k, v]) => `--param params.${k}=${String(v)}`),
  ].join(' ')
  const lines = [
    wrap(
      ascii(`Reproduce: ${command} (hugeswap ${version}, model ${model})`),
      '',
      '  ',
      PROSE_MAX_COLUMNS,
    ),
    wrap(
      `Scenario: ${quoted(title)}` + (sha256 ? `, source sha256:${sha256.slice(0, 16)}` : ''),
      '',
      '  ',
      PROSE_MAX_COLUMNS,
    ),
  ]
  const machine = runs[0].machine
  if (machine)
    lines.push(
      wrap(
        ascii(`Machine (simulated): ${describeMachineText(machine)}`),
        '',
        '  ',
        PROSE_MAX_COLUMNS,
      ),
    )
  if (runs[0].scenario.costs)
    lines.push(wrap(ascii(`Costs: ${runs[0].scenario.costs}`), '', '  ', PROSE_MAX_COLUMNS))
  return lines.join('\n')
}

/** `8 GiB`, `512 MiB`, `1536 kB` from bytes. */
export function formatBytes(bytes: number): string {
  const kb = bytes / 1024
  if (kb >= 1 << 20) return `${formatNumber(kb / (1 << 20))} GiB`
  if (kb >= 1 << 10) return `${formatNumber(kb / (1 << 10))} MiB`
  return `${formatNumber(kb)} kB`
}

/** The machine in one line: RAM, swap devices and types, zswap, THP and mTHP knobs, vm, costs. */
export function describeMachineText(m: MachineSummary): string {
  const swap =
    m.swap.length === 0
      ? 'none'
      : m.swap.map((d) => `${d.type} ${formatBytes(d.sizeBytes)} (prio ${d.priority})`).join(', ')
  const mthp = Object.entries(m.thp.hugepages).filter(([, v]) => v !== 'never')
  return [
    `${formatBytes(m.memoryBytes)} RAM`,
    `swap: ${swap}`,
    `zswap ${m.zswap ? 'on' : 'off'}`,
    `THP enabled=${m.thp.enabled} defrag=${m.thp.defrag} use_zero_page=${m.thp.use_zero_page ? 1 : 0}`,
    `mTHP: ${mthp.length === 0 ? 'none' : mthp.map(([size, v]) => `${size}=${v}`).join(' ')}`,
    `vm.page_cluster=${m.vm.page_cluster} swappiness=${m.vm.swappiness} min_free_kbytes=${m.vm.min_free_kbytes}`,
    `kernel base ${m.kernel_base}`,
    `costs ${m.costs}`,
  ].join('; ')
}

/** The changelog width (Documentation/process/submitting-patches.rst). */
export const PROSE_MAX_COLUMNS = 75

/**
 * Fills `text` (one paragraph, ASCII) into lines of at most `width` columns, the first line
 * starting with `first`, the others with `rest`. A word longer than a line is cut.
 */
export function wrap(text: string, first = '', rest = first, width = PROSE_MAX_COLUMNS): string {
  const lines: string[] = []
  let line = first
  let empty = true
  for (let word of text.split(/\s+/).filter((w) => w !== '')) {
    if (!empty && line.length + 1 + word.length > width) {
      lines.push(line)
      line = rest
      empty = true
    }
    while (line.length + word.length > width) {
      const room = width - line.length - (empty ? 0 : 1)
      if (room <= 0) {
        lines.push(line)
        line = rest
        empty = true
        continue
      }
      line += (empty ? '' : ' ') + word.slice(0, room)
      word = word.slice(room)
      lines.push(line)
      line = rest
      empty = true
    }
    if (word === '') continue
    line += (empty ? '' : ' ') + word
    empty = false
  }
  lines.push(line)
  return lines.map((l) => l.trimEnd()).join('\n')
}
