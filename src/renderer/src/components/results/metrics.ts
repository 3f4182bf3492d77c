/**
 * The %change rows the results and compare tables show: the text reports' metric list
 * (aggregateRuns, LKP names) and their change columns (percentChange / absoluteChange).
 */
import type { ResultJson } from '../../../../shared/result'
import { SERIES_EVENT_NAMES, type MetricKey } from '../../../../report/vocabulary'
import {
  absoluteChange,
  aggregateRuns,
  percentChange,
  type AggregatedMetric,
} from '../../../../report/text'

/**
 * The metrics the summary table shows unless "all" is asked for: THP swap-out and its split, every
 * event a series adds (SERIES_EVENT_NAMES: what a reviewer of those patches looks for first), then
 * swap-in, page-table memory and faults.
 */
export const KEY_METRICS: readonly MetricKey[] = [
  'proc-vmstat.thp_swpout',
  'proc-vmstat.thp_split_pmd',
  ...SERIES_EVENT_NAMES.map((name): MetricKey => `proc-vmstat.${name}`),
  'proc-vmstat.pswpin',
  'meminfo.PageTables',
  'meminfo.AnonHugePages',
  'hugeswap.pagetables.peak_kB',
  'hugeswap.faults.count',
  'hugeswap.faults.time_ms',
]

export function metricsOf(result: ResultJson): AggregatedMetric[] {
  return aggregateRuns([result]).metrics.filter((m) => m.values.some((v) => v !== undefined))
}

export function change(unit: AggregatedMetric['unit'], base?: number, value?: number): string {
  return unit === 'pct' ? absoluteChange(base, value) : percentChange(base, value)
}

export function formatValue(v: number | undefined): string {
  if (v === undefined) return '–'
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4)))
}

/** `better`/`worse`-neutral sign class for a change string. */
export function changeClass(text: string): string {
  return text.startsWith('+') ? 'up' : text.startsWith('-') ? 'down' : ''
}
