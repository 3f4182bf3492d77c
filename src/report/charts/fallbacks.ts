/**
 * Fallbacks by reason per variant (bars): how often each path gave up on the large folio, by its
 * named reason. Pure function of the result JSON.
 */
import type { EChartsOption } from 'echarts'
import type { ResultJson } from '../../shared/result'
import { byCodeUnit, variantBarsOption, wrapAtHyphens } from './variants'

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
  return variantBarsOption(result, FALLBACKS_TITLE, reasons, (v, r) => v.fallbacks[r] ?? 0, {
    xAxis: {
      name: reasons.length > 0 ? 'reason' : 'no fallbacks in this run',
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
  })
}
