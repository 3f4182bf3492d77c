/**
 * One metric against one swept parameter, one line per variant: the chart of `hugeswap sweep`.
 * Pure function of the sweep points. Metric names follow the LKP grammar (`proc-vmstat.pswpout`,
 * `meminfo.PageTables`) or are paths into a variant's result (`faults.latencyNs.p99`,
 * `faults.totalNs`, `pageTables.peakBytes`, `walkers.smaps.entriesVisited`, `fallbacks.<reason>`,
 * `mthp.hugepages-64kB.swpout`).
 */
import type { EChartsOption } from 'echarts'
import { VARIANT_NAMES, type ResultJson, type VariantResult } from '../../shared/result'
import { chartTitle, legendLayout, plotGrid, TEXT_STYLE, variantColor, yAxisName } from './variants'

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

export function sweepOption(points: SweepPoint[], metric: string, param: string): EChartsOption {
  const { values, numeric } = sweepAxis(points, param)
  const present = new Set(points.flatMap((p) => p.result.variants.map((v) => v.name)))
  const variants = VARIANT_NAMES.filter((name) => present.has(name))

  const series = variants.map((name) => {
    const data = points.map((p) => {
      const v = p.result.variants.find((x) => x.name === name)
      const y = v ? resolveMetric(v, metric) : undefined
      const x = p.params[param] ?? ''
      return numeric ? [Number(x), y ?? '-'] : [x, y ?? '-']
    })
    if (numeric) data.sort((a, b) => (a[0] as number) - (b[0] as number))
    return {
      name,
      type: 'line' as const,
      color: variantColor(name),
      symbolSize: 6,
      data,
    }
  })

  const { legend, plotTop } = legendLayout(variants.length)
  return {
    animation: false,
    title: chartTitle(`${metric} vs ${param}`),
    textStyle: TEXT_STYLE,
    legend: { ...legend, data: variants },
    tooltip: { trigger: 'axis' },
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
    yAxis: { type: 'value', scale: true, ...yAxisName(metric) },
    series,
  }
}
