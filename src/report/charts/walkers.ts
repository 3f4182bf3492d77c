/**
 * Page-table entries each walker visited, per variant, on a log y axis (a split THP costs 512
 * entries where a PMD costs one). Pure function of the result JSON.
 */
import type { EChartsOption } from 'echarts'
import type { ResultJson, VariantResult } from '../../shared/result'
import { byCodeUnit, variantBarsOption, yAxisName } from './variants'

export const WALKERS_TITLE = 'Page-table entries visited by walker'

/** Walker names across variants, by name. */
export function walkerNames(result: ResultJson): string[] {
  const names = new Set<string>()
  for (const v of result.variants) for (const name of Object.keys(v.walkers)) names.add(name)
  return [...names].sort(byCodeUnit)
}

export function walkersOption(result: ResultJson): EChartsOption {
  const walkers = walkerNames(result)
  // A log axis has no zero: a walker that visited nothing gets no bar.
  const entries = (v: VariantResult, w: string): number | '-' =>
    (v.walkers[w]?.entriesVisited ?? 0) || '-'
  return variantBarsOption(result, WALKERS_TITLE, walkers, entries, {
    xAxis: { name: 'walker', axisLabel: { interval: 0, hideOverlap: true } },
    yAxis: { type: 'log', logBase: 10, min: 1, ...yAxisName('entries visited (log scale)') },
  })
}
