/**
 * Fault latency as a log2 histogram per variant (bucket i holds latencies in [2^i, 2^(i+1)) ns),
 * with the buckets that hold each variant's p50, p99 and p99.9 marked by a dashed line in the
 * variant's colour. Pure function of the result JSON.
 */
import type { EChartsOption } from 'echarts'
import type { LatencySummaryNs, ResultJson } from '../../shared/result'
import { alignedCounts, bucketRange } from './fault-latency'
import { markedPercentiles } from './percentiles'
import { chartTitle, formatNs, legendLayout, plotGrid, TEXT_STYLE, variantColor } from './variants'

export const FAULT_HISTOGRAM_TITLE = 'Fault latency histogram (log2 buckets)'

/** The log2 bucket that holds `ns` (bucket e covers [2^e, 2^(e+1)) ns). */
export function bucketOf(ns: number): number {
  return Math.floor(Math.log2(ns))
}

/**
 * One mark per bucket that holds a marked percentile of `latencyNs` (`index` counts from bucket
 * `lo`); percentiles sharing a bucket share the line: `p99 9 µs, p99.9 9.5 µs`.
 */
export function bucketMarks(
  latencyNs: LatencySummaryNs,
  lo: number,
  bucketCount: number,
): { index: number; text: string }[] {
  const marks: { index: number; text: string }[] = []
  for (const { percentile, ns } of markedPercentiles(latencyNs)) {
    const index = bucketOf(ns) - lo
    if (index < 0 || index >= bucketCount) continue
    const text = `${percentile.label} ${formatNs(ns)}`
    const same = marks.find((m) => m.index === index)
    if (same) same.text += `, ${text}`
    else marks.push({ index, text })
  }
  return marks
}

export function faultHistogramOption(result: ResultJson): EChartsOption {
  const variants = result.variants
  const range = bucketRange(variants) ?? { lo: 0, hi: -1 }
  const buckets: string[] = []
  for (let e = range.lo; e <= range.hi; e++) buckets.push(formatNs(2 ** e))

  const series = variants.map((v) => {
    const marks = bucketMarks(v.faults.latencyNs, range.lo, buckets.length)
    return {
      name: v.name,
      type: 'bar' as const,
      color: variantColor(v.name),
      barGap: '10%',
      data: alignedCounts(v, range.lo, range.hi),
      ...(marks.length > 0
        ? {
            markLine: {
              symbol: 'none',
              lineStyle: {
                type: 'dashed' as const,
                width: 1,
                color: variantColor(v.name),
              },
              label: {
                position: 'insideEndTop' as const,
                fontSize: 10,
                color: variantColor(v.name),
              },
              data: marks.map(({ text, index }) => ({
                name: `${v.name} ${text}`,
                xAxis: index,
                label: { formatter: text },
              })),
            },
          }
        : {}),
    }
  })

  const { legend, plotTop } = legendLayout(variants.length)
  return {
    animation: false,
    title: chartTitle(FAULT_HISTOGRAM_TITLE),
    textStyle: TEXT_STYLE,
    legend: { ...legend, data: variants.map((v) => v.name) },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    grid: plotGrid(plotTop),
    xAxis: {
      type: 'category',
      data: buckets,
      name: 'fault latency ≥',
      nameLocation: 'middle',
      nameGap: 28,
      axisLabel: { hideOverlap: true },
    },
    yAxis: { type: 'value', name: 'faults', minInterval: 1 },
    series,
  }
}
