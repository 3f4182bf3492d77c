/**
 * Fault latency CDF per variant on a log x axis, from the log2 histograms: the share of faults
 * below each bucket's upper bound, with p50, p99 and p99.9 (from `faults.latencyNs`) pinned on each
 * curve. Pure function of the result JSON.
 */
import type { EChartsOption } from 'echarts'
import type { ResultJson, VariantResult } from '../../shared/result'
import { alignedCounts, bucketRange, cdfPercent } from './fault-latency'
import { markedPercentiles } from './percentiles'
import {
  boxedGrid,
  chartTitle,
  EDGE,
  formatNs,
  legendLayout,
  TEXT_STYLE,
  variantColor,
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

export function faultCdfOption(result: ResultJson): EChartsOption {
  const variants = result.variants
  const range = bucketRange(variants)
  // A percentile at the same latency in several variants is labelled once (by the first); labels
  // of one percentile in different variants go on separate lines.
  const labelled = new Set<string>()
  const shownPerKey = new Map<string, number>()
  const series = variants.map((v) => {
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
              label: { show: true, fontSize: 10, color: variantColor(v.name) },
              data: marks.map(({ percentile, ns }) => {
                const text = `${percentile.label} ${formatNs(ns)}`
                const show = !labelled.has(text)
                labelled.add(text)
                const line = shownPerKey.get(percentile.key) ?? 0
                if (show) shownPerKey.set(percentile.key, line + 1)
                return {
                  name: `${v.name} ${percentile.label}`,
                  coord: [ns, percentile.percent],
                  label: {
                    show,
                    formatter: text,
                    // p99 and p99.9 sit almost on top of each other: one label left, one right.
                    position: percentile.key === 'p99' ? ('left' as const) : ('right' as const),
                    offset: [0, line * 12],
                  },
                }
              }),
            },
          }
        : {}),
    }
  })

  const { legend, plotTop } = legendLayout(variants.length)
  const lo = range ? 2 ** range.lo : 1
  const hi = range ? 2 ** (range.hi + 1) : 2
  const powersOfTwo: number[] = []
  for (let ns = lo; ns <= hi; ns *= 2) powersOfTwo.push(ns)
  return {
    animation: false,
    title: chartTitle(FAULT_CDF_TITLE),
    textStyle: TEXT_STYLE,
    legend: { ...legend, data: variants.map((v) => v.name) },
    tooltip: { trigger: 'axis' },
    // Room on the right for the labels of the slowest percentiles.
    grid: boxedGrid({ left: EDGE, right: 96, top: plotTop, bottom: EDGE }),
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
    yAxis: {
      type: 'value',
      min: 0,
      max: 100,
      ...yAxisName('faults ≤ latency (%)'),
    },
    series,
  }
}
