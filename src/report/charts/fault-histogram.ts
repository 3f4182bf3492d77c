/**
 * Fault latency as a log2 histogram per variant (bucket i holds latencies in [2^i, 2^(i+1)) ns),
 * with the buckets that hold each variant's p50, p99 and p99.9 marked by a dashed line in the
 * variant's colour. Pure function of the result JSON.
 */
import type { EChartsOption } from 'echarts'
import type { LatencySummaryNs, ResultJson } from '../../shared/result'
import { alignedCounts, bucketRange } from './fault-latency'
import { markedPercentiles } from './percentiles'
import {
  chartTitle,
  formatNs,
  legendLayout,
  MARK_LABEL_STYLE,
  plotGrid,
  TEXT_STYLE,
  variantColor,
  variantSquares,
  variantSquareStyles,
} from './variants'

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

/** One line of a bucket's label: the percentiles at one latency, and the variants (indices). */
export interface BucketLabelLine {
  text: string
  variants: number[]
}

/**
 * The labels of the marked buckets, one per bucket, on the line of the first variant that marks it
 * (`owner`, an index into the variants): a line per latency (`p99, p99.9 121 µs`), each once, with
 * the variants it holds for. Four variants marking one bucket would otherwise pile four labels onto
 * one spot.
 */
export function bucketLabels(
  latencies: LatencySummaryNs[],
  lo: number,
  bucketCount: number,
): Map<number, { owner: number; lines: BucketLabelLine[] }> {
  const labels = new Map<number, { owner: number; lines: BucketLabelLine[] }>()
  latencies.forEach((latencyNs, v) => {
    // This variant's percentiles by bucket, then by latency: `p99, p99.9 121 µs`.
    const mine = new Map<number, Map<string, string[]>>()
    for (const { percentile, ns } of markedPercentiles(latencyNs)) {
      const index = bucketOf(ns) - lo
      if (index < 0 || index >= bucketCount) continue
      const byNs = mine.get(index) ?? new Map<string, string[]>()
      byNs.set(formatNs(ns), [...(byNs.get(formatNs(ns)) ?? []), percentile.label])
      mine.set(index, byNs)
    }
    for (const [index, byNs] of mine) {
      let label = labels.get(index)
      if (!label) {
        label = { owner: v, lines: [] }
        labels.set(index, label)
      }
      for (const [ns, names] of byNs) {
        const text = `${names.join(', ')} ${ns}`
        const line = label.lines.find((l) => l.text === text)
        if (line) line.variants.push(v)
        else label.lines.push({ text, variants: [v] })
      }
    }
  })
  return labels
}

/**
 * Rich text of a bucket's label: each line's text, then the variants it holds for (squares last:
 * the label is right-aligned, see variantSquares).
 */
export function bucketLabelText(lines: BucketLabelLine[]): string {
  return lines.map((l) => `${l.text} ${variantSquares(l.variants)}`).join('\n')
}

export function faultHistogramOption(result: ResultJson): EChartsOption {
  const variants = result.variants
  const range = bucketRange(variants) ?? { lo: 0, hi: -1 }
  const buckets: string[] = []
  for (let e = range.lo; e <= range.hi; e++) buckets.push(formatNs(2 ** e))
  const marksPerVariant = variants.map((v) =>
    bucketMarks(v.faults.latencyNs, range.lo, buckets.length),
  )
  const labels = bucketLabels(
    variants.map((v) => v.faults.latencyNs),
    range.lo,
    buckets.length,
  )
  const series = variants.map((v, i) => {
    const marks = marksPerVariant[i]
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
              lineStyle: { type: 'dashed' as const, width: 1, color: variantColor(v.name) },
              // Along the line, right of it, on a light ground: readable over the bars.
              label: {
                position: 'insideEndBottom' as const,
                ...MARK_LABEL_STYLE,
                // More room at the start: DejaVu Sans runs past the width zrender measures.
                padding: [1, 3, 1, 8],
                rich: variantSquareStyles(variants),
              },
              data: marks.map(({ text, index }) => {
                const label = labels.get(index)
                return {
                  name: `${v.name} ${text}`,
                  xAxis: index,
                  label:
                    label?.owner === i
                      ? { formatter: bucketLabelText(label.lines) }
                      : { show: false, formatter: text },
                }
              }),
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
