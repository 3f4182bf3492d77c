/**
 * Fault latency CDF per variant on a log x axis, from the log2 histograms: the share of faults
 * below each bucket's upper bound, with p50, p99 and p99.9 (from `faults.latencyNs`) pinned on each
 * curve. Pure function of the result JSON.
 */
import type { EChartsOption } from 'echarts'
import type { LatencySummaryNs, ResultJson, VariantResult } from '../../shared/result'
import { alignedCounts, bucketRange, cdfPercent } from './fault-latency'
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
  yAxisName,
} from './variants'

export const FAULT_CDF_TITLE = 'Fault latency CDF'

/**
 * `[ns, percent]` points of one variant's CDF over the log2 range `lo..hi`: it starts at 0 % at
 * 2^lo ns and reaches each bucket's cumulative share at that bucket's upper bound.
 */
export function cdfPoints(v: VariantResult, lo: number, hi: number): [number, number][] {
  const counts = alignedCounts(v, lo, hi)
  if (counts.every((c) => c === 0)) return []
  const cdf = cdfPercent(counts)
  return [[2 ** lo, 0], ...cdf.map((pct, i): [number, number] => [2 ** (lo + i + 1), pct])]
}

/** A shown percentile label: the text, the variants (indices) it holds for, its row in its group. */
export interface CdfLabel {
  text: string
  variants: number[]
  /** Left of its point (in the right half of the axis), else right of it. */
  left: boolean
  row: number
}

/**
 * Labels are placed for the narrowest chart of the workbench, a plot about this wide (px), where a
 * label of `n` characters and `k` variant squares takes about `6.2 n + 10 k + 12` px.
 */
const NARROW_PLOT_PX = 360

/**
 * Which marked percentile carries a label, keyed `variant:percentile`: one label per distinct text
 * (`p50 610 ns`, or `p99, p99.9 121 µs` when they are one latency), on the first variant that has
 * it, naming every variant that does. A label points
 * into the plot (right of a point in the left half of the axis, left of one in the right half) and
 * takes the first row below its point where it meets no other label of its group: p50 halfway up,
 * p99 and p99.9 (almost the same height) at the top. `along` maps a latency to 0..1 on the axis.
 */
export function cdfLabels(
  latencies: LatencySummaryNs[],
  along: (ns: number) => number,
): Map<string, CdfLabel> {
  const byText = new Map<string, CdfLabel>()
  const labels = new Map<string, CdfLabel>()
  const spans = new Map<string, { from: number; to: number }[][]>() // group -> row -> spans
  const pending: { label: CdfLabel; at: number; group: string }[] = []
  latencies.forEach((latencyNs, v) => {
    const marks = markedPercentiles(latencyNs)
    for (const [i, { percentile, ns }] of marks.entries()) {
      // p99 and p99.9 at one latency share a label (`p99, p99.9 403 µs`), on p99.
      const next = marks[i + 1]
      const prev = marks[i - 1]
      const sameAs = (m: typeof next): boolean =>
        m !== undefined && m.percentile.key !== 'p50' && formatNs(m.ns) === formatNs(ns)
      if (percentile.key === 'p999' && sameAs(prev)) continue
      const names =
        percentile.key === 'p99' && sameAs(next)
          ? `${percentile.label}, ${next.percentile.label}`
          : percentile.label
      const text = `${names} ${formatNs(ns)}`
      const shown = byText.get(text)
      if (shown) {
        shown.variants.push(v)
        continue
      }
      const at = along(ns)
      const label = { text, variants: [v], left: at > 0.5, row: 0 }
      byText.set(text, label)
      labels.set(`${v}:${percentile.key}`, label)
      pending.push({ label, at, group: percentile.key === 'p50' ? 'p50' : 'top' })
    }
  })
  // Rows once every label knows all its variants (their squares widen it).
  for (const { label, at, group } of pending) {
    const width = (6.2 * label.text.length + 10 * label.variants.length + 12) / NARROW_PLOT_PX
    const span = label.left ? { from: at - width, to: at } : { from: at, to: at + width }
    const rows = spans.get(group) ?? []
    spans.set(group, rows)
    let row = rows.findIndex((taken) => taken.every((t) => t.to <= span.from || t.from >= span.to))
    if (row < 0) row = rows.push([]) - 1
    rows[row].push(span)
    label.row = row
  }
  return labels
}

/** Row height of the percentile labels, px. */
const LABEL_ROW = 13

export function faultCdfOption(result: ResultJson): EChartsOption {
  const variants = result.variants
  const range = bucketRange(variants)
  const lo = range ? 2 ** range.lo : 1
  const hi = range ? 2 ** (range.hi + 1) : 2
  const powersOfTwo: number[] = []
  for (let ns = lo; ns <= hi; ns *= 2) powersOfTwo.push(ns)
  // Where a point sits along the log axis, 0..1.
  const along = (ns: number): number => Math.log2(ns / lo) / Math.log2(hi / lo)
  const labels = cdfLabels(
    variants.map((v) => v.faults.latencyNs),
    along,
  )
  const series = variants.map((v, i) => {
    const marks = markedPercentiles(v.faults.latencyNs)
    return {
      name: v.name,
      type: 'line' as const,
      color: variantColor(v.name),
      symbol: 'none',
      lineStyle: { width: 2 },
      data: range ? cdfPoints(v, range.lo, range.hi) : [],
      ...(marks.length > 0
        ? {
            markPoint: {
              symbol: 'circle',
              symbolSize: 7,
              label: { show: true, ...MARK_LABEL_STYLE, rich: variantSquareStyles(variants) },
              data: marks.map(({ percentile, ns }) => {
                const label = labels.get(`${i}:${percentile.key}`)
                return {
                  name: `${v.name} ${percentile.label}`,
                  coord: [ns, percentile.percent],
                  label: label
                    ? {
                        show: true,
                        // The squares next to the point, the text away from it (see
                        // variantSquares).
                        formatter: label.left
                          ? `${label.text} ${variantSquares(label.variants)}`
                          : `${variantSquares(label.variants)} ${label.text}`,
                        position: label.left ? ('left' as const) : ('right' as const),
                        offset: [0, label.row * LABEL_ROW],
                      }
                    : { show: false },
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
    title: chartTitle(FAULT_CDF_TITLE),
    textStyle: TEXT_STYLE,
    legend: { ...legend, data: variants.map((v) => v.name) },
    tooltip: { trigger: 'axis' },
    grid: plotGrid(plotTop),
    xAxis: {
      type: 'log',
      logBase: 2,
      min: lo,
      max: hi,
      name: 'fault latency (ns, log scale)',
      nameLocation: 'middle',
      nameGap: 28,
      // A tick at every power of two (ECharts' own log ticks skip most of a wide range), and the
      // labels that would collide in a narrow chart give way.
      axisTick: { customValues: powersOfTwo },
      axisLabel: {
        formatter: (value: number) => formatNs(value),
        customValues: powersOfTwo,
        hideOverlap: true,
      },
    },
    yAxis: { type: 'value', min: 0, max: 100, ...yAxisName('faults ≤ latency (%)') },
    series,
  }
}
