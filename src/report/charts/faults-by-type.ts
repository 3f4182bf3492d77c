/**
 * Faults by type per variant (bars side by side on a log axis, top) and the total time in faults
 * by cost component (stacked bars, bottom: the mean per fault from `faults.byType[].breakdownNs`
 * weighted by each type's count, times the fault count). Pure function of the result JSON.
 */
import type { EChartsOption } from 'echarts'
import { COST_COMPONENTS, type ResultJson, type VariantResult } from '../../shared/result'
import { faultTypes } from './fault-latency'
import {
  boxedGrid,
  byCodeUnit,
  chartTitle,
  EDGE,
  legendLayout,
  LEGEND_ROW,
  paletteColor,
  plotGrid,
  SCROLL_LEGEND,
  TEXT_STYLE,
  wrapVariantName,
} from './variants'

export const FAULTS_BY_TYPE_TITLE = 'Faults by type'

/**
 * Mean time per fault by component over all faults of a variant: the per-type means weighted by
 * count, or `faults.breakdownNs` when no type carries a breakdown.
 */
export function meanBreakdownNs(v: VariantResult): Record<string, number> {
  const sums: Record<string, number> = {}
  let counted = 0
  for (const stats of Object.values(v.faults.byType)) {
    if (!stats.breakdownNs) continue
    counted += stats.count
    for (const [component, ns] of Object.entries(stats.breakdownNs)) {
      sums[component] = (sums[component] ?? 0) + ns * stats.count
    }
  }
  if (counted === 0) return { ...(v.faults.breakdownNs ?? {}) }
  const out: Record<string, number> = {}
  for (const [component, sum] of Object.entries(sums)) out[component] = sum / counted
  return out
}

/** Components present in any variant: the known ones in fault order, then others by name. */
export function components(breakdowns: Record<string, number>[]): string[] {
  const seen = new Set<string>()
  for (const b of breakdowns) for (const [c, ns] of Object.entries(b)) if (ns > 0) seen.add(c)
  const known: string[] = COST_COMPONENTS.filter((c) => seen.has(c))
  const unknown = [...seen].filter((c) => !(COST_COMPONENTS as readonly string[]).includes(c))
  return [...known, ...unknown.sort(byCodeUnit)]
}

export function faultsByTypeOption(
  result: ResultJson,
  { breakdown = true }: { breakdown?: boolean } = {},
): EChartsOption {
  const variants = result.variants
  const names = variants.map((v) => v.name)
  const types = faultTypes(variants)
  const breakdowns = variants.map(meanBreakdownNs)
  const parts = breakdown ? components(breakdowns) : []
  const withBreakdown = parts.length > 0

  // Counts side by side on a log axis: 2.7k PMD swap-ins stay visible beside 1.3M 4 KB ones (a
  // stack cannot be read on a log axis, and on a linear one the small types vanish).
  const countSeries = types.map((type, i) => ({
    name: type,
    type: 'bar' as const,
    color: paletteColor(i),
    xAxisIndex: 0,
    yAxisIndex: 0,
    data: variants.map((v) => {
      const n = v.faults.byType[type]?.count ?? 0
      return n > 0 ? n : '-'
    }),
  }))
  // Total time in faults by component: the stack's height is the variant's time in faults, so
  // the panel compares what a reviewer quotes, not a mean over fault types of different kinds.
  const breakdownSeries = parts.map((component, i) => ({
    name: component,
    type: 'bar' as const,
    stack: 'breakdown',
    color: paletteColor(types.length + i),
    xAxisIndex: 1,
    yAxisIndex: 1,
    // Milliseconds, three significant digits: the axis stays readable and the bytes stable.
    data: variants.map((v, j) =>
      Number((((breakdowns[j][component] ?? 0) * v.faults.count) / 1e6).toPrecision(3)),
    ),
  }))

  // Two panels, each in its own box with its labels and axis names: the counts under their legend
  // at the top, the breakdown (headed by its y-axis name) above its legend at the bottom.
  const { legend, plotTop } = legendLayout(1)
  const partsLegend = { ...SCROLL_LEGEND, bottom: EDGE / 2, data: parts }
  const variantAxis = {
    type: 'category' as const,
    data: names,
    axisLabel: { interval: 0, hideOverlap: true, formatter: wrapVariantName },
  }
  return {
    animation: false,
    title: chartTitle(FAULTS_BY_TYPE_TITLE),
    textStyle: TEXT_STYLE,
    legend: [{ ...legend, ...SCROLL_LEGEND, data: types }, ...(withBreakdown ? [partsLegend] : [])],
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    grid: withBreakdown
      ? [
          boxedGrid({ left: EDGE, right: EDGE * 2, top: plotTop, bottom: '50%' }),
          boxedGrid({ left: EDGE, right: EDGE * 2, top: '54%', bottom: EDGE + LEGEND_ROW }),
        ]
      : [plotGrid(plotTop)],
    xAxis: [
      { ...variantAxis, gridIndex: 0 },
      ...(withBreakdown ? [{ ...variantAxis, gridIndex: 1 }] : []),
    ],
    yAxis: [
      { type: 'log', gridIndex: 0, name: 'faults (log)', min: 1, logBase: 10 },
      ...(withBreakdown
        ? [
            {
              type: 'value' as const,
              gridIndex: 1,
              splitNumber: 4,
              name: 'Time in faults by component (ms)',
              nameTextStyle: { align: 'left' as const, fontSize: 12, fontWeight: 'bold' as const },
            },
          ]
        : []),
    ],
    series: [...countSeries, ...breakdownSeries],
  }
}
