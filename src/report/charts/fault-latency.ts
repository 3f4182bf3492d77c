/**
 * Fault latency per variant: a log2 histogram (bars, log count axis, so 128 PMD swap-ins stay
 * visible beside 1.3M swap-cache hits) with its CDF (dashed lines, right axis). Faults by type are
 * the faults-by-type chart's. Pure function of the result JSON (no DOM, no Vue), shared by the
 * workbench and the CLI's SVG export.
 */
import type { EChartsOption } from 'echarts'
import type { ResultJson, VariantResult } from '../../shared/result'
import {
  boxedGrid,
  chartTitle,
  EDGE,
  formatNs,
  legendLayout,
  TEXT_STYLE,
  variantColor,
} from './variants'

export const FAULT_LATENCY_TITLE = 'Fault latency'

/** The union of every variant's histogram buckets, as log2 exponents (inclusive bounds). */
export function bucketRange(variants: VariantResult[]): { lo: number; hi: number } | null {
  let lo = Infinity
  let hi = -Infinity
  for (const v of variants) {
    const { firstLog2, counts } = v.faults.histogram
    const first = counts.findIndex((c) => c > 0)
    if (first < 0) continue
    let last = counts.length - 1
    while (counts[last] === 0) last--
    lo = Math.min(lo, firstLog2 + first)
    hi = Math.max(hi, firstLog2 + last)
  }
  return lo <= hi ? { lo, hi } : null
}

/** Counts of one variant aligned to the log2 range `lo..hi`. */
export function alignedCounts(v: VariantResult, lo: number, hi: number): number[] {
  const { firstLog2, counts } = v.faults.histogram
  const out: number[] = []
  for (let e = lo; e <= hi; e++) out.push(counts[e - firstLog2] ?? 0)
  return out
}

/** Cumulative share in percent, two decimals. */
export function cdfPercent(counts: number[]): number[] {
  const total = counts.reduce((a, b) => a + b, 0)
  let running = 0
  return counts.map((c) => {
    running += c
    return total === 0 ? 0 : Math.round((running / total) * 10000) / 100
  })
}

/** Fault types across variants, most frequent first, ties by name. */
export function faultTypes(variants: VariantResult[]): string[] {
  const totals = new Map<string, number>()
  for (const v of variants) {
    for (const [type, stats] of Object.entries(v.faults.byType)) {
      totals.set(type, (totals.get(type) ?? 0) + stats.count)
    }
  }
  return [...totals.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([type]) => type)
}

export function faultLatencyOption(result: ResultJson): EChartsOption {
  const variants = result.variants
  const range = bucketRange(variants) ?? { lo: 0, hi: -1 }
  const buckets: string[] = []
  for (let e = range.lo; e <= range.hi; e++) buckets.push(formatNs(2 ** e))

  const histogram = variants.map((v) => ({
    name: v.name,
    type: 'bar' as const,
    color: variantColor(v.name),
    xAxisIndex: 0,
    yAxisIndex: 0,
    barGap: '10%',
    // A log axis has no 0: empty buckets are no bar.
    data: alignedCounts(v, range.lo, range.hi).map((c) => (c > 0 ? c : '-')),
  }))
  const cdf = variants.map((v) => ({
    name: v.name,
    type: 'line' as const,
    color: variantColor(v.name),
    xAxisIndex: 0,
    yAxisIndex: 1,
    symbol: 'none',
    lineStyle: { type: 'dashed' as const, width: 1.5 },
    data: cdfPercent(alignedCounts(v, range.lo, range.hi)),
  }))
  const { legend, plotTop } = legendLayout(variants.length)
  return {
    animation: false,
    title: chartTitle(FAULT_LATENCY_TITLE),
    textStyle: TEXT_STYLE,
    legend: { ...legend, data: variants.map((v) => v.name) },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    grid: [boxedGrid({ left: EDGE, right: EDGE, top: plotTop, bottom: EDGE })],
    xAxis: [
      {
        type: 'category',
        gridIndex: 0,
        data: buckets,
        name: 'latency ≥',
        nameLocation: 'middle',
        nameGap: 26,
        axisLabel: { hideOverlap: true },
      },
    ],
    yAxis: [
      { type: 'log', gridIndex: 0, name: 'faults (log)', min: 1, logBase: 10 },
      {
        type: 'value',
        gridIndex: 0,
        name: 'CDF %',
        min: 0,
        max: 100,
        interval: 25,
        splitLine: { show: false },
      },
    ],
    series: [...histogram, ...cdf],
  }
}
