/**
 * One metric against one swept parameter: the chart of `hugeswap sweep`. A numeric parameter gives
 * one line per variant, a categorical one grouped bars; the metric's axis names its unit.
 * Pure function of the sweep points. Metric names follow the LKP grammar (`proc-vmstat.pswpout`,
 * `meminfo.PageTables`) or are paths into a variant's result (`faults.byType.swapin-io.latencyNs.p99`,
 * `faults.totalNs`, `pageTables.peakBytes`, `walkers.smaps.entriesVisited`, `fallbacks.<reason>`,
 * `mthp.hugepages-64kB.swpout`).
 */
import type { EChartsOption } from 'echarts'
import { VARIANT_NAMES, type ResultJson, type VariantResult } from '../../shared/result'
import {
  chartTitle,
  legendLayout,
  plotGrid,
  TEXT_STYLE,
  variantColor,
  variantLineStyle,
  yAxisName,
} from './variants'

export interface SweepPoint {
  params: Record<string, string>
  result: ResultJson
}

/** Metric prefixes that name a part of the result differently (LKP's source prefixes). */
const METRIC_ALIASES: Record<string, string> = {
  'proc-vmstat': 'vmstat',
  vmstat: 'vmstat',
  meminfo: 'meminfo',
}

/** The value of `metric` in one variant, or undefined when the variant has no such number. */
export function resolveMetric(v: VariantResult, metric: string): number | undefined {
  const [head, ...rest] = metric.split('.')
  if (rest.length === 0) return undefined
  const root = METRIC_ALIASES[head] ?? head
  // vmstat and meminfo names may themselves hold no dots, but be safe: the rest is one key.
  const path = root === 'vmstat' || root === 'meminfo' ? [root, rest.join('.')] : [root, ...rest]
  let node: unknown = v
  for (const key of path) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, key)) return undefined
    node = (node as Record<string, unknown>)[key]
  }
  return typeof node === 'number' && Number.isFinite(node) ? node : undefined
}

/** Parameter values in sweep order; numeric when every value is a number. */
export function sweepAxis(
  points: SweepPoint[],
  param: string,
): { values: string[]; numeric: boolean } {
  const values: string[] = []
  for (const p of points) {
    const value = p.params[param] ?? ''
    if (!values.includes(value)) values.push(value)
  }
  const numeric =
    values.length > 0 && values.every((s) => s.trim() !== '' && Number.isFinite(Number(s)))
  return { values, numeric }
}

/**
 * The unit a metric is shown in and the factor from the result's own unit: times in ns become ms
 * (sums) or us (latencies), byte counts kB; meminfo is kB already; counters are events or pages.
 */
export function metricUnit(metric: string): { unit: string; factor: number } {
  if (/^(meminfo)\./.test(metric)) return { unit: 'kB', factor: 1 }
  if (/latencyNs\./.test(metric)) return { unit: 'us', factor: 1e-3 }
  if (/Ns$/.test(metric)) return { unit: 'ms', factor: 1e-6 }
  if (/Bytes$/.test(metric)) return { unit: 'kB', factor: 1 / 1024 }
  if (/^(proc-vmstat|vmstat)\./.test(metric)) return { unit: 'events', factor: 1 }
  return { unit: 'count', factor: 1 }
}

export function sweepOption(points: SweepPoint[], metric: string, param: string): EChartsOption {
  const { values, numeric } = sweepAxis(points, param)
  const present = new Set(points.flatMap((p) => p.result.variants.map((v) => v.name)))
  const variants = VARIANT_NAMES.filter((name) => present.has(name))
  const { unit, factor } = metricUnit(metric)
  const scaled = (y: number | undefined): number | '-' =>
    y === undefined ? '-' : Number((y * factor).toPrecision(6))

  // A numeric axis (sizes, counts) is a line per variant; a categorical one (device types, on or
  // off) is grouped bars: a line between two unrelated categories would suggest a trend.
  const series = variants.map((name) => {
    const at = (p: SweepPoint) => {
      const v = p.result.variants.find((x) => x.name === name)
      return scaled(v ? resolveMetric(v, metric) : undefined)
    }
    if (!numeric) {
      return {
        name,
        type: 'bar' as const,
        color: variantColor(name),
        barGap: '10%',
        // One bar per category, in axis order (the first point with that value).
        data: values.map((x) => {
          const p = points.find((q) => (q.params[param] ?? '') === x)
          return p ? at(p) : '-'
        }),
      }
    }
    const data = points
      .map((p) => [Number(p.params[param] ?? ''), at(p)] as [number, number | '-'])
      .sort((a, b) => a[0] - b[0])
    return {
      name,
      type: 'line' as const,
      color: variantColor(name),
      symbolSize: 7,
      ...variantLineStyle(name),
      data,
    }
  })

  const { legend, plotTop } = legendLayout(variants.length)
  return {
    animation: false,
    title: chartTitle(`${metric} vs ${param}`),
    textStyle: TEXT_STYLE,
    legend: { ...legend, data: variants },
    tooltip: { trigger: 'axis', ...(numeric ? {} : { axisPointer: { type: 'shadow' } }) },
    grid: plotGrid(plotTop),
    xAxis: numeric
      ? { type: 'value', name: param, nameLocation: 'middle', nameGap: 28, scale: true }
      : {
          type: 'category',
          data: values,
          name: param,
          nameLocation: 'middle',
          nameGap: 28,
          axisLabel: { hideOverlap: true },
        },
    yAxis: { type: 'value', scale: numeric, ...yAxisName(`${metric} (${unit})`) },
    series,
  }
}
