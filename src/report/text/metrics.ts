/**
 * The metrics every text format compares across variants, in report order. One list, so the
 * summary, the LKP table and the mmtests table always talk about the same numbers.
 */
import type { VariantResult } from '../../shared/result'

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

export type MetricSection = 'vmstat' | 'meminfo' | 'pageTables' | 'faults' | 'fallbacks'

/** `count`: an event or page count; `kB`: a size; `us`: a latency in microseconds. */
export type MetricUnit = 'count' | 'kB' | 'us'

export interface Metric {
  section: MetricSection
  /** The row label inside its section (`thp_swpout`, `latency p50 us`). */
  label: string
  /** A flat name for LKP-style tables: `proc-vmstat.thp_swpout`, `meminfo.PageTables`. */
  key: string
  unit: MetricUnit
  /** One value per variant, in the order given; undefined where the kernel has no such counter. */
  values: (number | undefined)[]
}

export const SECTION_TITLES = {
  vmstat: 'vmstat',
  meminfo: 'meminfo (kB)',
  pageTables: 'page-table ledger (PTE tables)',
  faults: 'faults',
  fallbacks: 'fallbacks by reason',
} as const satisfies Record<MetricSection, string>

/** Baseline first (it is what every other column is read against), the rest as run. */
export function displayOrder(variants: readonly VariantResult[]): VariantResult[] {
  const baseline = variants.filter((v) => v.name === 'baseline')
  return [...baseline, ...variants.filter((v) => v.name !== 'baseline')]
}

export function comparisonMetrics(variants: readonly VariantResult[]): Metric[] {
  const metric = (
    section: MetricSection,
    label: string,
    key: string,
    unit: MetricUnit,
    value: (v: VariantResult) => number | undefined,
  ): Metric => ({ section, label, key, unit, values: variants.map(value) })
  const latencyUs = (v: VariantResult, p: 'p50' | 'p99'): number | undefined =>
    v.faults.count > 0 ? v.faults.latencyNs[p] / 1000 : undefined
  const reasons = [...new Set(variants.flatMap((v) => Object.keys(v.fallbacks)))].sort()

  return [
    ...VMSTAT_METRICS.map((name) =>
      metric('vmstat', name, `proc-vmstat.${name}`, 'count', (v) => v.vmstat[name]),
    ),
    ...MEMINFO_METRICS.map((name) =>
      metric('meminfo', name, `meminfo.${name}`, 'kB', (v) => v.meminfo[name]),
    ),
    metric(
      'pageTables',
      'allocated',
      'pagetables.allocated',
      'count',
      (v) => v.pageTables.allocated,
    ),
    metric(
      'pageTables',
      'deposited',
      'pagetables.deposited',
      'count',
      (v) => v.pageTables.deposited,
    ),
    metric(
      'pageTables',
      'peak kB',
      'pagetables.peak_kB',
      'kB',
      (v) => v.pageTables.peakBytes / 1024,
    ),
    metric('faults', 'count', 'faults.count', 'count', (v) => v.faults.count),
    metric('faults', 'latency p50 us', 'faults.latency_p50_us', 'us', (v) => latencyUs(v, 'p50')),
    metric('faults', 'latency p99 us', 'faults.latency_p99_us', 'us', (v) => latencyUs(v, 'p99')),
    ...reasons.map((reason) =>
      metric('fallbacks', reason, `fallbacks.${reason}`, 'count', (v) => v.fallbacks[reason] ?? 0),
    ),
  ]
}

/** Integers as they are (kernel style, no separators); fractions to six significant digits. */
export function formatNumber(n: number): string {
  if (Number.isInteger(n) || !Number.isFinite(n)) return String(n)
  return String(Number(n.toPrecision(6)))
}

/** Microseconds with about three significant digits (0.41, 61.0, 1234). */
export function formatMicros(us: number): string {
  return us.toFixed(us < 10 ? 2 : us < 1000 ? 1 : 0)
}

export function formatMetricValue(unit: MetricUnit, value: number): string {
  return unit === 'us' ? formatMicros(value) : formatNumber(value)
}

/** Escapes everything outside printable ASCII (user titles and labels may hold any Unicode). */
export function ascii(text: string): string {
  return text.replace(/[^\x20-\x7e]/gu, (ch) => {
    const code = ch.codePointAt(0)!
    return code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, '0')}`
  })
}
