/**
 * Fallbacks by reason per variant (bars): how often each path gave up on the large folio, by its
 * named reason. Pure function of the result JSON.
 */
import type { EChartsOption } from 'echarts'
import type { ResultJson } from '../../shared/result'
import {
  byCodeUnit,
  chartTitle,
  legendLayout,
  plotGrid,
  TEXT_STYLE,
  variantColor,
  wrapAtHyphens,
} from './variants'

export const FALLBACKS_TITLE = 'Fallbacks by reason'

/** Reasons across variants, most frequent first, ties by name. */
export function fallbackReasons(result: ResultJson): string[] {
  const totals = new Map<string, number>()
  for (const v of result.variants) {
    for (const [reason, n] of Object.entries(v.fallbacks)) {
      totals.set(reason, (totals.get(reason) ?? 0) + n)
    }
  }
  return [...totals.entries()]
    .sort((a, b) => b[1] - a[1] || byCodeUnit(a[0], b[0]))
    .map(([reason]) => reason)
}

export function fallbacksOption(result: ResultJson): EChartsOption {
  const reasons = fallbackReasons(result)
  const series = result.variants.map((v) => ({
    name: v.name,
    type: 'bar' as const,
    color: variantColor(v.name),
    barGap: '10%',
    data: reasons.map((r) => v.fallbacks[r] ?? 0),
  }))
  const { legend, plotTop } = legendLayout(result.variants.length)
  return {
    animation: false,
    title: chartTitle(FALLBACKS_TITLE),
    textStyle: TEXT_STYLE,
    legend: { ...legend, data: result.variants.map((v) => v.name) },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    grid: plotGrid(plotTop),
    xAxis: {
      type: 'category',
      data: reasons,
      name: reasons.length > 0 ? 'reason' : 'no fallbacks in this run',
      nameLocation: 'middle',
      nameGap: 28,
      // Reasons are long kebab-case names: two short lines each, and any that still collide in a
      // narrow chart give way (the tooltip names them).
      axisLabel: {
        interval: 0,
        hideOverlap: true,
        formatter: (reason: string) => wrapAtHyphens(reason),
      },
      // Off the two-line labels it is moved below (ECharts' nameMoveOverlap).
      nameTextStyle: { textMargin: 6 },
    },
    yAxis: { type: 'value', name: 'fallbacks', minInterval: 1 },
    series,
  }
}
