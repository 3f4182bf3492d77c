/**
 * The latency percentiles the fault charts mark (p50, p99, p99.9), read from each variant's
 * `faults.latencyNs`. Pure.
 */
import type { LatencySummaryNs } from '../../shared/result'

export interface Percentile {
  key: 'p50' | 'p99' | 'p999'
  label: string
  /** The share of faults at or below it, in percent. */
  percent: number
}

export const MARKED_PERCENTILES: readonly Percentile[] = [
  { key: 'p50', label: 'p50', percent: 50 },
  { key: 'p99', label: 'p99', percent: 99 },
  { key: 'p999', label: 'p99.9', percent: 99.9 },
]

/** The marked percentiles of one variant that have a latency (a run without faults has none). */
export function markedPercentiles(
  latencyNs: LatencySummaryNs,
): { percentile: Percentile; ns: number }[] {
  return MARKED_PERCENTILES.filter((p) => latencyNs[p.key] > 0).map((percentile) => ({
    percentile,
    ns: latencyNs[percentile.key],
  }))
}
